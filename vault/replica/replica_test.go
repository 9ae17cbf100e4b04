package replica

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"authdesk/vault"
	"authdesk/vault/keychain"
)

var password = []byte("correct horse battery staple")

func opts() vault.Options { return vault.Options{WorkFactor: 10, Keychain: &keychain.Memory{}} }

func account(name string) vault.Account {
	return vault.Account{Issuer: "Example", Name: name, Secret: []byte("secret-" + name + "-0123456789"), Type: vault.TOTP}
}

// computer is one machine: its own vault file, joined to the folder.
type computer struct {
	t   testing.TB
	v   *vault.Vault
	dir string
}

func newComputer(t testing.TB, folder string, names ...string) *computer {
	t.Helper()
	v, err := vault.Create(filepath.Join(t.TempDir(), "vault.age"), password, opts())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	for _, n := range names {
		if _, err := v.Add(account(n)); err != nil {
			t.Fatal(err)
		}
	}
	return &computer{t, v, folder}
}

// join makes a second computer from the replica in folder.
func join(t testing.TB, folder string) *computer {
	t.Helper()
	found, err := Find(folder)
	if err != nil || len(found) != 1 {
		t.Fatalf("replicas in the folder: %v, %v", found, err)
	}
	v, err := vault.Join(filepath.Join(t.TempDir(), "vault.age"), found[0], password, opts())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return &computer{t, v, folder}
}

func (c *computer) sync() Result {
	c.t.Helper()
	res, err := Folder{Dir: c.dir}.Sync(c.v)
	if err != nil {
		c.t.Fatal(err)
	}
	return res
}

func (c *computer) find(name string) vault.Account {
	c.t.Helper()
	got, err := c.v.Find(name)
	if err != nil {
		c.t.Fatal(err)
	}
	return got[0]
}

func names(v *vault.Vault) []string {
	var out []string
	for _, a := range v.Accounts() {
		out = append(out, a.Title())
	}
	slices.Sort(out)
	return out
}

// TestTwoComputers: A publishes, B joins from the replica, both edit while
// apart, and after each syncs twice both hold every edit.
func TestTwoComputers(t *testing.T) {
	folder := t.TempDir()
	a := newComputer(t, folder, "one", "two", "three", "four")
	if res := a.sync(); !res.ReplicaWritten || !res.Report.Empty() {
		t.Fatalf("first sync: %+v", res)
	}
	b := join(t, folder)
	if fmt.Sprint(names(b.v)) != fmt.Sprint(names(a.v)) {
		t.Fatalf("B joined with %v, A has %v", names(b.v), names(a.v))
	}

	if _, err := a.v.Add(account("five")); err != nil {
		t.Fatal(err)
	}
	two := a.find("two")
	two.Name = "two renamed"
	if err := a.v.Update(two); err != nil {
		t.Fatal(err)
	}
	if err := b.v.Remove(b.find("three").ID); err != nil {
		t.Fatal(err)
	}
	if err := b.v.SetFavorite(b.find("four").ID, true); err != nil {
		t.Fatal(err)
	}

	a.sync()
	res := b.sync()
	if len(res.Report.Added) != 1 || len(res.Report.Changed) != 1 || !res.ReplicaWritten {
		t.Errorf("B's sync: %+v", res)
	}
	res = a.sync()
	if len(res.Report.Removed) != 1 || len(res.Report.Changed) != 1 || res.ReplicaWritten {
		t.Errorf("A's second sync: %+v", res)
	}
	want := []string{"Example (five)", "Example (four)", "Example (one)", "Example (two renamed)"}
	for n, c := range map[string]*computer{"A": a, "B": b} {
		if got := names(c.v); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s has %v, want %v", n, got, want)
		}
		if !c.find("four").Favorite {
			t.Errorf("%s: four is not starred", n)
		}
	}
	if !vault.SameReplica(a.v.Snapshot(), b.v.Snapshot()) {
		t.Error("A and B differ")
	}
}

