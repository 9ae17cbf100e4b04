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

// Loop waits for changes until ctx ends, and calls run after each: an event
// on w, or a tick of poll at which changed reports one (the polling
// fallback for folders fsnotify cannot watch), followed by Settle for
// settle. An error from run ends the loop and is returned; ctx ending
// returns nil.
func Loop(ctx context.Context, w *fsnotify.Watcher, poll, settle time.Duration, changed func() bool, run func() error) error {
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-w.Events:
		case <-w.Errors:
		case <-tick.C:
			if !changed() {
				continue
			}
		}
		Settle(ctx, w, settle)
		if err := run(); err != nil {
			return err
		}
	}
}
