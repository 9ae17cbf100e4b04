package desktop

import (
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"authdesk/vault/keychain"
)

// animDriver is the test driver, keeping count of the endless animations
// running: one makes the real event loop paint at 60 fps until stopped.
type animDriver struct {
	fyne.Driver
	mu      sync.Mutex
	running map[*fyne.Animation]bool
}

func (d *animDriver) StartAnimation(a *fyne.Animation) {
	d.mu.Lock()
	if a.RepeatCount == fyne.AnimationRepeatForever { // a tap's ripple ends by itself
		d.running[a] = true
	}
	d.mu.Unlock()
	d.Driver.StartAnimation(a)
}

func (d *animDriver) StopAnimation(a *fyne.Animation) {
	d.mu.Lock()
	delete(d.running, a)
	d.mu.Unlock()
	d.Driver.StopAnimation(a)
}

func (d *animDriver) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.running)
}

// animApp is a test app whose driver is an animDriver.
type animApp struct {
	fyne.App
	d *animDriver
}

func (a *animApp) Driver() fyne.Driver { return a.d }

// animHarness is openedHarness on an animApp.
func animHarness(t *testing.T) (*harness, *animDriver) {
	t.Helper()
	base := test.NewTempApp(t)
	a := &animApp{App: base, d: &animDriver{Driver: base.Driver(), running: map[*fyne.Animation]bool{}}}
	fyne.SetCurrentApp(a)
	path := filepath.Join(t.TempDir(), "vault.age")
	kc := &keychain.Memory{}
	newVault(t, path, kc, sampleAccounts(t)[:2]...)
	h := newHarness(t, path, kc, a)
	h.u.start()
	if h.u.stateName() != "codes" {
		t.Fatalf("state %q, want codes", h.u.stateName())
	}
	return h, a.d
}

// A closed dialog leaves no animation running: Fyne keeps a focused entry
// of a closed pop-up focused, and its cursor blinks at 60 fps (12–15 % of
// a core with Settings open after Change password, issue #17 item 3).
func TestClosedDialogStopsCursorBlink(t *testing.T) {
	for _, tc := range []struct {
		name  string
		close func(h *harness, p *passwordDialog)
	}{
		{"password changed with Enter", func(h *harness, p *passwordDialog) {
			p.current.SetText(testPassword)
			p.next.SetText("a new password 1")
			p.repeat.SetText("a new password 1")
			h.w.Canvas().Focus(p.repeat)
			p.repeat.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		}},
		{"Cancel clicked", func(h *harness, p *passwordDialog) {
			test.Type(p.current, "abc")
			// A click, as the GLFW driver delivers it: the button does not
			// take the focus (test.Tap would move it to the button).
			p.cancel.Tapped(&fyne.PointEvent{})
		}},
		{"Escape in the focused field", func(h *harness, p *passwordDialog) {
			keyOnWindow(h, fyne.KeyEscape)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, d := animHarness(t)
			h.u.showSettings()
			test.Tap(h.button("Change password…"))
			p := h.u.settingsUI.password
			if f := h.w.Canvas().Focused(); f != p.current {
				t.Fatalf("Change password opened with %T focused, want the current password", f)
			}
			if d.count() == 0 {
				t.Fatal("test setup: no cursor animation while the password field has the focus")
			}
			tc.close(h, p)
			for _, root := range h.w.Canvas().Overlays().List() {
				if slices.Contains(test.LaidOutObjects(root), fyne.CanvasObject(p.repeat)) {
					t.Fatal("the Change password dialog is still open")
				}
			}
			if n := d.count(); n != 0 {
				t.Errorf("after the Change password dialog closed: %d animations still running, want 0", n)
			}
		})
	}
}

// A dialog's password field works as Fyne's: Tab goes from field to field
// (the eye takes no focus), a click on the eye shows the password, and
// Escape typed in the field cancels the dialog.
func TestDialogPasswordField(t *testing.T) {
	h, _ := animHarness(t)
	h.u.showSettings()
	test.Tap(h.button("Change password…"))
	p := h.u.settingsUI.password
	c := h.w.Canvas()
	c.FocusNext()
	if f := c.Focused(); f != p.next {
		t.Fatalf("Tab from the current password: %T focused, want the new password", f)
	}
	r, ok := p.current.ActionItem.(*dialogRevealer)
	if !ok || !p.current.Password {
		t.Fatalf("the password field: eye %T, hidden %v", p.current.ActionItem, p.current.Password)
	}
	r.Tapped(&fyne.PointEvent{})
	if p.current.Password {
		t.Error("a click on the eye did not show the password")
	}
	p.next.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if h.u.settingsUI.password != nil && slices.ContainsFunc(c.Overlays().List(), func(o fyne.CanvasObject) bool {
		return slices.Contains(test.LaidOutObjects(o), fyne.CanvasObject(p.next))
	}) {
		t.Error("Escape in the new password field left the dialog open")
	}
}
