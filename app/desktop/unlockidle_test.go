package desktop

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// typeOnWindow delivers chars as the GLFW driver does: to the focused
// object if there is one, else to the canvas handler.
func typeOnWindow(h *harness, chars string) {
	c := h.w.Canvas()
	for _, r := range chars {
		if f := c.Focused(); f != nil {
			f.TypedRune(r)
		} else {
			c.OnTypedRune()(r)
		}
	}
}

// keyOnWindow delivers k as the GLFW driver does.
func keyOnWindow(h *harness, name fyne.KeyName) {
	c := h.w.Canvas()
	ev := &fyne.KeyEvent{Name: name}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	} else {
		c.OnTypedKey()(ev)
	}
}

// lockedHarness starts a UI on a vault without a keychain: it opens locked.
func lockedHarness(t *testing.T) *harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.age")
	newVault(t, path, nil, sampleAccounts(t)...)
	h := newHarness(t, path, nil, nil)
	h.u.start()
	if got := h.u.stateName(); got != "locked" {
		t.Fatalf("state = %q, want locked (no keychain)", got)
	}
	return h
}

// The unlock screen's password field gives up the focus after passwordIdle
// without typing, so its cursor stops blinking (and the event loop can
// sleep); typing then focuses it again and the keys still reach it.
func TestUnlockFieldIdleFocus(t *testing.T) {
	h := lockedHarness(t)
	c := h.w.Canvas()
	p := h.u.gate.unlock.password
	if f := c.Focused(); f != nil {
		t.Fatalf("unlock screen at rest: %T focused, want nothing", f)
	}

	half := len(testPassword) / 2
	typeOnWindow(h, testPassword[:half])
	if c.Focused() != p || p.Text != testPassword[:half] {
		t.Fatalf("typing on the window: focused %T, field %q; want the field holding %q", c.Focused(), p.Text, testPassword[:half])
	}
	h.advance(passwordIdle - time.Second)
	if c.Focused() != p {
		t.Fatalf("focus lost %v after typing, before passwordIdle (%v)", passwordIdle-time.Second, passwordIdle)
	}
	h.advance(time.Second)
	if f := c.Focused(); f != nil {
		t.Fatalf("%v after typing: %T still focused, want nothing", passwordIdle, f)
	}

	// A character refocuses the field and is added to what it holds.
	typeOnWindow(h, testPassword[half:]+"x")
	if c.Focused() != p || p.Text != testPassword+"x" {
		t.Fatalf("typing after idle: focused %T, field %q; want the field holding %q", c.Focused(), p.Text, testPassword+"x")
	}
	h.advance(passwordIdle)
	if c.Focused() != nil {
		t.Fatal("field still focused after a second idle spell")
	}

	// So does a key: Backspace edits the password…
	keyOnWindow(h, fyne.KeyBackspace)
	if c.Focused() != p || p.Text != testPassword {
		t.Fatalf("Backspace after idle: focused %T, field %q; want the field holding the password", c.Focused(), p.Text)
	}
	h.advance(passwordIdle)
	if c.Focused() != nil {
		t.Fatal("field still focused after a third idle spell")
	}
	// …a click focuses it…
	h.advance(time.Minute) // the last activity is long past
	p.MouseDown(&desktop.MouseEvent{Button: desktop.MouseButtonPrimary})
	if c.Focused() != p {
		t.Fatalf("click on the field: %T focused", c.Focused())
	}
	// The next tick (a second at most) takes the new focus for activity.
	h.advance(time.Second)
	h.advance(passwordIdle - 2*time.Second)
	if c.Focused() != p {
		t.Fatal("a click counts as activity: focus lost before passwordIdle")
	}
	h.advance(2 * time.Second)
	if c.Focused() != nil {
		t.Fatal("field still focused after a click and an idle spell")
	}
	// …and Enter unlocks.
	keyOnWindow(h, fyne.KeyReturn)
	if got := h.u.stateName(); got != "codes" {
		t.Fatalf("Enter after idle: state %q, error %q; want codes", got, h.u.gate.unlock.errLabel.Text)
	}
}

// After a wrong password the field is focused for the retry; it too gives up
// the focus when nobody types, and the retry typed then still unlocks.
func TestUnlockFieldIdleAfterWrongPassword(t *testing.T) {
	h := lockedHarness(t)
	c := h.w.Canvas()
	p := h.u.gate.unlock.password
	typeOnWindow(h, "wrong password")
	keyOnWindow(h, fyne.KeyReturn)
	if h.u.stateName() != "locked" || c.Focused() != p || p.Text != "" {
		t.Fatalf("wrong password: state %q, focused %T, field %q", h.u.stateName(), c.Focused(), p.Text)
	}
	h.advance(passwordIdle)
	if c.Focused() != nil {
		t.Fatal("field still focused after a wrong password and an idle spell")
	}
	typeOnWindow(h, testPassword)
	keyOnWindow(h, fyne.KeyEnter)
	if got := h.u.stateName(); got != "codes" {
		t.Fatalf("retry after idle: state %q, error %q; want codes", got, h.u.gate.unlock.errLabel.Text)
	}
}

// runningSpinners counts the infinite progress bars under o that animate.
func runningSpinners(o fyne.CanvasObject) int {
	switch o := o.(type) {
	case *widget.ProgressBarInfinite:
		if o.Running() {
			return 1
		}
	case *fyne.Container:
		n := 0
		for _, c := range o.Objects {
			n += runningSpinners(c)
		}
		return n
	}
	return 0
}

// Fyne's ProgressBarInfinite starts its 60 fps animation when its renderer is
// made, hidden or not; the unlock and setup screens' hidden busy bars must
// not animate at rest, or the event loop never sleeps.
func TestIdleScreensAnimateNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    func(t *testing.T) *harness
	}{
		{"unlock", lockedHarness},
		{"setup", func(t *testing.T) *harness {
			h := newHarness(t, filepath.Join(t.TempDir(), "vault.age"), nil, nil)
			h.u.start()
			return h
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.h(t)
			if got := h.u.stateName(); got != tc.name && !(tc.name == "unlock" && got == "locked") {
				t.Fatalf("state %q", got)
			}
			test.LaidOutObjects(h.w.Canvas().Content()) // makes the renderers
			if n := runningSpinners(h.u.frame.screen); n != 0 {
				t.Errorf("%d progress bar(s) animating on the %s screen at rest", n, tc.name)
			}
			var bar busyBar
			if tc.name == "setup" {
				bar = h.u.gate.setup.progress
			} else {
				bar = h.u.gate.unlock.progress
			}
			bar.Show() // as while the password KDF runs
			test.LaidOutObjects(h.w.Canvas().Content())
			if n := runningSpinners(h.u.frame.screen); n != 1 || !bar.box.Visible() {
				t.Errorf("busy: %d progress bar(s) animating, shown %v; want 1, true", n, bar.box.Visible())
			}
			bar.Hide()
			if n := runningSpinners(h.u.frame.screen); n != 0 || bar.box.Visible() {
				t.Errorf("done: %d progress bar(s) animating, shown %v; want 0, false", n, bar.box.Visible())
			}
		})
	}
}
