package desktop

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"authdesk/vault"
	"authdesk/vault/follow"
	"authdesk/vault/keychain"
)

// followFolder is a phone's backup folder holding the fixture name of
// vault/follow, followed by the vault of h (as authdesk-cli follow --apply
// sets up).
func followFolder(t *testing.T, h *harness, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("..", "..", "vault", "follow", "testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := (follow.State{Folder: dir}).Save(follow.StatePath(h.cfg.VaultPath)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestFollowAsksThenApplies(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	dir := followFolder(t, h, "aegis-backup-20261201-080000.json")
	h.u.followCheck(dir, nil)
	if got := h.overlayText(); !strings.Contains(got, "3 new on your phone — apply?") || !strings.Contains(got, "New: Forge (ana@example.org)") {
		t.Fatalf("dialog:\n%s", got)
	}
	if n := len(h.u.v.Accounts()); n != 5 {
		t.Fatalf("%d accounts before Apply", n)
	}
	test.Tap(h.button("Apply"))
	if n := len(h.u.v.Accounts()); n != 8 {
		t.Errorf("%d accounts after Apply, want 8", n)
	}
	if h.u.list.accounts == nil || len(h.u.list.accounts) != 8 {
		t.Errorf("the list shows %d accounts", len(h.u.list.accounts))
	}
	// The same backup is not asked about again; the next one is.
	h.u.followCheck(dir, nil)
	if got := h.overlayText(); strings.Contains(got, "apply?") {
		t.Errorf("asked again about an applied backup:\n%s", got)
	}
	b, _ := os.ReadFile(filepath.Join("..", "..", "vault", "follow", "testdata", "aegis-backup-20261202-080000.json"))
	if err := os.WriteFile(filepath.Join(dir, "aegis-backup-20261202-080000.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	h.u.followCheck(dir, nil)
	if got := h.overlayText(); !strings.Contains(got, "1 new, 1 changed, 1 removed on your phone — apply?") {
		t.Fatalf("second dialog:\n%s", got)
	}
	test.Tap(h.button("Not now"))
	if _, ok := findIssuer(h.u.v.Accounts(), "Chat"); ok {
		t.Error("Not now applied the backup")
	}
}

// TestFollowWaitsForUnlock: a backup that comes while the vault is locked
// is asked about once it is open.
func TestFollowWaitsForUnlock(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	dir := followFolder(t, h, "aegis-backup-20261201-080000.json")
	h.u.lock()
	h.u.followCheck(dir, nil)
	if !h.u.follow.pending.Load() || strings.Contains(h.overlayText(), "apply?") {
		t.Fatal("asked while locked")
	}
}

func TestFollowEncryptedBackup(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	dir := followFolder(t, h, "second-encrypted.2fas")
	h.u.followCheck(dir, nil)
	if got := h.overlayText(); !strings.Contains(got, "second-encrypted.2fas is encrypted") {
		t.Fatalf("password dialog:\n%s", got)
	}
	typePassword := func(pw string, remember bool) {
		for _, root := range h.w.Canvas().Overlays().List() {
			for _, o := range test.LaidOutObjects(root) {
				switch w := o.(type) {
				case *dialogEntry:
					w.SetText(pw)
				case *widget.Check:
					w.SetChecked(remember)
				}
			}
		}
		test.Tap(h.button("Open"))
	}
	typePassword("wrong", true)
	if got := h.overlayText(); !strings.Contains(got, "That is not the backup's password.") {
		t.Fatalf("after a wrong password:\n%s", got)
	}
	kc := h.cfg.Options.Keychain.(*keychain.Memory)
	if _, err := kc.Get(follow.PasswordKey(h.u.v.ID())); err == nil {
		t.Fatal("a wrong password was remembered")
	}
	typePassword("phone pass", true)
	if got := h.overlayText(); !strings.Contains(got, "3 new on your phone — apply?") {
		t.Fatalf("after the password:\n%s", got)
	}
	if s, err := kc.Get(follow.PasswordKey(h.u.v.ID())); err != nil || s != "phone pass" {
		t.Errorf("keychain: %q, %v", s, err)
	}
}

func findIssuer(accts []vault.Account, issuer string) (vault.Account, bool) {
	for _, a := range accts {
		if a.Issuer == issuer {
			return a, true
		}
	}
	return vault.Account{}, false
}

// TestFollowSettings: Settings' Phone backups entry records the folder
// beside the vault and starts watching it; Stop following forgets it.
func TestFollowSettings(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	watched := make(chan string, 4)
	h.u.follow.watch = func(_ context.Context, dir string, _ func()) { watched <- dir }
	s := h.u.newFollowSection()
	if s.stop.Disabled() == false || !strings.Contains(s.folder.Text, "Point Aegis") {
		t.Fatalf("not following yet: %q", s.folder.Text)
	}
	dir := t.TempDir()
	h.u.followSetFolder(s, dir)
	st, err := follow.LoadState(follow.StatePath(h.cfg.VaultPath))
	if err != nil || st.Folder != dir || s.folder.Text != "Following "+dir || s.stop.Disabled() {
		t.Fatalf("state %+v, %v; label %q", st, err, s.folder.Text)
	}
	select {
	case got := <-watched:
		if got != dir {
			t.Errorf("watching %q", got)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the folder is not watched")
	}
	// The vault's own folder cannot be followed.
	h.u.followSetFolder(s, filepath.Dir(h.cfg.VaultPath))
	if got := h.overlayText(); !strings.Contains(got, "holds the vault") {
		t.Errorf("following the vault's folder:\n%s", got)
	}
	h.u.closeOverlays()
	h.u.followSetFolder(s, "")
	if _, err := os.Stat(follow.StatePath(h.cfg.VaultPath)); !os.IsNotExist(err) {
		t.Errorf("state after Stop following: %v", err)
	}
}
