package desktop

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	fynedesktop "fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
	"authdesk/vault"
)

// installShortcuts binds the window shortcuts. The search field forwards the
// same ones while it has the focus.
func (u *UI) installShortcuts() {
	c := u.win.Canvas()
	for _, k := range []fyne.KeyName{fyne.KeyN, fyne.KeyF, fyne.KeyL, fyne.KeyP, fyne.KeyI, fyne.KeyD} {
		s := &fynedesktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
		c.AddShortcut(s, func(fyne.Shortcut) { u.windowShortcut(s) })
	}
	c.AddShortcut(&fyne.ShortcutCopy{}, func(fyne.Shortcut) {
		if !dialogs.Open(c) {
			u.copySelected()
		}
	})
	c.AddShortcut(&fyne.ShortcutPaste{}, func(sc fyne.Shortcut) {
		if dialogs.Open(c) {
			return
		}
		if u.state == stateCodes && looksLikeText(u.app.Clipboard().Content()) {
			// Plain text goes to the search field.
			u.win.Canvas().Focus(u.list.search)
			u.list.search.TypedShortcut(sc)
			return
		}
		u.paste()
	})
	dialogs.Guard(c, func(k *fyne.KeyEvent) {
		if !u.unlockKey(k) {
			u.listKey(k)
		}
	})
	c.SetOnTypedRune(func(r rune) {
		// Typing anywhere searches, or types the password when locked.
		if u.win.Canvas().Overlays().Top() != nil {
			return
		}
		var e fyne.Focusable
		switch u.state {
		case stateCodes:
			e = u.list.search
		case stateLocked:
			e = u.gate.unlock.password
		default:
			return
		}
		u.win.Canvas().Focus(e)
		e.TypedRune(r)
	})
}

// windowShortcut runs Ctrl+N, Ctrl+F, Ctrl+L, Ctrl+P, Ctrl+I or Ctrl+D; it reports whether s was one.
func (u *UI) windowShortcut(s *fynedesktop.CustomShortcut) bool {
	if s.Modifier != fyne.KeyModifierShortcutDefault {
		return false
	}
	u.touch()
	if dialogs.Open(u.win.Canvas()) && s.KeyName != fyne.KeyF && s.KeyName != fyne.KeyL {
		return true // a dialog has the keyboard; Ctrl+F and Ctrl+L close it
	}
	switch s.KeyName {
	case fyne.KeyN:
		u.showAddChooser()
	case fyne.KeyF:
		if u.state == stateCodes {
			u.closeOverlays()
			u.win.Canvas().Focus(u.list.search)
		}
	case fyne.KeyL:
		u.lock()
	case fyne.KeyP:
		u.showPlatform()
	case fyne.KeyI:
		u.importFile()
	case fyne.KeyD:
		u.toggleSelectedFavorite()
	default:
		return false
	}
	return true
}

// copySelected copies the selected account's code.
func (u *UI) copySelected() {
	if u.state != stateCodes {
		return
	}
	if a, ok := u.list.Selected(); ok {
		u.copyCode(a)
	}
}

// copyCode puts a's current code on the clipboard, says so, and clears the
// clipboard after the configured delay if it still holds that code.
func (u *UI) copyCode(a vault.Account) {
	code, err := a.Code(u.cfg.now())
	if err != nil {
		u.frame.toast.show(fmt.Sprintf("Cannot generate a code for %s: %v", a.Title(), err), u)
		return
	}
	clip := u.app.Clipboard()
	u.clip.put(clip, code)
	u.markUsed(a.ID)
	d := u.prefs.ClipboardClear()
	if d <= 0 {
		u.frame.toast.show("Copied", u)
		return
	}
	u.frame.toast.show(fmt.Sprintf("Copied — clears in %d s", int(d.Seconds())), u)
	u.later(d, func() {
		if clip.Content() == code {
			clip.SetContent("")
		}
	})
}

// selectID selects the account with that ID if it is shown.
func (u *UI) selectID(id string) {
	c := u.list
	for i, idx := range c.shown {
		if c.accounts[idx].ID == id {
			if c.selected != i {
				c.list.Select(i)
			}
			return
		}
	}
}

// advanceHOTP moves an HOTP account to its next code and saves the counter.
func (u *UI) advanceHOTP(id string) {
	u.touch()
	a, ok := u.v.Account(id)
	if !ok || a.Type != vault.HOTP {
		return
	}
	v := u.v
	// AdvanceCounter increments the counter on disk under the vault's lock,
	// so the CLI or another instance using codes meanwhile is not undone.
	background(u, func() error { _, err := v.AdvanceCounter(id); return err }, func(err error) {
		if err != nil {
			u.showError("Could not save the counter", err)
			return
		}
		if u.state == stateCodes && u.v == v {
			u.list.reload(id)
			if b, ok := v.Account(id); ok {
				u.copyCode(b)
			}
		}
	})
}

// showError shows err in a dialog titled what.
func (u *UI) showError(what string, err error) {
	u.showInfo(what, err.Error())
}

func (u *UI) showInfo(title, msg string) {
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	dialog.NewCustom(title, "OK", container.New(&dialogs.Width{W: 380}, l), u.win).Show()
}

// clipboard remembers the last code Authdesk put on the clipboard, so that
// the lock wipes it from there, and only if it is still there.
type clipboard struct{ copied string }

// put puts code on clip.
func (c *clipboard) put(clip fyne.Clipboard, code string) {
	clip.SetContent(code)
	c.copied = code
}

// wipe empties clip if it still holds the last code, and forgets it.
func (c *clipboard) wipe(clip fyne.Clipboard) {
	if c.copied != "" && clip.Content() == c.copied {
		clip.SetContent("")
	}
	c.copied = ""
}
