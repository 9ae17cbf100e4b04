package desktop

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
)

// press sends a key as the driver does: to the focused widget, else to the
// canvas's handler.
func press(c fyne.Canvas, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// TestDialogsTakeTheKeyboard opens each kind of dialog over the codes and
// presses Enter and Escape: Enter is the dialog's default button, Escape
// its way out, and neither reaches the list below (where Enter copies the
// selected code and Escape clears the search).
func TestDialogsTakeTheKeyboard(t *testing.T) {
	for _, c := range []struct {
		name string
		open func(h *harness)
		key  fyne.KeyName
		// after checks what the key did, beyond closing the dialog.
		after func(t *testing.T, h *harness)
	}{
		{"info OK by Enter", func(h *harness) { h.u.showInfo("Export done", "Saved 5 accounts.") }, fyne.KeyReturn, nil},
		{"info OK by Escape", func(h *harness) { h.u.showInfo("Export done", "Saved 5 accounts.") }, fyne.KeyEscape, nil},
		{"settings closed by Escape", func(h *harness) { h.u.showSettings() }, fyne.KeyEscape, nil},
		{"delete cancelled by Escape", func(h *harness) { h.u.confirmDelete(h.u.v.Accounts()[0].ID) }, fyne.KeyEscape,
			func(t *testing.T, h *harness) {
				if n := len(h.u.v.Accounts()); n != 5 {
					t.Errorf("Escape on the delete confirmation left %d accounts, want 5", n)
				}
			}},
		{"file dialog cancelled by Escape", func(h *harness) { h.u.importFile() }, fyne.KeyEscape, nil},
		{"add chooser cancelled by Escape", func(h *harness) { h.u.showAddChooser() }, fyne.KeyEscape, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := openWith(t, sampleAccounts(t)...)
			cv := h.w.Canvas()
			h.a.Clipboard().SetContent("untouched")
			h.u.list.search.SetText("git")
			c.open(h)
			if !dialogs.Open(cv) {
				t.Fatal("no dialog opened")
			}
			press(cv, c.key)
			if top := cv.Overlays().Top(); top != nil {
				t.Errorf("%s left the dialog open (buttons %v)", c.key, buttonLabels(dialogs.Buttons(top)))
			}
			if got := h.a.Clipboard().Content(); got != "untouched" {
				t.Errorf("%s under a dialog reached the list: clipboard %q", c.key, got)
			}
			if got := h.u.list.search.Text; got != "git" {
				t.Errorf("%s under a dialog reached the list: search %q", c.key, got)
			}
			if c.after != nil {
				c.after(t, h)
			}
		})
	}
}

// TestEnterDoesNotDelete: a destructive confirmation has no default
// button, so Enter neither deletes nor reaches the list; the dialog stays.
func TestEnterDoesNotDelete(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	cv := h.w.Canvas()
	h.a.Clipboard().SetContent("untouched")
	h.u.confirmDelete(h.u.v.Accounts()[0].ID)
	press(cv, fyne.KeyReturn)
	if n := len(h.u.v.Accounts()); n != 5 || !dialogs.Open(cv) {
		t.Errorf("Enter on the delete confirmation: %d accounts, dialog open %v", n, dialogs.Open(cv))
	}
	if got := h.a.Clipboard().Content(); got != "untouched" {
		t.Errorf("Enter under the confirmation copied %q", got)
	}
}

// TestDialogSwallowsShortcuts: Ctrl+C and Ctrl+N under a dialog do nothing
// to the window below.
func TestDialogSwallowsShortcuts(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	cv := h.w.Canvas()
	h.a.Clipboard().SetContent("untouched")
	h.u.showInfo("Export done", "Saved 5 accounts.")
	top := cv.Overlays().Top()
	cv.(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutCopy{})
	h.u.windowShortcut(customShortcut(fyne.KeyN))
	if got := h.a.Clipboard().Content(); got != "untouched" {
		t.Errorf("Ctrl+C under a dialog copied %q", got)
	}
	if cv.Overlays().Top() != top {
		t.Error("Ctrl+N under a dialog opened another one")
	}
}

func buttonLabels(bs []*widget.Button) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Text)
	}
	return out
}

// TestConfirmationsWrap: confirmation messages are sentences that wrap to
// the dialog, not lines broken in the source.
func TestConfirmationsWrap(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	for name, open := range map[string]func(){
		"delete":      func() { h.u.confirmDelete(h.u.v.Accounts()[0].ID) },
		"show secret": func() { h.u.showExport(h.u.v.Accounts()[0].ID) },
	} {
		h.u.closeOverlays()
		open()
		found := false
		for _, o := range test.LaidOutObjects(h.w.Canvas().Overlays().Top()) {
			if l, ok := o.(*widget.Label); ok && len(l.Text) > 60 {
				found = true
				if strings.Contains(l.Text, "\n") || l.Wrapping != fyne.TextWrapWord {
					t.Errorf("%s: %q breaks lines by hand (wrapping %v)", name, l.Text, l.Wrapping)
				}
			}
		}
		if !found {
			t.Errorf("%s: no message shown", name)
		}
	}
}

// TestSearchWithoutMatchSaysSo: a search that matches nothing says so
// instead of showing an empty list.
func TestSearchWithoutMatchSaysSo(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	h.u.list.search.SetText("zzz")
	if l := h.u.list.noMatch; !l.Visible() || l.Text != "No account matches 'zzz'" {
		t.Errorf("no-match message %q (visible %v)", l.Text, l.Visible())
	}
	h.u.list.search.SetText("git")
	if h.u.list.noMatch.Visible() {
		t.Error("the no-match message stays while GitHub matches")
	}
}
