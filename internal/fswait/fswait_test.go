package fswait

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// TestSettleDrainsABurst: Settle returns once the events stop, having
// taken the burst's events off the watcher, and at once when ctx ends.
func TestSettleDrainsABurst(t *testing.T) {
	dir := t.TempDir()
	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := os.WriteFile(filepath.Join(dir, "f"), []byte{byte(i)}, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	go func() { Settle(context.Background(), w, 100*time.Millisecond); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second): // a hang guard
		t.Fatal("Settle did not return after the burst")
	}
	if n := len(w.Events); n != 0 {
		t.Errorf("%d events left on the watcher after Settle", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done2 := make(chan struct{})
	go func() { Settle(ctx, w, time.Hour); close(done2) }()
	select {
	case <-done2:
	case <-time.After(30 * time.Second):
		t.Fatal("Settle did not return when its context ended")
	}
}
