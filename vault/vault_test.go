package vault

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/gofrs/flock"

	"authdesk/vault/keychain"
)

// testWF keeps scrypt cheap in tests; the default is exercised by the
// benchmark.
const testWF = 10

var password = []byte("correct horse battery staple")

func testAccount(i int) Account {
	return Account{
		Issuer: fmt.Sprintf("Issuer %d", i), Name: fmt.Sprintf("user%d@example.com", i),
		Secret: []byte(fmt.Sprintf("secret-%06d-0123456789", i)), Type: TOTP,
		Tags: []string{"work"}, Note: "note",
	}
}

func newVault(t testing.TB, kc Keychain, accts ...Account) (*Vault, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cfg", "authdesk", "vault.age")
	opts := Options{WorkFactor: testWF}
	if kc != nil {
		opts.Keychain = kc
	}
	v, err := Create(path, password, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) > 0 {
		if _, err := v.Add(accts...); err != nil {
			t.Fatal(err)
		}
	}
	return v, path
}

func TestMain(m *testing.M) {
	if path := os.Getenv("AUTHDESK_TEST_KILLED_SAVE"); path != "" {
		killedSaveChild(path)
		return
	}
	if path := os.Getenv("AUTHDESK_TEST_KILLED_ROTATION"); path != "" {
		n, _ := strconv.Atoi(os.Getenv("AUTHDESK_TEST_KILL_AT"))
		killedRotationChild(path, n)
		return
	}
	if path := os.Getenv("AUTHDESK_TEST_ADDER"); path != "" {
		adderChild(path, os.Getenv("AUTHDESK_TEST_ADDER_BASE"))
		return
	}
	os.Exit(m.Run())
}

