package desktop

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"authdesk/vault"
	"authdesk/vault/keychain"
)

// needKeyring skips without a session bus (the Secret Service), unless
// AUTHDESK_REQUIRE_DESKTOP=1 turns that into a failure.
func needKeyring(t *testing.T) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return
	}
	if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
		t.Fatal("no D-Bus session bus: run under .ci/desktop-session")
	}
	t.Skip("no D-Bus session bus; run under .ci/desktop-session for the real keyring")
}

// stallingKeychain is the real keychain until stall is set; then it does
// not answer, as a Secret Service that timed out.
type stallingKeychain struct {
	keychain.System
	stall atomic.Bool
}

func (k *stallingKeychain) Get(id string) (string, error) {
	if k.stall.Load() {
		return "", fmt.Errorf("%w: the test stalled it", keychain.ErrUnavailable)
	}
	return k.System.Get(id)
}

// pinHarness starts a UI on a vault whose key is in the real keychain,
// with a PIN set through Settings → Security.
func pinHarness(t *testing.T, pin string) (*harness, *stallingKeychain) {
	t.Helper()
	needKeyring(t)
	kc := &stallingKeychain{}
	path := filepath.Join(t.TempDir(), "vault.age")
	newVault(t, path, kc, sampleAccounts(t)...)
	t.Cleanup(func() {
		if v, err := vault.Open(path, vault.Options{Keychain: kc}); err == nil {
			kc.Delete(v.ID())
			v.Close()
		}
	})
	h := newHarness(t, path, kc, nil)
	h.u.start()
	if h.u.stateName() != "codes" {
		t.Fatalf("state %q at start, want codes (opened with the keychain)", h.u.stateName())
	}
	h.u.showSettings()
	sec := h.u.settingsUI.security
	if sec.remove.Disabled() == false || !strings.Contains(sec.status.Text, "Set a PIN") {
		t.Fatalf("Security before any PIN: %q, remove enabled %v", sec.status.Text, !sec.remove.Disabled())
	}
	test.Tap(sec.set)
	test.Type(sec.pin.pin, pin)
	test.Type(sec.pin.repeat, pin)
	test.Tap(sec.pin.save)
	if sec.remove.Disabled() || sec.set.Text != "Change PIN…" {
		t.Fatalf("after Set PIN: error %q, status %q", sec.pin.errLabel.Text, sec.status.Text)
	}
	h.u.closeOverlays()
	return h, kc
}

// lockIdle lets the auto-lock (5 minutes) lock the UI.
func (h *harness) lockIdle() {
	h.t.Helper()
	h.advance(5*time.Minute + time.Second)
	if h.u.stateName() != "locked" || h.u.v != nil {
		h.t.Fatalf("not locked after 5 idle minutes: %q", h.u.stateName())
	}
}

// typeUnlock types secret on the lock screen and presses Unlock; it
// returns the error shown ("" for none).
func (h *harness) typeUnlock(secret string) string {
	h.t.Helper()
	s := h.u.gate.unlock
	s.password.SetText("")
	test.Type(s.password, secret)
	test.Tap(s.button)
	if h.u.stateName() == "codes" {
		return ""
	}
	return s.errLabel.Text
}

// TestPINUnlock: with the key in the real keychain, the PIN unlocks after
// the auto-lock; a wrong PIN says how many tries are left, three turn the
// PIN off until the password unlocks; a keychain that does not answer
// turns it off too. The password works throughout.
func TestPINUnlock(t *testing.T) {
	h, kc := pinHarness(t, "482916")
	if !h.reopenedPIN() {
		t.Fatal("no PIN hash in the vault file")
	}
	h.lockIdle()
	if !h.u.pinEnabled() || h.u.gate.unlock.password.PlaceHolder != "PIN or password" {
		t.Fatalf("lock screen: PIN enabled %v, placeholder %q", h.u.pinEnabled(), h.u.gate.unlock.password.PlaceHolder)
	}
	if msg := h.typeUnlock("482916"); msg != "" {
		t.Fatalf("the PIN did not unlock: %q", msg)
	}
	if h.rowFor("GitHub").code.Text == "" {
		t.Errorf("no codes after the PIN")
	}

	// Wrong PINs: the vault stays closed, the count shows, the third turns
	// the PIN off, and then even the right PIN is refused.
	h.lockIdle()
	for i, want := range []string{"Wrong PIN: 2 tries left.", "Wrong PIN: 1 try left.", "Wrong PIN three times: enter your password"} {
		msg := h.typeUnlock("000000")
		if !strings.HasPrefix(msg, want) || h.u.v != nil {
			t.Fatalf("wrong PIN %d: %q (vault open %v), want %q", i+1, msg, h.u.v != nil, want)
		}
	}
	if h.u.pinEnabled() || h.u.gate.unlock.password.PlaceHolder != "Password" {
		t.Errorf("after three wrong PINs: enabled %v, placeholder %q", h.u.pinEnabled(), h.u.gate.unlock.password.PlaceHolder)
	}
	if msg := h.typeUnlock("482916"); msg != "Wrong password. Try again." {
		t.Fatalf("right PIN after three wrong ones: %q, want it taken as a wrong password", msg)
	}
	if msg := h.typeUnlock(testPassword); msg != "" {
		t.Fatalf("password: %q", msg)
	}
	// The password turned the PIN back on.
	h.lockIdle()
	if msg := h.typeUnlock("482916"); msg != "" {
		t.Fatalf("PIN after the password: %q", msg)
	}

	// A keychain that does not answer: the PIN cannot unlock, and stays off
	// when the keychain is back, until the password.
	h.lockIdle()
	kc.stall.Store(true)
	if msg := h.typeUnlock("482916"); !strings.Contains(msg, "keychain did not answer") {
		t.Fatalf("PIN with a stalled keychain: %q", msg)
	}
	kc.stall.Store(false)
	if h.u.pinEnabled() {
		t.Errorf("PIN enabled again without the password")
	}
	if msg := h.typeUnlock(testPassword); msg != "" {
		t.Fatalf("password: %q", msg)
	}
	if h.lockIdle(); !h.u.pinEnabled() {
		t.Errorf("PIN still off after the password")
	}

	// The key deleted from the keychain (secret-tool clear): the PIN says
	// so; the password puts the key back and the PIN on again.
	id := h.vaultID()
	if err := kc.Delete(id); err != nil {
		t.Fatal(err)
	}
	if msg := h.typeUnlock("482916"); !strings.Contains(msg, "no longer holds this vault's key") {
		t.Fatalf("PIN without the key in the keychain: %q", msg)
	}
	if msg := h.typeUnlock(testPassword); msg != "" {
		t.Fatalf("password: %q", msg)
	}
	h.lockIdle()
	if msg := h.typeUnlock("482916"); msg != "" {
		t.Fatalf("PIN after the password put the key back: %q", msg)
	}
}

