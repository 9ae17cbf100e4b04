// Package fswait holds what the folder watchers (the synced folder's
// replica, a followed phone's backups) share about fsnotify.
package fswait

import (
	"context"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Settle waits until no event has come on w for d, or ctx ends, so that a
// burst of events (a sync engine writing, renaming and touching) makes one
// check.
func Settle(ctx context.Context, w *fsnotify.Watcher, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.Events:
			t.Reset(d)
		case <-t.C:
			return
		}
	}
}
