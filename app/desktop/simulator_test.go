package desktop

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"authdesk/app/desktop/workbench"
)

// TestPlatformSimulatorOpensOnce: Ctrl+P opens the workbench's window; a
// second Ctrl+P brings the same window back instead of a second server,
// and once it is closed Ctrl+P opens a new one.
func TestPlatformSimulatorOpensOnce(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	h.u.cfg.platformDB = filepath.Join(t.TempDir(), "platform.db")
	h.u.windowShortcut(customShortcut(fyne.KeyP))
	tr := h.u.tester
	if tr == nil {
		t.Fatal("Ctrl+P opened no platform simulator")
	}
	t.Cleanup(func() {
		if h.u.tester != nil {
			h.u.tester.Close()
		}
	})
	windowTitled(t, h.a, workbench.Title)
	h.u.windowShortcut(customShortcut(fyne.KeyP))
	if h.u.tester != tr {
		t.Error("a second Ctrl+P opened another simulator")
	}
	tr.Close()
	if h.u.tester != nil {
		t.Fatal("the closed simulator is still held")
	}
	h.u.windowShortcut(customShortcut(fyne.KeyP))
	if h.u.tester == nil || h.u.tester == tr {
		t.Error("Ctrl+P after closing did not open a new simulator")
	}
}