// TestCopyingACodeWritesNoReplica: recording a code's use saves the local
// vault but leaves the replica alone.
func TestCopyingACodeWritesNoReplica(t *testing.T) {
	a := newComputer(t, t.TempDir(), "one")
	res := a.sync()
	before := mustRead(t, res.Replica)
	if err := a.v.MarkUsed(a.find("one").ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if res := a.sync(); res.ReplicaWritten {
		t.Error("a copied code wrote the replica")
	}
	if !bytes.Equal(before, mustRead(t, res.Replica)) {
		t.Error("the replica changed")
	}
}

// TestConflictCopies: each sync engine's conflict copy is merged, then
// moved, byte for byte, into the local backups folder; none stays in the
// synced folder and none is deleted.
func TestConflictCopies(t *testing.T) {
	for engine, name := range map[string]string{
		"syncthing": "authdesk-%s.sync-conflict-20260301-101112-ABCDEF1.age",
		"dropbox":   "authdesk-%s (Alice's conflicted copy 2026-03-01).age",
		"nextcloud": "authdesk-%s (conflicted copy 2026-03-01 101112).age",
		"onedrive":  "authdesk-%s-LAPTOP-7Q2.age",
	} {
		t.Run(engine, func(t *testing.T) {
			folder := t.TempDir()
			a := newComputer(t, folder, "one")
			res := a.sync()
			b := join(t, folder)
			if _, err := b.v.Add(account("from b")); err != nil {
				t.Fatal(err)
			}
			// B's version arrives as a conflict copy beside the replica.
			conflict := filepath.Join(folder, fmt.Sprintf(name, a.v.ID()))
			bRes, err := Folder{Dir: t.TempDir()}.Sync(b.v)
			if err != nil {
				t.Fatal(err)
			}
			content := mustRead(t, bRes.Replica)
			if err := os.WriteFile(conflict, content, 0o600); err != nil {
				t.Fatal(err)
			}
			res = a.sync()
			if len(res.Report.Added) != 1 || len(res.Moved) != 1 || !res.ReplicaWritten {
				t.Fatalf("sync with a conflict copy: %+v", res)
			}
			if _, err := os.Lstat(conflict); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the conflict copy is still in the synced folder: %v", err)
			}
			if filepath.Dir(res.Moved[0].To) != vault.BackupDir(a.v.Path()) || !bytes.Equal(mustRead(t, res.Moved[0].To), content) {
				t.Errorf("the conflict copy went to %s, changed or not", res.Moved[0].To)
			}
			// A password change retires the password in it too.
			newPW := []byte("another password")
			if _, err := a.v.ChangePassword(password, newPW, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := vault.OpenSnapshot(res.Moved[0].To, password, vault.Options{}); err == nil {
				t.Error("after passwd the conflict copy moved aside still opens with the old password")
			}
			if _, err := vault.OpenSnapshot(res.Moved[0].To, newPW, vault.Options{}); err != nil {
				t.Errorf("after passwd the conflict copy moved aside does not open with the new password: %v", err)
			}
		})
	}
}

// TestHostileFilesLeftAlone: files named like conflict copies that are
// not copies of this vault (garbage, a symlink to a private file, another
// vault's replica) are not merged, moved or deleted, and change nothing.
func TestHostileFilesLeftAlone(t *testing.T) {
	folder := t.TempDir()
	a := newComputer(t, folder, "one")
	a.sync()
	other := newComputer(t, t.TempDir(), "intruder")
	otherRes := other.sync()
	secret := filepath.Join(t.TempDir(), "private")
	if err := os.WriteFile(secret, []byte("private"), 0o600); err != nil {
		t.Fatal(err)
	}
	files := map[string]func(p string) error{
		"authdesk-%s.sync-conflict-20260301-101112-AAAAAAA.age": func(p string) error { return os.WriteFile(p, []byte("garbage"), 0o600) },
		"authdesk-%s-HOST.age":                func(p string) error { return os.Symlink(secret, p) },
		"authdesk-%s (conflicted copy x).age": func(p string) error { return os.WriteFile(p, mustRead(t, otherRes.Replica), 0o600) },
	}
	for n, make := range files {
		if err := make(filepath.Join(folder, fmt.Sprintf(n, a.v.ID()))); err != nil {
			t.Fatal(err)
		}
	}
	before := a.v.Snapshot()
	res := a.sync()
	if len(res.Skipped) != 3 || len(res.Moved) != 0 || !res.Report.Empty() || res.ReplicaWritten {
		t.Errorf("sync among hostile files: %+v", res)
	}
	for n := range files {
		if _, err := os.Lstat(filepath.Join(folder, fmt.Sprintf(n, a.v.ID()))); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if !vault.SameReplica(before, a.v.Snapshot()) {
		t.Error("the vault changed")
	}
}

// TestReplicaOfAnotherKey: a replica that does not open with the vault's
// key (a password change elsewhere) is neither merged nor overwritten.
func TestReplicaOfAnotherKey(t *testing.T) {
	folder := t.TempDir()
	a := newComputer(t, folder, "one")
	res := a.sync()
	b := join(t, folder)
	if _, err := b.v.ChangePassword(password, []byte("new password"), nil); err != nil {
		t.Fatal(err)
	}
	// B's replica, sealed with the new key, replaces the old one.
	bRes, err := Folder{Dir: t.TempDir()}.Sync(b.v)
	if err != nil {
		t.Fatal(err)
	}
	written := mustRead(t, bRes.Replica)
	if err := os.WriteFile(res.Replica, written, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.v.Add(account("two")); err != nil {
		t.Fatal(err)
	}
	_, err = Folder{Dir: folder}.Sync(a.v)
	if !errors.Is(err, ErrOtherKey) {
		t.Fatalf("sync with a replica of another key: %v, want ErrOtherKey", err)
	}
	if !bytes.Equal(written, mustRead(t, res.Replica)) {
		t.Error("the replica sealed with the new key was overwritten with the old one")
	}
}

// TestFolderHoldingTheVault: a synced folder that holds the vault (and so
// its backups) is refused.
func TestFolderHoldingTheVault(t *testing.T) {
	a := newComputer(t, "", "one")
	for _, dir := range []string{filepath.Dir(a.v.Path()), filepath.Dir(filepath.Dir(a.v.Path()))} {
		if _, err := (Folder{Dir: dir}).Sync(a.v); err == nil || !strings.Contains(err.Error(), "holds the vault") {
			t.Errorf("sync into %s: %v", dir, err)
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPasswordChangeElsewhere: B changes the password. B's next sync
// writes the replica over with the new key (the old one is B's retired
// key); A's sync stops with ErrOtherKey, A adopts the key with the new
// password, and both converge, A's edits made meanwhile included. The old
// password then opens nothing in A's vault folder.
func TestPasswordChangeElsewhere(t *testing.T) {
	folder := t.TempDir()
	a := newComputer(t, folder, "one")
	a.sync()
	b := join(t, folder)
	newPW := []byte("a new password")
	if _, err := b.v.ChangePassword(password, newPW, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.v.Add(account("from b")); err != nil {
		t.Fatal(err)
	}
	if res := b.sync(); !res.ReplicaWritten {
		t.Fatalf("B did not write the replica with the new key: %+v", res)
	}
	if _, err := a.v.Add(account("from a")); err != nil {
		t.Fatal(err)
	}
	_, err := Folder{Dir: folder}.Sync(a.v)
	if !errors.Is(err, ErrOtherKey) {
		t.Fatalf("A's sync: %v, want ErrOtherKey", err)
	}
	replicaPath := filepath.Join(folder, Name(a.v.ID()))
	if _, err := a.v.AdoptKey(replicaPath, password); !errors.Is(err, vault.ErrWrongPassword) {
		t.Fatalf("adopt with the old password: %v, want ErrWrongPassword", err)
	}
	if _, err := a.v.AdoptKey(replicaPath, newPW); err != nil {
		t.Fatal(err)
	}
	a.sync()
	b.sync()
	want := "[Example (from a) Example (from b) Example (one)]"
	for n, c := range map[string]*computer{"A": a, "B": b} {
		if got := fmt.Sprint(names(c.v)); got != want {
			t.Errorf("%s has %s, want %s", n, got, want)
		}
	}
	files, _ := vault.Backups(a.v.Path())
	for _, f := range append(files, a.v.Path(), replicaPath) {
		if v, err := vault.Unlock(f, password, vault.Options{}); err == nil {
			v.Close()
			t.Errorf("%s still opens with the old password", f)
		}
		v, err := vault.Unlock(f, newPW, vault.Options{})
		if err != nil {
			t.Errorf("%s does not open with the new password: %v", f, err)
			continue
		}
		v.Close()
	}
}

// TestAnotherVaultUnderThisName: another vault's replica put under this
// vault's name is said to be another vault's (not a password change, which
// would ask for a password), and nothing is written or merged.
func TestAnotherVaultUnderThisName(t *testing.T) {
	folder := t.TempDir()
	a := newComputer(t, folder, "one")
	res := a.sync()
	other := newComputer(t, t.TempDir(), "intruder")
	planted := mustRead(t, other.sync().Replica)
	if err := os.WriteFile(res.Replica, planted, 0o600); err != nil {
		t.Fatal(err)
	}
	before := a.v.Snapshot()
	_, err := Folder{Dir: folder}.Sync(a.v)
	if err == nil || errors.Is(err, ErrOtherKey) || !strings.Contains(err.Error(), "a copy of vault "+other.v.ID()) {
		t.Fatalf("sync with another vault's replica under this name: %v", err)
	}
	if !bytes.Equal(planted, mustRead(t, res.Replica)) || !vault.SameReplica(before, a.v.Snapshot()) {
		t.Error("the planted file or the vault changed")
	}
}