func TestRoundTrip1000(t *testing.T) {
	kc := &keychain.Memory{}
	var accts []Account
	for i := range 1000 {
		accts = append(accts, testAccount(i))
	}
	v, path := newVault(t, kc, accts...)
	want := v.Accounts()
	v.Close()
	if len(want) != 1000 {
		t.Fatalf("stored %d accounts, want 1000", len(want))
	}
	for i, a := range want {
		if a.ID == "" || a.Created.IsZero() || a.Algorithm != SHA1 || a.Digits != 6 || a.Period != 30 || a.Issuer != accts[i].Issuer {
			t.Fatalf("account %d not filled in: %+v", i, a)
		}
	}
	v1, err := Open(path, Options{Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := Unlock(path, password, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []*Vault{v1, v2} {
		got := v.Accounts()
		if len(got) != len(want) {
			t.Fatalf("reopened %d accounts", len(got))
		}
		for i := range got {
			if !accountsEqual(got[i], want[i]) {
				t.Fatalf("account %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
	}
}

func accountsEqual(a, b Account) bool {
	return a.ID == b.ID && a.Issuer == b.Issuer && a.Name == b.Name && bytes.Equal(a.Secret, b.Secret) &&
		a.Type == b.Type && a.Algorithm == b.Algorithm && a.Digits == b.Digits && a.Period == b.Period &&
		a.Counter == b.Counter && strings.Join(a.Tags, ",") == strings.Join(b.Tags, ",") && a.Note == b.Note &&
		a.Created.Equal(b.Created) && a.Updated.Equal(b.Updated)
}

func TestWrongPassword(t *testing.T) {
	_, path := newVault(t, nil, testAccount(1))
	_, err := Unlock(path, []byte("hunter2"), Options{})
	if !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("Unlock with a wrong password: %v, want ErrWrongPassword", err)
	}
	if errors.Is(err, ErrCorrupt) {
		t.Fatal("a wrong password was reported as a damaged file")
	}
}

func TestCreateExists(t *testing.T) {
	_, path := newVault(t, nil)
	if _, err := Create(path, password, Options{WorkFactor: testWF}); !errors.Is(err, ErrExists) {
		t.Fatalf("second Create: %v, want ErrExists", err)
	}
	if _, err := Create(path+"2", nil, Options{}); err == nil {
		t.Fatal("Create with an empty password succeeded")
	}
	if _, err := Open(path+"-missing", Options{Keychain: &keychain.Memory{}}); !errors.Is(err, ErrNoVault) {
		t.Fatalf("Open of a missing file: %v, want ErrNoVault", err)
	}
	if _, err := Unlock(path+"-missing", password, Options{}); !errors.Is(err, ErrNoVault) {
		t.Fatalf("Unlock of a missing file: %v, want ErrNoVault", err)
	}
}

func TestNoKeychain(t *testing.T) {
	v, path := newVault(t, nil, testAccount(1))
	if v.KeychainError() == nil {
		t.Error("KeychainError is nil without a keychain")
	}
	if _, err := Open(path, Options{}); !errors.Is(err, ErrNeedPassword) {
		t.Fatalf("Open without keychain: %v, want ErrNeedPassword", err)
	}
	u, err := Unlock(path, password, Options{})
	if err != nil || len(u.Accounts()) != 1 {
		t.Fatalf("Unlock: %v", err)
	}
}

func TestUnavailableKeychain(t *testing.T) {
	kc := &keychain.Memory{}
	kc.Fail(fmt.Errorf("%w: no D-Bus session bus", keychain.ErrUnavailable))
	v, path := newVault(t, kc, testAccount(1))
	if err := v.KeychainError(); !errors.Is(err, keychain.ErrUnavailable) {
		t.Errorf("KeychainError = %v, want ErrUnavailable", err)
	}
	_, err := Open(path, Options{Keychain: kc})
	if !errors.Is(err, ErrNeedPassword) || !errors.Is(err, keychain.ErrUnavailable) || !strings.Contains(err.Error(), "no D-Bus session bus") {
		t.Fatalf("Open: %v, want ErrNeedPassword saying why", err)
	}
	u, err := Unlock(path, password, Options{Keychain: kc, WorkFactor: testWF})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(u.KeychainError(), keychain.ErrUnavailable) {
		t.Errorf("KeychainError after Unlock = %v", u.KeychainError())
	}
	// When the keychain comes back, Unlock stores the key and Open works.
	kc.Fail(nil)
	if _, err := Open(path, Options{Keychain: kc}); !errors.Is(err, ErrNeedPassword) || !errors.Is(err, keychain.ErrNotFound) {
		t.Fatalf("Open with an empty keychain: %v", err)
	}
	u, err = Unlock(path, password, Options{Keychain: kc})
	if err != nil || u.KeychainError() != nil {
		t.Fatalf("Unlock: %v, keychain: %v", err, u.KeychainError())
	}
	if o, err := Open(path, Options{Keychain: kc}); err != nil || len(o.Accounts()) != 1 {
		t.Fatalf("Open after Unlock stored the key: %v", err)
	}
}

func TestKeychainMismatch(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc, testAccount(1))
	other, _ := age.GenerateX25519Identity()
	kc.Set(v.ID(), other.String())
	if _, err := Open(path, Options{Keychain: kc}); !errors.Is(err, ErrNeedPassword) || !strings.Contains(err.Error(), "another vault") {
		t.Fatalf("Open with another vault's key: %v", err)
	}
	kc.Set(v.ID(), "garbage")
	if _, err := Open(path, Options{Keychain: kc}); !errors.Is(err, ErrNeedPassword) || !strings.Contains(err.Error(), "not a valid key") {
		t.Fatalf("Open with garbage in the keychain: %v", err)
	}
}

func TestChangePassword(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc, testAccount(1))
	if _, err := v.ChangePassword(password, []byte("new password"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Unlock(path, password, Options{}); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("old password: %v", err)
	}
	if u, err := Unlock(path, []byte("new password"), Options{}); err != nil || len(u.Accounts()) != 1 {
		t.Fatalf("new password: %v", err)
	}
	if _, err := Open(path, Options{Keychain: kc}); err != nil {
		t.Fatalf("keychain after password change: %v", err)
	}
}

func TestMutations(t *testing.T) {
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "vault.age")
	v, err := Create(path, password, Options{WorkFactor: testWF, Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	added, err := v.Add(
		Account{Issuer: "GitHub", Name: "alice", Secret: []byte("a"), Type: TOTP},
		Account{Issuer: "GitLab", Name: "bob", Secret: []byte("b"), Type: HOTP, Counter: 7},
		Account{Issuer: "Steam", Name: "gaben", Secret: []byte("c"), Type: Steam},
	)
	if err != nil {
		t.Fatal(err)
	}
	if added[2].Digits != 5 || added[1].Period != 0 || !added[0].Created.Equal(clock) {
		t.Errorf("defaults not applied: %+v", added)
	}
	if _, err := v.Add(Account{Name: "x", Secret: []byte("d"), Type: TOTP, Digits: 9}); err == nil || !strings.Contains(err.Error(), "digits") {
		t.Errorf("Add of an invalid account: %v", err)
	}
	if len(v.Accounts()) != 3 {
		t.Fatal("a failed Add changed the vault")
	}

	clock = clock.Add(time.Hour)
	h := added[1]
	h.Counter++
	if err := v.Update(h); err != nil {
		t.Fatal(err)
	}
	got, _ := v.Account(h.ID)
	if got.Counter != 8 || !got.Updated.Equal(clock) || !got.Created.Equal(added[1].Created) {
		t.Errorf("Update: %+v", got)
	}
	if err := v.Update(Account{ID: "nope"}); !errors.Is(err, ErrNoMatch) {
		t.Errorf("Update of a missing ID: %v", err)
	}

	if err := v.Move(added[2].ID, 0); err != nil {
		t.Fatal(err)
	}
	if err := v.Move(added[0].ID, 99); err != nil {
		t.Fatal(err)
	}
	order := ""
	for _, a := range v.Accounts() {
		order += a.Issuer + " "
	}
	if order != "Steam GitLab GitHub " {
		t.Errorf("order after Move: %q", order)
	}

	if a, ok := v.FindBySecret([]byte("b")); !ok || a.ID != added[1].ID {
		t.Errorf("FindBySecret(b) = %+v, %v", a, ok)
	}
	if _, ok := v.FindBySecret([]byte("zz")); ok {
		t.Error("FindBySecret found a missing secret")
	}

	if err := v.Remove(added[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := v.Remove(added[0].ID); !errors.Is(err, ErrNoMatch) {
		t.Errorf("second Remove: %v", err)
	}
	u, err := Unlock(path, password, Options{})
	if err != nil || len(u.Accounts()) != 2 || u.Accounts()[0].Issuer != "Steam" {
		t.Fatalf("reopened: %v %+v", err, u.Accounts())
	}
	v.Close()
	if _, err := v.Add(testAccount(1)); !errors.Is(err, ErrClosed) {
		t.Errorf("Add after Close: %v", err)
	}
}

func TestFind(t *testing.T) {
	accts := []Account{
		{ID: "id1", Issuer: "GitHub", Name: "alice@example.com"},
		{ID: "id2", Issuer: "GitHub", Name: "bob@example.com"},
		{ID: "id3", Issuer: "GitLab", Name: "alice"},
		{ID: "id4", Issuer: "Google", Name: "carol"},
		{ID: "id5", Issuer: "", Name: "git"},
	}
	tests := []struct {
		q    string
		want string // IDs
		err  error
	}{
		{"google", "id4", nil},
		{"GOO", "id4", nil},
		{"carol", "id4", nil},
		{"gitl", "id3", nil},
		{"git", "id5", nil}, // exact beats prefix
		{"gi", "id1 id2 id3 id5", ErrAmbiguous},
		{"github", "id1 id2", ErrAmbiguous},
		{"github:bob", "id2", nil},
		{"GitHub:a", "id1", nil},
		{"GitHub (alice@example.com)", "id1", nil},
		{"alice", "id3", nil},
		{"al", "id1 id3", ErrAmbiguous},
		{"id2", "id2", nil},
		{"microsoft", "", ErrNoMatch},
		{"", "", ErrNoMatch},
	}
	for _, tt := range tests {
		got, err := find(accts, tt.q)
		ids := []string{}
		for _, a := range got {
			ids = append(ids, a.ID)
		}
		if strings.Join(ids, " ") != tt.want || !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
			t.Errorf("Find(%q) = %v, %v; want %s, %v", tt.q, ids, err, tt.want, tt.err)
		}
	}
}

// TestTwoInstances: two Vaults on one file adding concurrently lose nothing,
// because each change rereads the file under the lock.
func TestTwoInstances(t *testing.T) {
	kc := &keychain.Memory{}
	v1, path := newVault(t, kc)
	v2, err := Open(path, Options{Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for n, v := range []*Vault{v1, v2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				if _, err := v.Add(testAccount(n*100 + i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	u, err := Unlock(path, password, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(u.Accounts()); n != 40 {
		t.Fatalf("after concurrent adds the file holds %d accounts, want 40", n)
	}
	// Each instance sees the other's changes on its next mutation or Reload.
	if changed, err := v1.Reload(); err != nil || len(v1.Accounts()) != 40 {
		t.Fatalf("Reload: %v %v, %d accounts", changed, err, len(v1.Accounts()))
	}
}

// TestTwoProcesses runs several processes that add accounts to one vault at
// the same moment, each through its own Vault opened before the others
// wrote: the file lock and the reread under it must keep every account.
func TestTwoProcesses(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc)
	const children, perChild = 3, 8
	type child struct {
		cmd   *exec.Cmd
		go_   *os.File
		ready *bufio.Reader
	}
	var cs []child
	for n := range children {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "AUTHDESK_TEST_ADDER="+path, fmt.Sprintf("AUTHDESK_TEST_ADDER_BASE=%d", (n+1)*1000))
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		cs = append(cs, child{cmd: cmd, go_: in.(*os.File), ready: bufio.NewReader(out)})
	}
	// Every child has opened the vault (and read its empty version) before
	// any of them writes.
	for i, c := range cs {
		if line, err := c.ready.ReadString('\n'); err != nil || line != "READY\n" {
			t.Fatalf("child %d said %q, %v", i, line, err)
		}
	}
	for _, c := range cs {
		c.go_.Close()
	}
	for i := range perChild {
		if _, err := v.Add(testAccount(i)); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cs {
		rest, _ := io.ReadAll(c.ready)
		if err := c.cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v (%s)", i, err, rest)
		}
	}
	u, err := Open(path, Options{Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, a := range u.Accounts() {
		got[a.Name] = true
	}
	if want := (children + 1) * perChild; len(got) != want || len(u.Accounts()) != want {
		t.Fatalf("the vault holds %d accounts (%d names), want %d: a write was lost", len(u.Accounts()), len(got), want)
	}
}

// adderChild is TestTwoProcesses' child: it opens the vault, says READY,
// waits for its stdin to close and adds accounts one by one.
func adderChild(path, base string) {
	v, err := Unlock(path, password, Options{WorkFactor: testWF})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	var b int
	fmt.Sscan(base, &b)
	fmt.Println("READY")
	io.Copy(io.Discard, os.Stdin)
	for i := range 8 {
		if _, err := v.Add(testAccount(b + i)); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(4)
		}
	}
	os.Exit(0)
}

func TestFileModes(t *testing.T) {
	v, path := newVault(t, &keychain.Memory{}, testAccount(1))
	v.Add(testAccount(2))
	backups, _ := Backups(path)
	for p, want := range map[string]os.FileMode{
		path: 0o600, filepath.Dir(path): 0o700 | os.ModeDir, filepath.Dir(filepath.Dir(path)): 0o700 | os.ModeDir,
		BackupDir(path): 0o700 | os.ModeDir, backups[0]: 0o600, path + ".lock": 0o600,
	} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s has mode %v, want %v", p, fi.Mode(), want)
		}
	}
}

func TestBackupsKeepTen(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc)
	for i := range 15 {
		if _, err := v.Add(testAccount(i)); err != nil {
			t.Fatal(err)
		}
	}
	b, err := Backups(path)
	if err != nil || len(b) != keepBackups {
		t.Fatalf("Backups: %d, %v; want %d", len(b), err, keepBackups)
	}
	// The newest backup is the version before the last save: 14 accounts.
	bv, err := Open(b[0], Options{Keychain: kc})
	if err != nil || len(bv.Accounts()) != 14 {
		t.Fatalf("newest backup: %v", err)
	}
	bv, err = Open(b[9], Options{Keychain: kc})
	if err != nil || len(bv.Accounts()) != 5 {
		t.Fatalf("oldest backup: %v", err)
	}
}

// TestDamagedFiles: every kind of damage gives ErrCorrupt, never a panic or
// a wrong-password message, names the newest good backup, and restoring it
// brings the previous version back.
func TestDamagedFiles(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc, testAccount(1), testAccount(2))
	good, _ := os.ReadFile(path)
	v.Add(testAccount(3)) // the backup now holds two accounts; the file three
	cur, _ := os.ReadFile(path)
	dataStart := bytes.LastIndex(cur, []byte(armor.Header))
	backups, _ := Backups(path)
	if !bytes.Equal(mustRead(t, backups[0]), good) {
		t.Fatal("newest backup is not the previous version")
	}

	flip := func(b []byte, i int) []byte {
		b = bytes.Clone(b)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return b
	}
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"first line only", cur[:bytes.IndexByte(cur, '\n')+1]},
		{"half the first line", cur[:10]},
		{"truncated in key block", cur[:dataStart/2]},
		{"key block only", cur[:dataStart]},
		{"truncated in data block", cur[:dataStart+(len(cur)-dataStart)/2]},
		{"missing last newline and footer", cur[:len(cur)-10]},
		{"flipped data byte", flip(cur, dataStart+len(armor.Header)+200)},
		{"flipped last data byte", flip(cur, len(cur)-len(armor.Footer)-4)},
		{"garbage appended", append(bytes.Clone(cur), "garbage\n"...)},
		{"third block", append(bytes.Clone(cur), cur[dataStart:]...)},
		{"not a vault", []byte("hello world\n")},
		{"bad id", bytes.Replace(cur, []byte("id="), []byte("id=zz"), 1)},
		{"zeros", make([]byte, 4096)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, tt.b, 0o600); err != nil {
				t.Fatal(err)
			}
			for how, open := range map[string]func() (*Vault, error){
				"Open":   func() (*Vault, error) { return Open(path, Options{Keychain: kc}) },
				"Unlock": func() (*Vault, error) { return Unlock(path, password, Options{}) },
			} {
				_, err := open()
				var ce *CorruptError
				if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) {
					t.Fatalf("%s: %v, want ErrCorrupt", how, err)
				}
				if ce.Backup != backups[0] || !strings.Contains(err.Error(), backups[0]) || !strings.Contains(err.Error(), "damaged") {
					t.Fatalf("%s: %v; want it to name backup %s", how, err, backups[0])
				}
			}
		})
	}
	// A mutation on a vault whose file was damaged meanwhile refuses to save.
	if _, err := v.Add(testAccount(4)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Add on a damaged file: %v", err)
	}
	kept, err := RestoreBackup(path, backups[0], Options{Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(path, Options{Keychain: kc})
	if err != nil || len(r.Accounts()) != 2 {
		t.Fatalf("after RestoreBackup: %v", err)
	}
	if m, _ := filepath.Glob(path + ".damaged-*"); len(m) != 1 || m[0] != kept {
		t.Errorf("the damaged file was not kept: %v, RestoreBackup said %q", m, kept)
	}
	if _, err := RestoreBackup(path, path+".damaged-nope", Options{}); err == nil {
		t.Error("RestoreBackup of a missing file succeeded")
	}
}

func TestNoGoodBackup(t *testing.T) {
	kc := &keychain.Memory{}
	_, path := newVault(t, kc)
	os.WriteFile(path, []byte("junk"), 0o600)
	_, err := Open(path, Options{Keychain: kc})
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Backup != "" || !strings.Contains(err.Error(), "no backup") {
		t.Fatalf("Open: %v", err)
	}
}

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWorkFactorCap: a file asking for an absurd scrypt work factor is
// refused before any work is done.
func TestWorkFactorCap(t *testing.T) {
	_, path := newVault(t, nil)
	b := mustRead(t, path)
	p, err := parseFile(b)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := readAllArmor(p.keyBlock)
	raw = bytes.Replace(raw, []byte(fmt.Sprintf(" %d\n", testWF)), []byte(" 30\n"), 1)
	p.keyBlock = armorBytes(raw)
	os.WriteFile(path, p.bytes(), 0o600)
	start := time.Now()
	_, err = Unlock(path, password, Options{})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "work factor too large") {
		t.Fatalf("Unlock: %v", err)
	}
	// A hang bound, not a measurement (BenchmarkRefuseWorkFactor): 2^30
	// scrypt would run for minutes.
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("refusing took %v", d)
	}
}

// BenchmarkRefuseWorkFactor measures refusing a file that asks for scrypt
// 2^30 (TestWorkFactorCap checks that it is refused).
func BenchmarkRefuseWorkFactor(b *testing.B) {
	_, path := newVault(b, nil)
	p, err := parseFile(mustRead(b, path))
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := readAllArmor(p.keyBlock)
	raw = bytes.Replace(raw, []byte(fmt.Sprintf(" %d\n", testWF)), []byte(" 30\n"), 1)
	p.keyBlock = armorBytes(raw)
	os.WriteFile(path, p.bytes(), 0o600)
	for b.Loop() {
		if _, err := Unlock(path, password, Options{}); !errors.Is(err, ErrCorrupt) {
			b.Fatal(err)
		}
	}
}

func readAllArmor(block []byte) ([]byte, error) {
	var out bytes.Buffer
	_, err := out.ReadFrom(armor.NewReader(bytes.NewReader(block)))
	return out.Bytes(), err
}

func armorBytes(raw []byte) []byte {
	var b bytes.Buffer
	w := armor.NewWriter(&b)
	w.Write(raw)
	w.Close()
	return b.Bytes()
}

// TestKilledSave kills a process between writing the new version and renaming
// it into place, and checks that the previous vault is intact and the next
// save works.
func TestKilledSave(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc, testAccount(1), testAccount(2))
	before := mustRead(t, path)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "AUTHDESK_TEST_KILLED_SAVE="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("child did not reach the rename: %v", err)
	}
	tmp, ok := strings.CutPrefix(strings.TrimSpace(line), "READY ")
	if !ok {
		t.Fatalf("child said %q", line)
	}
	if fi, err := os.Stat(tmp); err != nil || fi.Size() <= int64(len(before)) {
		t.Fatalf("the new version was not written to %s: %v", tmp, err)
	}
	cmd.Process.Kill()
	cmd.Wait()

	if !bytes.Equal(mustRead(t, path), before) {
		t.Fatal("the vault file changed although the save was killed before the rename")
	}
	u, err := Unlock(path, password, Options{})
	if err != nil || len(u.Accounts()) != 2 {
		t.Fatalf("after the killed save: %v", err)
	}
	// The lock died with the process; the next save works and removes the
	// stale temporary file.
	if _, err := v.Add(testAccount(3)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file %s left behind: %v", tmp, err)
	}
	if o, err := Open(path, Options{Keychain: kc}); err != nil || len(o.Accounts()) != 3 {
		t.Fatalf("after the next save: %v", err)
	}
}

