package desktop

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"authdesk/vault"
	"authdesk/vault/keychain"
	"authdesk/vault/replica"
)

// syncHang bounds each wait for the real watcher (fsnotify, files): a hang
// guard, not a timing.
const syncHang = 30 * time.Second

// syncHarness is a harness whose vault syncs with a real folder through the
// real watcher (replica.Folder.Run on its own goroutine); the test goroutine
// stands for the UI goroutine and runs what the watcher hands it.
type syncHarness struct {
	*harness
	folder     string
	deliveries chan func()
}

func newSyncHarness(t *testing.T) *syncHarness {
	t.Helper()
	h := &syncHarness{harness: openWith(t, sampleAccounts(t)...), folder: t.TempDir(), deliveries: make(chan func(), 256)}
	s := h.u.syncer()
	s.deliver = func(f func()) { h.deliveries <- f }
	t.Cleanup(func() {
		done := s.done
		h.u.syncStop()
		if done != nil {
			<-done
		}
	})
	return h
}

// runUntil runs the watcher's deliveries on the test goroutine until cond
// holds.
func (h *syncHarness) runUntil(what string, cond func() bool) {
	h.t.Helper()
	guard := time.After(syncHang)
	for !cond() {
		select {
		case f := <-h.deliveries:
			f()
		case <-guard:
			h.t.Fatalf("waited %v for %s", syncHang, what)
		}
	}
}

// replicaPath is the replica of the harness's vault in its folder.
func (h *syncHarness) replicaPath() string {
	return filepath.Join(h.folder, replica.Name(h.u.v.ID()))
}

