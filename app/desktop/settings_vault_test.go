package desktop

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"authdesk/vault"
	"authdesk/vault/keychain"
)

// brokenKeychain answers every call as a session without a keychain does.
type brokenKeychain struct{}

var errNoBus = fmt.Errorf("%w: the D-Bus session bus could not be reached (dial unix /run/user/1000/bus: connect: no such file or directory)", keychain.ErrUnavailable)

func (brokenKeychain) Get(string) (string, error) { return "", errNoBus }
func (brokenKeychain) Set(string, string) error   { return errNoBus }
func (brokenKeychain) Delete(string) error        { return errNoBus }

// openedHarness is a harness showing the codes of a vault with accts and a
// few saves behind it (so backups), opened with kc.
func openedHarness(t *testing.T, kc vault.Keychain) (*harness, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.age")
	newVault(t, path, kc, sampleAccounts(t)[:1]...)
	h := newHarness(t, path, kc, nil)
	h.u.start()
	if h.u.stateName() == "locked" {
		h.u.gate.unlock.password.SetText(testPassword)
		test.Tap(h.u.gate.unlock.button)
	}
	if h.u.stateName() != "codes" {
		t.Fatalf("state %q, want codes", h.u.stateName())
	}
	for _, a := range sampleAccounts(t)[1:3] {
		if _, err := h.u.v.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	return h, path
}

func TestSettingsKeychainStatus(t *testing.T) {
	h, _ := openedHarness(t, &keychain.Memory{})
	h.u.showSettings()
	s := h.u.settingsUI.vault
	if s.keychain.Text != keychainOK || s.details.Visible() {
		t.Errorf("with a keychain: %q, details shown %v", s.keychain.Text, s.details.Visible())
	}

	h, _ = openedHarness(t, brokenKeychain{})
	h.u.showSettings()
	s = h.u.settingsUI.vault
	if s.keychain.Text != keychainUnavailable {
		t.Errorf("without a keychain: %q, want %q", s.keychain.Text, keychainUnavailable)
	}
	if strings.Contains(s.keychain.Text, "D-Bus") {
		t.Errorf("the sentence shows the technical reason: %q", s.keychain.Text)
	}
	if !s.details.Visible() || s.details.Items[0].Open || !strings.Contains(s.reason.Text, "D-Bus session bus could not be reached") {
		t.Errorf("details: shown %v, open %v, reason %q", s.details.Visible(), s.details.Items[0].Open, s.reason.Text)
	}
	test.Tap(h.button("Change password…"))
	if h.u.settingsUI.password == nil {
		t.Fatal("Change password… opened nothing")
	}
}

// oldPasswordOpens lists the files in the vault's folder that open with pw.
func oldPasswordOpens(t *testing.T, path string, pw string) []string {
	t.Helper()
	files, _ := filepath.Glob(path + "*")
	backups, err := vault.Backups(path)
	if err != nil {
		t.Fatal(err)
	}
	var opens []string
	for _, f := range append(files, backups...) {
		if fi, err := os.Stat(f); err != nil || !fi.Mode().IsRegular() || strings.HasSuffix(f, ".lock") {
			continue
		}
		if _, err := vault.Unlock(f, []byte(pw), vault.Options{}); !errors.Is(err, vault.ErrWrongPassword) {
			opens = append(opens, fmt.Sprintf("%s (%v)", filepath.Base(f), err))
		}
	}
	return opens
}

func TestSettingsChangePassword(t *testing.T) {
	kc := &keychain.Memory{}
	h, path := openedHarness(t, kc)
	h.u.showSettings()
	test.Tap(h.button("Change password…"))
	p := h.u.settingsUI.password
	// The rotation runs through the bridge, with the form locked and the
	// progress shown while it runs.
	var ran int
	var during []string
	h.u.cfg.spawn = func(f func()) {
		ran++
		during = append(during, fmt.Sprintf("locked=%v progress=%v status=%q", p.change.Disabled() && p.current.Disabled(), p.progress.box.Visible(), p.status.Text))
		f()
	}
	try := func(cur, next, repeat string) string {
		p.current.SetText(cur)
		p.next.SetText(next)
		p.repeat.SetText(repeat)
		test.Tap(h.button("Change password"))
		if p.errLabel.Visible() {
			return p.errLabel.Text
		}
		return ""
	}
	for _, tc := range []struct{ cur, next, repeat, want string }{
		{"", "new password 1", "new password 1", "Enter your current password."},
		{testPassword, "short", "short", "at least 8 characters"},
		{testPassword, "new password 1", "new password 2", "differ"},
		{"wrong password", "new password 1", "new password 1", "The current password is wrong. Nothing was changed."},
	} {
		if got := try(tc.cur, tc.next, tc.repeat); !strings.Contains(got, tc.want) {
			t.Errorf("%q/%q/%q: error %q, want %q", tc.cur, tc.next, tc.repeat, got, tc.want)
		}
	}
	if _, err := vault.Unlock(path, []byte(testPassword), vault.Options{}); err != nil {
		t.Fatalf("a refused change changed the password: %v", err)
	}
	if ran != 1 {
		t.Errorf("the wrong-password check ran %d times through the bridge, want 1", ran)
	}

	if got := try(testPassword, "new password 1", "new password 1"); got != "" {
		t.Fatalf("error %q", got)
	}
	if ran != 2 || during[1] != `locked=true progress=true status="Checking the current password…"` {
		t.Errorf("while the rotation ran: %q", during)
	}
	if hasButton(h, "Change password") {
		t.Error("the dialog is still open after a successful change")
	}
	// A must-read message: in a dialog that stays until dismissed.
	if msg := h.overlayText(); !strings.Contains(msg, "Password changed. The old password opens nothing any more (3 backups re-encrypted)") {
		t.Errorf("dialog says %q", msg)
	}
	h.advance(10 * time.Second)
	if msg := h.overlayText(); !strings.Contains(msg, "Password changed.") {
		t.Errorf("the message went away by itself: %q", msg)
	}
	if opens := oldPasswordOpens(t, path, testPassword); len(opens) > 0 {
		t.Errorf("the old password still opens %v", opens)
	}
	if n := len(oldPasswordOpens(t, path, "new password 1")); n != 4 {
		t.Errorf("the new password opens %d files, want the vault and 3 backups", n)
	}
	// The app goes on saving with the new key, and the keychain has it.
	if _, err := h.u.v.Add(sampleAccounts(t)[3]); err != nil {
		t.Fatal(err)
	}
	if v, err := vault.Open(path, vault.Options{Keychain: kc}); err != nil || len(v.Accounts()) != 4 {
		t.Errorf("keychain open after the change: %v", err)
	}
}

func TestSettingsBackupsRestore(t *testing.T) {
	h, path := openedHarness(t, &keychain.Memory{})
	h.u.showSettings()
	test.Tap(h.button("Backups…"))
	b := h.u.settingsUI.backups
	if len(b.list) != 3 || len(b.restore) != 3 {
		t.Fatalf("%d backups listed (%d buttons), want 3", len(b.list), len(b.restore))
	}
	var rows []string
	for _, o := range test.LaidOutObjects(b.rows) {
		if l, ok := o.(*widget.Label); ok {
			rows = append(rows, l.Text)
		}
	}
	// Newest first: before the third account, the second, the first.
	want := []string{"4 Mar 2026 10:00:05 — 2 accounts", "4 Mar 2026 10:00:05 — 1 account", "4 Mar 2026 10:00:05 — 0 accounts"}
	if strings.Join(rows, "|") != strings.Join(want, "|") {
		t.Errorf("rows %q, want %q", rows, want)
	}

	// Cancel changes nothing.
	test.Tap(b.restore[1])
	test.Tap(h.button("Cancel"))
	if n := len(h.u.v.Accounts()); n != 3 {
		t.Fatalf("cancelled restore: %d accounts", n)
	}
	test.Tap(b.restore[1])
	if !strings.Contains(h.overlayText(), "goes back to how it was on 4 Mar 2026 10:00:05 (1 account)") {
		t.Errorf("confirmation says:\n%s", h.overlayText())
	}
	test.Tap(h.button("Restore"))
	if n := len(h.u.v.Accounts()); n != 1 {
		t.Fatalf("after the restore the app shows %d accounts, want 1", n)
	}
	if n := len(h.u.list.accounts); n != 1 {
		t.Errorf("the list shows %d accounts, want 1", n)
	}
	kept, _ := filepath.Glob(path + ".replaced-*") // it opened: not "damaged-"
	if len(kept) != 1 || !strings.Contains(h.u.frame.toast.Message(), filepath.Base(kept[0])) {
		t.Errorf("kept %v, toast %q", kept, h.u.frame.toast.Message())
	}
	if v, err := vault.Unlock(kept[0], []byte(testPassword), vault.Options{}); err != nil || len(v.Accounts()) != 3 {
		t.Errorf("the set-aside file does not hold the 3 accounts: %v", err)
	}
	// The list is reread; the restored backup stays (a restore adds none).
	if len(b.list) != 3 || b.list[1].Accounts != 1 {
		t.Errorf("after the restore: %+v", b.list)
	}
}

// hasButton reports whether a visible button labelled text is on screen.
func hasButton(h *harness, text string) bool {
	for _, root := range h.w.Canvas().Overlays().List() {
		for _, o := range test.LaidOutObjects(root) {
			if b, ok := o.(*widget.Button); ok && b.Text == text && b.Visible() {
				return true
			}
		}
	}
	return false
}
