//go:build unix

package desktop

import (
	"os"
	"syscall"
	"testing"
)

// TestSyncFolderNamedPipe: a named pipe put where the replica goes is
// refused at once; before, the watcher's read blocked for ever holding the
// vault's lock, and the window froze at its next look at the vault.
func TestSyncFolderNamedPipe(t *testing.T) {
	syncHostile(t, func(t *testing.T, h *syncHarness, p string) {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
		// Should the read block after all, a writer lets it go, so that
		// the test ends (cleanups run last first).
		t.Cleanup(func() {
			if w, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		})
	}, "is a named pipe, not a regular file")
}