func killedSaveChild(path string) {
	v, err := Unlock(path, password, Options{WorkFactor: testWF, beforeRename: func(tmp, _ string) {
		fmt.Printf("READY %s\n", tmp)
		time.Sleep(time.Hour) // killed here
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	v.Add(testAccount(99))
	os.Exit(4)
}

func TestDefaultPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"AUTHDESK_VAULT": "/x/v.age", "HOME": "/h"}, "/x/v.age"},
		{map[string]string{"XDG_CONFIG_HOME": "/cfg", "HOME": "/h"}, "/cfg/authdesk/vault.age"},
		{map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/h"}, "/h/.config/authdesk/vault.age"},
		{map[string]string{"HOME": "/h"}, "/h/.config/authdesk/vault.age"},
	}
	for _, tt := range tests {
		if got, err := DefaultPath(env(tt.env)); err != nil || got != tt.want {
			t.Errorf("DefaultPath(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
	if _, err := DefaultPath(env(nil)); err == nil {
		t.Error("DefaultPath with no HOME succeeded")
	}
}

func TestConflicts(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc, testAccount(1))

	// Another program holds the lock too long.
	other := flock.New(path + ".lock")
	if err := other.Lock(); err != nil {
		t.Fatal(err)
	}
	v.lockWait = 100 * time.Millisecond
	start := time.Now()
	_, err := v.Add(testAccount(2))
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "another program held") {
		t.Fatalf("Add while locked: %v", err)
	}
	// It waited out lockWait; the upper bound only catches a hang.
	if d := time.Since(start); d < 100*time.Millisecond || d > 30*time.Second {
		t.Errorf("gave up after %v", d)
	}
	other.Unlock()
	if _, err := v.Add(testAccount(2)); err != nil {
		t.Fatalf("Add after the lock was released: %v", err)
	}

	// The file was replaced by another vault: refuse rather than overwrite it.
	w, otherPath := newVault(t, kc, testAccount(3))
	w.Close()
	if err := os.Rename(otherPath, path); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Add(testAccount(4)); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "different vault") {
		t.Fatalf("Add after the file was replaced: %v", err)
	}
	os.Remove(path)
	if _, err := v.Add(testAccount(4)); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "disappeared") {
		t.Fatalf("Add after the file was deleted: %v", err)
	}
}

