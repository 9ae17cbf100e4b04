package follow

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"authdesk/internal/fswait"
)

// WatchOptions tune Watch.
type WatchOptions struct {
	// Poll is how often the folder is listed for changes fsnotify may miss
	// (network shares, some sync engines); 0: 2 s.
	Poll time.Duration
	// Settle is how long Watch waits after a change for more to follow (a
	// sync engine writes, renames and touches); 0: 200 ms.
	Settle time.Duration
	// NoNotify polls only, as where fsnotify cannot watch (tests).
	NoNotify bool
}

// Watch calls check now, and again after every change in dir, until ctx
// ends: fsnotify where it works, a listing every Poll where it does not.
func Watch(ctx context.Context, dir string, o WatchOptions, check func()) error {
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	if o.Settle <= 0 {
		o.Settle = 200 * time.Millisecond
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch the followed folder: %w", err)
	}
	defer w.Close()
	if !o.NoNotify {
		_ = w.Add(dir) // a failed watch leaves the polling
	}
	last := fingerprint(dir)
	check()
	return fswait.Loop(ctx, w, o.Poll, o.Settle,
		func() bool { return fingerprint(dir) != last },
		func() error {
			if ctx.Err() == nil {
				last = fingerprint(dir)
				check()
			}
			return nil
		})
}

// fingerprint sums up the names, sizes and times of the backups in dir.
func fingerprint(dir string) string {
	s := ""
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if !IsBackupName(e.Name()) {
			continue
		}
		if fi, err := os.Lstat(filepath.Join(dir, e.Name())); err == nil {
			s += fmt.Sprintf("%s %d %d\n", e.Name(), fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return s
}
