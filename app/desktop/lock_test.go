package desktop

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"authdesk/vault"
)

func TestUnlockLockAndIdleLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	newVault(t, path, nil, sampleAccounts(t)...)
	h := newHarness(t, path, nil, nil)
	h.u.start()
	if got := h.u.stateName(); got != "locked" {
		t.Fatalf("state = %q, want locked (no keychain)", got)
	}
	s := h.u.gate.unlock
	test.Type(s.password, "wrong password")
	test.Tap(s.button)
	if h.u.stateName() != "locked" || !strings.Contains(s.errLabel.Text, "Wrong password") {
		t.Fatalf("wrong password: state %q, error %q", h.u.stateName(), s.errLabel.Text)
	}
	test.Type(s.password, testPassword)
	test.Tap(s.button)
	if h.u.stateName() != "codes" {
		t.Fatalf("right password: state %q, error %q", h.u.stateName(), s.errLabel.Text)
	}
	row := h.rowFor("GitHub")
	key(h, fyne.KeyReturn) // a code on the clipboard

	// Ctrl+L locks and wipes every code from the rows and the clipboard.
	h.u.list.search.TypedShortcut(&desktopShortcutL)
	if h.u.stateName() != "locked" {
		t.Fatalf("after Ctrl+L: state %q", h.u.stateName())
	}
	if row.code.Text != "" || row.acct.Secret != nil || h.u.v != nil {
		t.Fatalf("locked UI still holds a code %q or secret", row.code.Text)
	}
	if got := h.a.Clipboard().Content(); got != "" {
		t.Errorf("clipboard still holds %q after locking", got)
	}

	// Idle auto-lock: the default is 5 minutes.
	test.Type(h.u.gate.unlock.password, testPassword)
	test.Tap(h.u.gate.unlock.button)
	if h.u.stateName() != "codes" {
		t.Fatal("could not unlock again")
	}
	h.advance(4 * time.Minute)
	if h.u.stateName() != "codes" {
		t.Fatalf("locked after 4 idle minutes")
	}
	key(h, fyne.KeyDown) // activity resets the idle timer
	h.advance(4 * time.Minute)
	if h.u.stateName() != "codes" {
		t.Fatalf("locked 4 minutes after activity")
	}
	h.advance(61 * time.Second)
	if h.u.stateName() != "locked" {
		t.Fatalf("not locked after 5 idle minutes")
	}
}

// TestIdleLockResetByMouse checks that moving the mouse over a row or over
// the window's background, and scrolling the list, count as activity for the
// idle auto-lock, which still locks 5 minutes after the last of them.
func TestIdleLockResetByMouse(t *testing.T) {
	accts := sampleAccounts(t)
	for i := range 20 { // enough rows to scroll
		accts = append(accts, vault.Account{Issuer: fmt.Sprintf("Site %02d", i), Name: "bob",
			Secret: []byte(fmt.Sprintf("secret number %02d!!", i)), Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30})
	}
	for _, tc := range []struct {
		name string
		act  func(h *harness)
	}{
		{"move over a row", func(h *harness) {
			row := h.rowFor("Google")
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(row).AddXY(60, 20)
			test.MoveMouse(h.w.Canvas(), pos)
			test.MoveMouse(h.w.Canvas(), pos.AddXY(5, 0))
			if !row.hover.Visible() {
				t.Errorf("row under the mouse not highlighted")
			}
		}},
		{"move over the background", func(h *harness) {
			// The padding left of the search field: no other hoverable there.
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(h.u.list.search).SubtractXY(1, 0)
			test.MoveMouse(h.w.Canvas(), pos)
			test.MoveMouse(h.w.Canvas(), pos.AddXY(1, 0))
		}},
		{"scroll the list", func(h *harness) {
			row := h.rowFor("Google")
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(row).AddXY(60, 20)
			test.Scroll(h.w.Canvas(), pos, 0, -200)
			if h.u.list.list.GetScrollOffset() == 0 {
				t.Fatalf("the list did not scroll")
			}
			h.advance(time.Second) // the next tick notices
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := openWith(t, accts...)
			h.advance(4 * time.Minute)
			tc.act(h)
			h.advance(4 * time.Minute)
			if h.u.stateName() != "codes" {
				t.Fatalf("locked 4 minutes after the user's %s", tc.name)
			}
			h.advance(61 * time.Second)
			if h.u.stateName() != "locked" {
				t.Fatalf("not locked 5 minutes after the last activity")
			}
		})
	}
}
