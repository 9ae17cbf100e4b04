// Package atomicfile replaces files so that a crash leaves the old content
// or the new, never a mix, and so that no other user can read them: the
// content goes to a temporary file beside the target (mode 0600), which is
// synced, renamed over the target, and then the folder is synced so that
// the rename itself survives a power cut. Every file Authdesk writes that
// matters (the vault, exports, reports, state, keys) goes through Write.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Options change how Write replaces the file. The zero value replaces it.
type Options struct {
	// BeforeRename runs once the temporary file tmp is complete and
	// synced, before it replaces the target (the vault links the old
	// version into its backups here). An error stops the write.
	BeforeRename func(tmp string) error
	// Keep installs the file only if the target does not exist yet (a
	// hard link, not a rename): a file another process wrote first is
	// kept, and Write returns nil.
	Keep bool
}

// TempPattern is the name pattern of Write's temporary files beside
// target, for a caller that removes those a killed process left behind.
func TempPattern(target string) string {
	return "." + filepath.Base(target) + ".tmp-*"
}

// WriteFile replaces path with b, mode 0600.
func WriteFile(path string, b []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}, Options{})
}

// Write replaces path with what write writes, mode 0600; see the package
// documentation. On error the target is untouched and the temporary file
// removed.
func Write(path string, write func(io.Writer) error, opts Options) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, TempPattern(path)) // mode 0600 on Unix
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	installed := false
	defer func() {
		if !installed || opts.Keep {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := write(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if opts.BeforeRename != nil {
		if err := opts.BeforeRename(tmp); err != nil {
			return err
		}
	}
	if opts.Keep {
		if err := os.Link(tmp, path); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return nil
			}
			return fmt.Errorf("write %s: %w", path, err)
		}
	} else if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	installed = true
	if err := SyncDir(dir); err != nil {
		return fmt.Errorf("write %s: sync the folder: %w", path, err)
	}
	return nil
}
