package replica

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"authdesk/internal/fswait"
	"authdesk/vault"
)

// RunOptions tune Folder.Run.
type RunOptions struct {
	// Poll is how often the folder and the vault file are checked for
	// changes fsnotify may miss (network shares, some sync engines); 0: 1 s.
	Poll time.Duration
	// Settle is how long Run waits after a change for more to follow
	// before it merges; 0: 100 ms.
	Settle time.Duration

	noWatch bool // tests: poll only, as where fsnotify cannot watch
}

// Run syncs v with the folder now and again after every change to the
// folder or to the vault file, until ctx ends: a new replica arriving is
// merged within Poll + Settle at the latest (about 1.1 s), usually within
// Settle of the fsnotify event. Each sync's result goes to report; an error
// of one sync does not stop the next, except ErrOtherKey, which Run
// returns: the vault password was changed elsewhere.
func (f Folder) Run(ctx context.Context, v *vault.Vault, o RunOptions, report func(Result, error)) error {
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Settle <= 0 {
		o.Settle = 100 * time.Millisecond
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch the synced folder: %w", err)
	}
	defer w.Close()
	// A watch that fails (too many watches, a file system without events)
	// leaves the polling.
	if !o.noWatch {
		_ = w.Add(f.Dir)
		_ = w.Add(filepath.Dir(v.Path()))
	}

	last := ""
	sync := func() error {
		res, err := f.Sync(v)
		last = f.fingerprint(v.Path())
		report(res, err)
		if err != nil && isOtherKey(err) {
			return err
		}
		return nil
	}
	if err := sync(); err != nil {
		return err
	}
	return fswait.Loop(ctx, w, o.Poll, o.Settle,
		func() bool { return f.fingerprint(v.Path()) != last }, sync)
}

// fingerprint sums up the names, sizes and times of the files a sync
// reads, for the polling fallback.
func (f Folder) fingerprint(vaultPath string) string {
	s := ""
	add := func(p string) {
		if fi, err := os.Stat(p); err == nil {
			s += fmt.Sprintf("%s %d %d\n", p, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	add(vaultPath)
	if ents, err := os.ReadDir(f.Dir); err == nil {
		for _, e := range ents {
			add(filepath.Join(f.Dir, e.Name()))
		}
	}
	return s
}

func isOtherKey(err error) bool {
	for e := err; e != nil; {
		if e == ErrOtherKey {
			return true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}
