//go:build unix

package replica

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSpecialFileAsReplica: a named pipe or a device put where the replica
// goes is refused at once (a pipe without a writer used to block the read,
// and with it the vault's lock, for ever), and nothing is written.
func TestSpecialFileAsReplica(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		make       func(p string) error
	}{
		{"named pipe", "is a named pipe", func(p string) error { return syscall.Mkfifo(p, 0o600) }},
		{"device", "is a device", func(p string) error { return os.Symlink("/dev/zero", p) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			folder := t.TempDir()
			a := newComputer(t, folder, "one")
			res := a.sync()
			if err := os.Remove(res.Replica); err != nil {
				t.Fatal(err)
			}
			if err := tc.make(res.Replica); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := Folder{Dir: folder}.Sync(a.v)
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "nothing was written") {
					t.Errorf("sync with a %s as the replica: %v", tc.name, err)
				}
			case <-time.After(30 * time.Second): // a hang guard
				// A writer lets the blocked read go, so the vault can close.
				if w, err := os.OpenFile(res.Replica, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					w.Close()
				}
				<-done
				t.Fatalf("sync with a %s as the replica hangs", tc.name)
			}
			if fi, err := os.Lstat(res.Replica); err != nil || fi.Mode().IsRegular() {
				t.Errorf("the %s was replaced: %v", tc.name, err)
			}
		})
	}
}
