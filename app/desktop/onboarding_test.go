package desktop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"authdesk/vault/keychain"
)

func TestFirstRunCreatesVaultThenOpensFromKeychain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "vault.age")
	kc := &keychain.Memory{}
	h := newHarness(t, path, kc, nil)
	h.u.start()
	if got := h.u.stateName(); got != "setup" {
		t.Fatalf("state = %q, want setup", got)
	}
	s := h.u.gate.setup
	for _, tc := range []struct{ pw, confirm, want string }{
		{"short", "short", "at least 8 characters"},
		{"long enough pw", "different pw!!", "differ"},
	} {
		s.password.SetText(tc.pw)
		s.confirm.SetText(tc.confirm)
		test.Tap(s.create)
		if !s.errLabel.Visible() || !strings.Contains(s.errLabel.Text, tc.want) {
			t.Errorf("password %q/%q: error %q (visible %v), want it to mention %q", tc.pw, tc.confirm, s.errLabel.Text, s.errLabel.Visible(), tc.want)
		}
		if _, err := os.Stat(path); err == nil {
			t.Fatalf("vault created despite a bad password")
		}
	}
	s.password.SetText(testPassword)
	s.confirm.SetText(testPassword)
	test.Tap(s.create)
	if got := h.u.stateName(); got != "codes" {
		t.Fatalf("state after create = %q (error %q), want codes", got, s.errLabel.Text)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("vault file: %v, %v", fi, err)
	}
	h.u.v.Close()
	h.u.v = nil

	// A later run opens straight to the codes when the keychain answers...
	h2 := newHarness(t, path, kc, nil)
	h2.u.start()
	if got := h2.u.stateName(); got != "codes" {
		t.Fatalf("second run with keychain: state %q, want codes", got)
	}
	// ...and asks for the password when it does not.
	h3 := newHarness(t, path, &keychain.Memory{}, nil)
	h3.u.start()
	if got := h3.u.stateName(); got != "locked" {
		t.Fatalf("second run without key in keychain: state %q, want locked", got)
	}
}
