package desktop

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
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
	p := h.u.unlock.password
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
		t.Fatalf("Enter after idle: state %q, error %q; want codes", got, h.u.unlock.errLabel.Text)
	}
}

// After a wrong password the field is focused for the retry; it too gives up
// the focus when nobody types, and the retry typed then still unlocks.
func TestUnlockFieldIdleAfterWrongPassword(t *testing.T) {
	h := lockedHarness(t)
	c := h.w.Canvas()
	p := h.u.unlock.password
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
		t.Fatalf("retry after idle: state %q, error %q; want codes", got, h.u.unlock.errLabel.Text)
	}
}
