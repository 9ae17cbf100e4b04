package desktop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"authdesk/vault/keychain"
	"authdesk/vault/replica"
)

// TestJoinSyncedVaultOnFirstRun: a second computer's first run joins the
// vault that the first keeps in a synced folder. An empty folder and a
// wrong password are refused with a reason and no vault made; the right
// password opens the same vault (same ID, same accounts), keeps the key in
// this computer's keychain and keeps syncing the folder.
func TestJoinSyncedVaultOnFirstRun(t *testing.T) {
	first := openWith(t, sampleAccounts(t)...)
	folder := t.TempDir()
	if _, err := (replica.Folder{Dir: folder}).Sync(first.u.v); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "second", "vault.age")
	kc := &keychain.Memory{}
	h := newHarness(t, path, kc, nil)
	h.u.start()
	if got := h.u.stateName(); got != "setup" {
		t.Fatalf("state = %q, want setup", got)
	}
	if h.button("Join a vault from a synced folder…") == nil {
		t.Fatal("the first run offers no way to join a synced vault")
	}
	h.u.joinFolder(t.TempDir())
	if s := h.u.gate.setup; !s.errLabel.Visible() || !strings.Contains(s.errLabel.Text, "holds no Authdesk vault") || s.join != nil {
		t.Fatalf("empty folder: %q (visible %v)", s.errLabel.Text, s.errLabel.Visible())
	}
	h.u.joinFolder(folder)
	j := h.u.gate.setup.join
	if j == nil {
		t.Fatalf("the folder's vault was not offered: %q", h.u.gate.setup.errLabel.Text)
	}
	j.password.SetText("not the password")
	test.Tap(j.join)
	if !j.errLabel.Visible() || !strings.Contains(j.errLabel.Text, "Wrong password") || h.u.stateName() != "setup" {
		t.Fatalf("wrong password: %q, state %s", j.errLabel.Text, h.u.stateName())
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a wrong password left a vault behind: %v", err)
	}
	j.password.SetText(testPassword)
	test.Tap(j.join)
	if got := h.u.stateName(); got != "codes" {
		t.Fatalf("state after joining = %q (%q), want codes", got, j.errLabel.Text)
	}
	t.Cleanup(h.u.syncStop)
	if h.u.v.ID() != first.u.v.ID() || len(h.u.v.Accounts()) != len(sampleAccounts(t)) {
		t.Fatalf("joined vault %s with %d accounts, want %s with %d", h.u.v.ID(), len(h.u.v.Accounts()), first.u.v.ID(), len(sampleAccounts(t)))
	}
	if got := h.u.prefs.SyncFolder(h.u.v.ID()); got != folder || h.u.syncer().done == nil {
		t.Fatalf("after joining: synced folder %q (want %q), watcher running %v", got, folder, h.u.syncer().done != nil)
	}
	h.u.syncStop()
	h.u.v.Close()
	h.u.v = nil
	again := newHarness(t, path, kc, nil)
	again.u.start()
	t.Cleanup(again.u.syncStop)
	if got := again.u.stateName(); got != "codes" {
		t.Fatalf("next start: state %q, want codes from the keychain", got)
	}
}