// TestAdvanceCounter: each call uses up one HOTP code, on the latest version
// of the file, so two instances never hand out the same counter.
func TestAdvanceCounter(t *testing.T) {
	kc := &keychain.Memory{}
	h := testAccount(1)
	h.Type, h.Counter = HOTP, 5
	v1, path := newVault(t, kc, h, testAccount(2))
	v2, err := Open(path, Options{Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	accts := v1.Accounts()
	hid, tid := accts[0].ID, accts[1].ID
	for i, tt := range []struct {
		v    *Vault
		id   string
		want uint64 // counter of the code handed out
		err  string
	}{
		{v1, hid, 5, ""},
		{v1, hid, 6, ""},
		{v2, hid, 7, ""}, // v2 read the file when the counter was 5
		{v2, tid, 0, "is a totp account, not hotp"},
		{v1, "nope", 0, "no matching account"},
	} {
		got, err := tt.v.AdvanceCounter(tt.id)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%d: AdvanceCounter error %v, want %q", i, err, tt.err)
			}
			continue
		}
		if err != nil || got.Counter != tt.want {
			t.Errorf("%d: AdvanceCounter = counter %d, %v; want %d", i, got.Counter, err, tt.want)
		}
	}
	if a, _ := v1.Account(hid); a.Counter != 8 {
		t.Errorf("stored counter %d, want 8", a.Counter)
	}
}

