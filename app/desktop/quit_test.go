package desktop

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// quitCounter is a test app that counts Quit calls.
type quitCounter struct {
	fyne.App
	quits int
}

func (q *quitCounter) Quit() { q.quits++ }

// TestQuitShortcutAndMenu: Ctrl+Q on the window, Ctrl+Q in the search field
// and the menu's Quit item (which shows Ctrl+Q) each quit; the menu shows
// the other shortcuts too.
func TestQuitShortcutAndMenu(t *testing.T) {
	q := &quitCounter{App: test.NewTempApp(t)}
	h := newHarness(t, "", nil, q)
	cv := h.w.Canvas().(fyne.Shortcutable)
	cv.TypedShortcut(customShortcut(fyne.KeyQ))
	if q.quits != 1 {
		t.Fatalf("Ctrl+Q on the window: %d quits", q.quits)
	}
	h.u.showInfo("Export done", "Saved.")
	cv.TypedShortcut(customShortcut(fyne.KeyQ))
	if q.quits != 2 {
		t.Errorf("Ctrl+Q under a dialog: %d quits", q.quits)
	}
	h.u.closeOverlays()

	shortcuts := map[string]fyne.KeyName{}
	var quit *fyne.MenuItem
	for _, it := range h.u.mainMenu().Items {
		if sc, ok := it.Shortcut.(interface{ Key() fyne.KeyName }); ok {
			shortcuts[it.Label] = sc.Key()
		}
		if it.Label == "Quit" {
			quit = it
		}
	}
	for label, k := range map[string]fyne.KeyName{"Quit": fyne.KeyQ, "Add account…": fyne.KeyN, "Lock": fyne.KeyL,
		"Import from file…": fyne.KeyI, "Platform simulator…": fyne.KeyP} {
		if shortcuts[label] != k {
			t.Errorf("menu item %q shows shortcut %q, want Ctrl+%s", label, shortcuts[label], k)
		}
	}
	if quit == nil {
		t.Fatal("the menu has no Quit")
	}
	quit.Action()
	if q.quits != 3 {
		t.Errorf("the menu's Quit: %d quits", q.quits)
	}
}