// vaultID reads the vault's ID from its file's first line.
func (h *harness) vaultID() string {
	h.t.Helper()
	b, err := os.ReadFile(h.cfg.VaultPath)
	if err != nil {
		h.t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	_, id, ok := strings.Cut(first, " id=")
	if !ok {
		h.t.Fatalf("no id on the vault's first line %q", first)
	}
	return id
}

// reopenedPIN reports whether the vault file holds a PIN.
func (h *harness) reopenedPIN() bool {
	h.t.Helper()
	v, err := vault.Open(h.cfg.VaultPath, h.cfg.Options)
	if err != nil {
		h.t.Fatal(err)
	}
	defer v.Close()
	return v.HasPIN()
}

// TestUnlockWithSecret is the quick popup's contract: done gets nil once
// the vault is open, before the codes screen is built (so that the popup's
// copy does not wait for it), or an error to show as it is; the PIN counts
// the same tries as the lock screen.
func TestUnlockWithSecret(t *testing.T) {
	h, _ := pinHarness(t, "1357")
	h.lockIdle()
	var got []error
	done := func(err error) {
		got = append(got, err)
		if err == nil && len(got) == 2 {
			if h.u.v == nil || h.u.stateName() != "codes" {
				t.Errorf("done: the vault is not open (state %q)", h.u.stateName())
			}
			if h.u.list != nil {
				t.Errorf("done: the codes screen was built before the caller's work")
			}
		}
	}
	h.u.unlockWithSecret("9999", done)
	h.u.unlockWithSecret("1357", done)
	h.u.unlockWithSecret("1357", done) // already open: nil at once
	if len(got) != 3 || got[0] == nil || got[0].Error() != "Wrong PIN: 2 tries left." || got[1] != nil || got[2] != nil {
		t.Fatalf("done got %v", got)
	}
	if h.u.stateName() != "codes" {
		t.Fatalf("state %q after the PIN", h.u.stateName())
	}
}

// TestPINSettings: the PIN dialog refuses what is not 4 to 10 digits, or
// two different PINs; Remove PIN turns it off.
func TestPINSettings(t *testing.T) {
	h, _ := pinHarness(t, "2468")
	h.u.showSettings()
	sec := h.u.settingsUI.security
	test.Tap(sec.set)
	for _, tc := range []struct{ pin, repeat, want string }{
		{"123", "123", "The PIN must have 4 to 10 digits."},
		{"12345678901", "12345678901", "The PIN must have 4 to 10 digits."},
		{"12ab", "12ab", "The PIN may hold only the digits 0 to 9."},
		{"1234", "1243", "The two PINs differ."},
	} {
		sec.pin.pin.SetText(tc.pin)
		sec.pin.repeat.SetText(tc.repeat)
		test.Tap(sec.pin.save)
		if sec.pin.errLabel.Text != tc.want {
			t.Errorf("PIN %q/%q: %q, want %q", tc.pin, tc.repeat, sec.pin.errLabel.Text, tc.want)
		}
	}
	if err := h.u.v.CheckPIN("2468"); err != nil {
		t.Errorf("the refused PINs changed it: %v", err)
	}
	test.Tap(sec.remove)
	if h.reopenedPIN() || !sec.remove.Disabled() {
		t.Fatalf("Remove PIN left it in the vault")
	}
	h.lockIdle()
	if h.u.pinEnabled() || h.u.gate.unlock.password.PlaceHolder != "Password" {
		t.Errorf("PIN offered after removing it")
	}
}