// An import of a quarter of a million accounts once saved a 73 MB vault
// that the next command called damaged: a save past the size a vault can
// be opened with is refused, and nothing changes.
func TestSaveRefusedPastReadLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	password := []byte("correct horse battery")
	v, err := Create(path, password, Options{WorkFactor: testWF, maxSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if _, err := v.Add(Account{Issuer: "Keep", Name: "k", Type: TOTP, Secret: []byte("12345678901234567890")}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var many []Account
	for i := range 5000 {
		many = append(many, Account{Issuer: fmt.Sprintf("Issuer %d", i), Name: fmt.Sprintf("user%d@example.com", i), Type: TOTP, Secret: []byte(fmt.Sprintf("secret-%06d-abcdefghijklmn", i))})
	}
	_, err = v.Add(many...)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("adding 5,000 accounts past a 1 MiB limit: %v", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) || len(v.Accounts()) != 1 {
		t.Fatalf("the refused save changed the vault: %d accounts, file changed %v", len(v.Accounts()), !bytes.Equal(before, after))
	}
}

// A vault folder others can write lets them replace the vault: init
// tightens an existing one to 0700, and refuses one it cannot tighten.
func TestSecureDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permission bits")
	}
	root := t.TempDir()
	for _, tc := range []struct {
		name      string
		mode      os.FileMode // 0: missing
		tightened bool
		refused   bool
	}{
		{"missing", 0, false, false},
		{"private", 0o700, false, false},
		{"0777", 0o777, true, false},
		{"0750", 0o750, true, false},
		{"sticky 1777", 0o777 | os.ModeSticky, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(root, tc.name)
			if tc.mode != 0 {
				if err := os.Mkdir(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(dir, tc.mode); err != nil {
					t.Fatal(err)
				}
			}
			tightened, err := SecureDir(dir)
			if tightened != tc.tightened || (err != nil) != tc.refused {
				t.Fatalf("SecureDir: tightened %v, err %v; want %v, refused %v", tightened, err, tc.tightened, tc.refused)
			}
			fi, serr := os.Stat(dir)
			if serr != nil {
				t.Fatal(serr)
			}
			if !tc.refused && fi.Mode().Perm() != 0o700 {
				t.Fatalf("mode %04o after SecureDir, want 0700", fi.Mode().Perm())
			}
		})
	}
}