// otherComputer joins the vault from the replica in folder, as a second
// computer does.
func otherComputer(t *testing.T, folder string) *vault.Vault {
	t.Helper()
	found, err := replica.Find(folder)
	if err != nil || len(found) != 1 {
		t.Fatalf("replicas in %s: %v, %v", folder, found, err)
	}
	v, err := vault.Join(filepath.Join(t.TempDir(), "vault.age"), found[0], []byte(testPassword), vault.Options{WorkFactor: 10, Keychain: &keychain.Memory{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func (h *syncHarness) listIssuers() []string { return issuers(h.u.list.accounts) }

// TestSyncFolderInOpenWindow: with a folder chosen, the replica is written;
// two accounts another computer adds reach the open list with a toast;
// a local add reaches the replica; locking stops the watcher (a change
// meanwhile is not merged into anything) and unlocking merges it.
func TestSyncFolderInOpenWindow(t *testing.T) {
	h := newSyncHarness(t)
	h.u.showSettings()
	h.u.syncChooseFolder(h.folder)
	s := h.u.syncer()
	h.runUntil("the first sync", func() bool { return !s.last.at.IsZero() })
	if s.last.err != nil || !s.last.res.ReplicaWritten {
		t.Fatalf("first sync: %+v", s.last)
	}
	sec := s.section
	if sec.folder.Text != "Folder: "+h.folder || !strings.Contains(sec.status.Text, "the folder's copy updated") || sec.stop.Disabled() {
		t.Errorf("Settings after the first sync: %q, %q", sec.folder.Text, sec.status.Text)
	}

	other := otherComputer(t, h.folder)
	if _, err := other.Add(vault.Account{Issuer: "Dropbox", Name: "alice", Secret: secret(t, "JBSWY3DPEHPK3PXQ"), Type: vault.TOTP, Digits: 6, Period: 30},
		vault.Account{Issuer: "Fastmail", Name: "alice", Secret: secret(t, "JBSWY3DPEHPK3PXR"), Type: vault.TOTP, Digits: 6, Period: 30}); err != nil {
		t.Fatal(err)
	}
	if _, err := (replica.Folder{Dir: h.folder}).Sync(other); err != nil {
		t.Fatal(err)
	}
	h.runUntil("the toast", func() bool { return h.u.frame.toast.Message() != "" })
	if got, want := h.u.frame.toast.Message(), "2 accounts changed on another computer"; got != want {
		t.Errorf("toast %q, want %q", got, want)
	}
	if got := h.listIssuers(); !slices.Contains(got, "Dropbox") || !slices.Contains(got, "Fastmail") {
		t.Errorf("the open list shows %v, without the accounts added elsewhere", got)
	}
	h.advance(3 * time.Second)
	if h.u.frame.toast.Message() != "" {
		t.Error("the toast stays")
	}

	// A local save goes to the replica, and so to the other computer.
	if _, err := h.u.v.Add(vault.Account{Issuer: "Gitea", Name: "alice", Secret: secret(t, "JBSWY3DPEHPK3PXS"), Type: vault.TOTP, Digits: 6, Period: 30}); err != nil {
		t.Fatal(err)
	}
	var got replica.Result
	h.runUntil("the local add in the replica", func() bool {
		res, err := (replica.Folder{Dir: h.folder}).Sync(other)
		if err != nil {
			t.Fatal(err)
		}
		got = res
		return len(got.Report.Added) > 0
	})
	if !slices.Equal(got.Report.Added, []string{"Gitea (alice)"}) {
		t.Fatalf("the other computer got %+v from the local add", got.Report)
	}

	// Locked: the watcher stops and lets the vault go.
	done := s.done
	h.u.lock()
	select {
	case <-done:
	case <-time.After(syncHang):
		t.Fatal("the watcher runs on while locked")
	}
	h.drain()
	if _, err := other.Add(vault.Account{Issuer: "Heroku", Name: "alice", Secret: secret(t, "JBSWY3DPEHPK3PXT"), Type: vault.TOTP, Digits: 6, Period: 30}); err != nil {
		t.Fatal(err)
	}
	if _, err := (replica.Folder{Dir: h.folder}).Sync(other); err != nil {
		t.Fatal(err)
	}
	test.Type(h.u.gate.unlock.password, testPassword)
	test.Tap(h.u.gate.unlock.button)
	if h.u.stateName() != "codes" {
		t.Fatal("could not unlock")
	}
	h.runUntil("the merge after unlocking", func() bool { return slices.Contains(h.listIssuers(), "Heroku") })
	if got, want := h.u.frame.toast.Message(), "1 account changed on another computer"; got != want {
		t.Errorf("toast after unlocking %q, want %q", got, want)
	}
}

// drain runs what the watcher has handed over so far.
func (h *syncHarness) drain() {
	for {
		select {
		case f := <-h.deliveries:
			f()
		default:
			return
		}
	}
}

// TestSyncFolderRefused: a folder that holds the vault is refused with
// replica.CheckDir's message, and nothing is kept or started.
func TestSyncFolderRefused(t *testing.T) {
	h := newSyncHarness(t)
	h.u.showSettings()
	dir := filepath.Dir(h.u.v.Path())
	h.u.syncChooseFolder(dir)
	sec := h.u.syncer().section
	if !sec.errLabel.Visible() || !strings.Contains(sec.errLabel.Text, "holds the vault") {
		t.Errorf("refusal: %q", sec.errLabel.Text)
	}
	if got := h.u.prefs.SyncFolder(h.u.v.ID()); got != "" || h.u.syncer().cancel != nil {
		t.Errorf("refused folder kept (%q) or a watcher started", got)
	}
	if sec.folder.Text != "Not syncing." || !sec.stop.Disabled() {
		t.Errorf("Settings: %q", sec.folder.Text)
	}
}

// TestSyncFolderHostileFiles: a truncated replica, another vault's replica
// under this vault's name and a huge file each give a clear message in
// Settings and one toast; the vault and the file stay as they were.
func TestSyncFolderHostileFiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(t *testing.T, h *syncHarness, p string)
		want string
	}{
		{"truncated", func(t *testing.T, h *syncHarness, p string) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			writeHostile(t, p, b[:len(b)/2])
		}, "damaged (file is truncated"},
		{"another vault", func(t *testing.T, h *syncHarness, p string) {
			path := filepath.Join(t.TempDir(), "other.age")
			newVault(t, path, nil)
			ov, err := vault.Unlock(path, []byte(testPassword), vault.Options{WorkFactor: 10})
			if err != nil {
				t.Fatal(err)
			}
			defer ov.Close()
			dir := t.TempDir()
			res, err := (replica.Folder{Dir: dir}).Sync(ov)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(res.Replica)
			if err != nil {
				t.Fatal(err)
			}
			writeHostile(t, p, b)
		}, "it is a copy of vault"},
		{"huge", func(t *testing.T, h *syncHarness, p string) {
			f, err := os.OpenFile(p+".tmp", os.O_CREATE|os.O_WRONLY, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(1 << 30); err != nil { // sparse: 1 GiB on no disk
				t.Fatal(err)
			}
			f.Close()
			if err := os.Rename(p+".tmp", p); err != nil {
				t.Fatal(err)
			}
		}, "damaged (file is larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) { syncHostile(t, tc.make, tc.want) })
	}
}

// syncHostile puts a hostile file where the replica is (plant) and checks
// that the open window says why (want) and loses nothing.
func syncHostile(t *testing.T, plant func(t *testing.T, h *syncHarness, p string), want string) {
	h := newSyncHarness(t)
	h.u.showSettings()
	h.u.syncChooseFolder(h.folder)
	s := h.u.syncer()
	h.runUntil("the first sync", func() bool { return !s.last.at.IsZero() })
	before := h.u.v.Snapshot()
	p := h.replicaPath()
	plant(t, h, p)
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	h.runUntil("the failed sync", func() bool { return s.last.err != nil })
	if !strings.Contains(s.last.err.Error(), want) {
		t.Errorf("error %q, want it to say %q", s.last.err, want)
	}
	if msg := h.u.frame.toast.Message(); !strings.HasPrefix(msg, "Could not sync: read the replica "+filepath.Base(p)+": ") || !strings.Contains(msg, "nothing was written") {
		t.Errorf("toast %q", msg)
	}
	if st := s.section.status.Text; !strings.Contains(st, "failed") || !strings.Contains(st, want) {
		t.Errorf("Settings says %q", st)
	}
	if s.asking != nil {
		t.Error("a hostile file asked for a new password")
	}
	if !vault.SameReplica(before, h.u.v.Snapshot()) {
		t.Error("the vault changed")
	}
	if fi2, err := os.Stat(p); err != nil || fi2.Size() != fi.Size() || !fi2.ModTime().Equal(fi.ModTime()) {
		t.Errorf("the hostile file was touched: %v", err)
	}
	if h.u.stateName() != "codes" || len(h.u.list.accounts) != len(sampleAccounts(t)) {
		t.Errorf("after the hostile file: %s, %d accounts", h.u.stateName(), len(h.u.list.accounts))
	}
}

// writeHostile replaces p with b at once, as a sync engine does.
func writeHostile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p+".tmp", b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		t.Fatal(err)
	}
}

// TestSyncFolderPasswordChangedElsewhere: after passwd on another computer
// the window asks for the new password once; a wrong one changes nothing,
// the right one takes the key over, merges and syncs on. The old key is
// never written back.
func TestSyncFolderPasswordChangedElsewhere(t *testing.T) {
	h := newSyncHarness(t)
	h.u.showSettings()
	h.u.syncChooseFolder(h.folder)
	s := h.u.syncer()
	h.runUntil("the first sync", func() bool { return !s.last.at.IsZero() })
	other := otherComputer(t, h.folder)
	const newPassword = "a new and longer password"
	if _, err := other.ChangePassword([]byte(testPassword), []byte(newPassword), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Add(vault.Account{Issuer: "Dropbox", Name: "alice", Secret: secret(t, "JBSWY3DPEHPK3PXQ"), Type: vault.TOTP, Digits: 6, Period: 30}); err != nil {
		t.Fatal(err)
	}
	if _, err := (replica.Folder{Dir: h.folder}).Sync(other); err != nil {
		t.Fatal(err)
	}
	sealed, err := os.ReadFile(h.replicaPath())
	if err != nil {
		t.Fatal(err)
	}
	h.runUntil("the new-password dialog", func() bool { return s.asking != nil })
	if !s.last.paused || !strings.Contains(s.section.status.Text, "password was changed on another computer") {
		t.Errorf("Settings says %q", s.section.status.Text)
	}
	p := s.asking
	test.Type(p.entry, "not the password")
	test.Tap(p.use)
	if !p.errLabel.Visible() || !strings.Contains(p.errLabel.Text, "not the new password") {
		t.Errorf("wrong password: %q", p.errLabel.Text)
	}
	if b, _ := os.ReadFile(h.replicaPath()); !bytes.Equal(b, sealed) {
		t.Fatal("the replica sealed with the new key was overwritten")
	}
	test.Type(p.entry, newPassword)
	test.Tap(p.use)
	if s.asking != nil {
		t.Fatalf("the dialog stays: %q", p.errLabel.Text)
	}
	h.runUntil("the merge with the new key", func() bool { return slices.Contains(h.listIssuers(), "Dropbox") })
	if s.asking != nil || s.last.err != nil {
		t.Errorf("after taking the key over: %+v", s.last)
	}
	path := h.u.v.Path()
	if _, err := vault.Unlock(path, []byte(testPassword), vault.Options{}); err == nil {
		t.Error("the old password still opens the vault")
	}
	nv, err := vault.Unlock(path, []byte(newPassword), vault.Options{})
	if err != nil {
		t.Fatalf("the new password does not open the vault: %v", err)
	}
	nv.Close()
	// The replica opens with the new password: the old key was not written back.
	jv, err := vault.Join(filepath.Join(t.TempDir(), "v.age"), h.replicaPath(), []byte(newPassword), vault.Options{WorkFactor: 10})
	if err != nil {
		t.Fatalf("the replica after taking the key over: %v", err)
	}
	jv.Close()
}
