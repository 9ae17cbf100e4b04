package follow

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"authdesk/vault"
	"authdesk/vault/keychain"
	"authdesk/vault/transfer"
)

func pass(s string) func() ([]byte, error) {
	return func() ([]byte, error) { return []byte(s), nil }
}

func TestParse(t *testing.T) {
	truncated := readFixture(t, "aegis-backup-20261201-080000.json")
	badSecret := aegisPlain([]phoneEntry{{UUID: "u1", Issuer: "X", Name: "y", Secret: "not base32 !!"}})
	for _, tc := range []struct {
		name, file string
		data       []byte
		pw         func() ([]byte, error)
		format     transfer.Format
		issuers    []string
		err        error
	}{
		{name: "aegis plain", file: "aegis-backup-20261201-080000.json", format: transfer.Aegis, issuers: []string{"Forge", "Mailbox", "Bank"}},
		{name: "2fas plain", file: "first.2fas", format: transfer.TwoFAS, issuers: []string{"Forge", "Mailbox", "Bank"}},
		{name: "2fas encrypted", file: "second-encrypted.2fas", pw: pass("phone pass"), format: transfer.TwoFAS, issuers: []string{"Forge", "Mailbox", "Chat"}},
		{name: "2fas wrong password", file: "second-encrypted.2fas", pw: pass("guess"), err: transfer.ErrWrongPassword},
		{name: "2fas no password", file: "second-encrypted.2fas", err: transfer.ErrPasswordRequired},
		{name: "truncated", data: truncated[:len(truncated)/2], err: transfer.ErrMalformed},
		{name: "truncated inside an entry", data: truncated[:len(truncated)-40], err: transfer.ErrMalformed},
		{name: "bad secret", data: badSecret, err: transfer.ErrMalformed},
		{name: "not a phone backup", data: []byte("otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP\n"), err: transfer.ErrUnknownFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data
			if tc.file != "" {
				data = readFixture(t, tc.file)
			}
			b, err := Parse("aegis-backup-x.json", data, tc.pw)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range b.Entries {
				got = append(got, e.Account.Issuer)
				if e.Account.ID != AccountID(e.Key) || !strings.HasPrefix(e.Key, string(tc.format)[:3]) && tc.format != transfer.TwoFAS {
					t.Errorf("entry %s: key %q, ID %q", e.Account.Issuer, e.Key, e.Account.ID)
				}
			}
			if b.Format != tc.format || !slices.Equal(got, tc.issuers) {
				t.Errorf("format %s, issuers %v; want %s, %v", b.Format, got, tc.format, tc.issuers)
			}
		})
	}
}

// TestParseKeysAcrossFormats: an Aegis entry is known by its uuid; a 2FAS
// one, which has none, by its secret, whatever its labels.
func TestParseKeysAcrossFormats(t *testing.T) {
	a1, _ := Parse("a", readFixture(t, "aegis-backup-20261201-080000.json"), nil)
	a2, _ := Parse("a", readFixture(t, "aegis-backup-20261202-080000.json"), nil)
	if a1.Entries[1].Key != a2.Entries[1].Key || a1.Entries[1].Key != "aegis:0c9a3e1e-1111-4c4c-9a9a-000000000002" {
		t.Errorf("Aegis keys %q, %q", a1.Entries[1].Key, a2.Entries[1].Key)
	}
	f1, _ := Parse("f", readFixture(t, "first.2fas"), nil)
	f2, err := Parse("f", readFixture(t, "second-encrypted.2fas"), pass("phone pass"))
	if err != nil {
		t.Fatal(err)
	}
	if f1.Entries[1].Key != f2.Entries[1].Key || f1.Entries[0].Key == f1.Entries[1].Key || strings.Contains(f1.Entries[1].Key, secretN(2)) {
		t.Errorf("2FAS keys %q, %q", f1.Entries[1].Key, f2.Entries[1].Key)
	}
}

func TestNewest(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	base := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	files := []struct {
		name string
		age  time.Duration
	}{
		{"aegis-backup-20261201-080000.json", 2 * time.Hour},
		{"aegis-backup-20261202-080000.json", time.Hour},
		{".aegis-backup-20261203-080000.json.tmp", 0}, // the app writing
		{".syncthing.aegis-backup-20261203-080000.json.tmp", 0},
		{"aegis-backup-20261203-080000.json.part", 0},
		{"aegis-backup-20261203-080000.json~", 0},
		{"notes.json", 0},
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, base.Add(-f.age), base.Add(-f.age)); err != nil {
			t.Fatal(err)
		}
	}
	// A link to a file outside the folder is not a backup, however new.
	if err := os.WriteFile(filepath.Join(outside, "secret.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.json"), filepath.Join(dir, "aegis-backup-20261209-080000.json")); err != nil {
		t.Fatal(err)
	}
	got, err := Newest(dir)
	if err != nil || got != "aegis-backup-20261202-080000.json" {
		t.Fatalf("Newest = %q, %v", got, err)
	}
	if _, err := ReadBackup(dir, "aegis-backup-20261209-080000.json", nil); !errors.Is(err, ErrNotRegular) {
		t.Errorf("ReadBackup of a symlink: %v, want ErrNotRegular", err)
	}
	if _, err := ReadBackup(dir, "../x/aegis-backup-1.json", nil); err == nil {
		t.Error("ReadBackup read a path outside the folder")
	}
	if _, err := Newest(t.TempDir()); !errors.Is(err, ErrNoBackup) {
		t.Errorf("empty folder: %v", err)
	}
}

func TestReadBackupTooLarge(t *testing.T) {
	dir := t.TempDir()
	name := "aegis-backup-20261201-080000.json"
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(transfer.MaxSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := ReadBackup(dir, name, nil); !errors.Is(err, transfer.ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}

// newVault is a vault in a temporary folder, its key in a memory keychain.
func newVault(t testing.TB) *vault.Vault {
	t.Helper()
	v, err := vault.Create(filepath.Join(t.TempDir(), "vault.age"), []byte("correct horse"), vault.Options{WorkFactor: 10, Keychain: &keychain.Memory{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// follower applies backups to a vault, as authdesk-cli follow --apply.
type follower struct {
	t     testing.TB
	v     *vault.Vault
	dir   string
	state string
}

func newFollower(t testing.TB) *follower {
	v := newVault(t)
	return &follower{t: t, v: v, dir: t.TempDir(), state: StatePath(v.Path())}
}

// diff compares backup b with the state.
func (f *follower) diff(b *Backup) Diff {
	f.t.Helper()
	st, err := LoadState(f.state)
	if err != nil {
		f.t.Fatal(err)
	}
	return Compare(st, f.dir, b, f.v.Accounts())
}

func (f *follower) apply(b *Backup) (Diff, vault.MergeReport) {
	f.t.Helper()
	d := f.diff(b)
	rep, _, err := Apply(f.v, d, f.state)
	if err != nil {
		f.t.Fatal(err)
	}
	return d, rep
}

func mustParse(t testing.TB, name string, data []byte, pw func() ([]byte, error)) *Backup {
	t.Helper()
	b, err := Parse(name, data, pw)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDiffAndApply(t *testing.T) {
	for _, tc := range []struct {
		name          string
		first, second []byte
	}{
		{"aegis", readFixture(t, "aegis-backup-20261201-080000.json"), readFixture(t, "aegis-backup-20261202-080000.json")},
		{"2fas", readFixture(t, "first.2fas"), readFixture(t, "second-encrypted.2fas")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFollower(t)
			desk, err := f.v.Add(vault.Account{Issuer: "Desk", Name: "made here", Secret: []byte("0123456789abcdef0123"), Type: vault.TOTP})
			if err != nil {
				t.Fatal(err)
			}
			d, rep := f.apply(mustParse(t, "one", tc.first, nil))
			if d.Summary() != "new 3, changed 0, removed 0" || len(rep.Added) != 3 {
				t.Fatalf("first: %s, report %+v", d.Summary(), rep)
			}
			second := mustParse(t, "two", tc.second, pass("phone pass"))
			d = f.diff(second)
			if d.Summary() != "new 1, changed 1, removed 1" || d.New[0].Account.Issuer != "Chat" || d.Changed[0].Account.Name != "ana.b" || !slices.Equal(d.Removed, []string{"Bank (ana)"}) {
				t.Fatalf("second: %s %v", d.Summary(), d)
			}
			d, rep = f.apply(second)
			if !slices.Equal(rep.Added, []string{"Chat (ana)"}) || !slices.Equal(rep.Changed, []string{"Mailbox (ana.b)"}) || !slices.Equal(rep.Removed, []string{"Bank (ana)"}) {
				t.Errorf("second applied: %+v", rep)
			}
			if d2 := f.diff(second); !d2.Empty() {
				t.Errorf("the same backup again: %s", d2.Summary())
			}
			// The desktop's own account is untouched.
			if a, ok := f.v.Account(desk[0].ID); !ok || a.Issuer != "Desk" {
				t.Errorf("the desktop-made account: %+v, %v", a, ok)
			}
			if n := len(f.v.Accounts()); n != 4 {
				t.Errorf("%d accounts, want 4", n)
			}
		})
	}
}

// TestApplyTwiceIsOnce: applying a diff again, even with a state that was
// lost, changes nothing.
func TestApplyTwiceIsOnce(t *testing.T) {
	f := newFollower(t)
	b := mustParse(t, "one", readFixture(t, "aegis-backup-20261201-080000.json"), nil)
	d := f.diff(b)
	if _, _, err := Apply(f.v, d, f.state); err != nil {
		t.Fatal(err)
	}
	before := f.v.Accounts()
	rep, _, err := Apply(f.v, d, f.state)
	if err != nil || !rep.Empty() {
		t.Fatalf("second Apply: %+v, %v", rep, err)
	}
	os.Remove(f.state) // lost: everything shows as new, and applying matches
	d, rep = f.apply(b)
	if len(d.New) != 3 || !rep.Empty() || !slices.EqualFunc(before, f.v.Accounts(), sameAccount) {
		t.Errorf("after losing the state: %s, %+v", d.Summary(), rep)
	}
}

// TestCollisionWithDesktopAccounts: a phone entry with the secret of an
// account made on the desktop is not added twice, and its removal on the
// phone never removes the desktop's account.
func TestCollisionWithDesktopAccounts(t *testing.T) {
	f := newFollower(t)
	sec, _ := vault.DecodeSecret(secretN(2))
	desk, err := f.v.Add(vault.Account{Issuer: "Mailbox", Name: "typed in", Secret: sec, Type: vault.TOTP})
	if err != nil {
		t.Fatal(err)
	}
	b := mustParse(t, "one", readFixture(t, "aegis-backup-20261201-080000.json"), nil)
	d := f.diff(b)
	_, notes := d.Changes(f.v.Accounts())
	if len(notes) != 1 || !strings.Contains(notes[0], "typed in") {
		t.Errorf("notes %q", notes)
	}
	f.apply(b)
	if n := len(f.v.Accounts()); n != 3 {
		t.Errorf("%d accounts, want 3 (Mailbox once)", n)
	}
	// The phone drops everything.
	_, rep := f.apply(mustParse(t, "empty", aegisPlain(nil), nil))
	if len(rep.Removed) != 2 {
		t.Errorf("removed %v, want the two accounts made from the phone", rep.Removed)
	}
	if _, ok := f.v.Account(desk[0].ID); !ok {
		t.Error("the desktop-made account was removed")
	}
}

// TestRandomHistories: over random sequences of phone backups, applying
// each once or twice ends the same, the vault holds exactly the last
// backup's entries plus the desktop's own accounts, and the desktop's own
// accounts are never changed.
func TestRandomHistories(t *testing.T) {
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(seed, 7))
		once, twice := newFollower(t), newFollower(t)
		desk := vault.Account{Issuer: "Desk", Name: "own", Secret: []byte("desktop secret 0123456"), Type: vault.TOTP}
		for _, f := range []*follower{once, twice} {
			if _, err := f.v.Add(desk); err != nil {
				t.Fatal(err)
			}
		}
		phone := map[int]phoneEntry{}
		for step := range 8 {
			for range 1 + rng.IntN(4) {
				n := rng.IntN(12)
				switch rng.IntN(3) {
				case 0:
					delete(phone, n)
				default:
					phone[n] = phoneEntry{UUID: "uuid-" + string(rune('a'+n)), Issuer: "Svc" + string(rune('A'+n)), Name: "v" + string(rune('0'+rng.IntN(3))), Secret: secretN(n)}
				}
			}
			var entries []phoneEntry
			for n := range 12 {
				if e, ok := phone[n]; ok {
					entries = append(entries, e)
				}
			}
			b := mustParse(t, "b", aegisPlain(entries), nil)
			once.apply(b)
			twice.apply(b)
			twice.apply(b)
			got := titlesOf(once.v.Accounts())
			want := []string{"Desk (own)"}
			for _, e := range entries {
				want = append(want, e.Issuer+" ("+e.Name+")")
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("seed %d step %d: %v, want %v", seed, step, got, want)
			}
			if !slices.EqualFunc(once.v.Accounts(), twice.v.Accounts(), sameAccount) {
				t.Fatalf("seed %d step %d: applying twice differs from once", seed, step)
			}
		}
	}
}

func titlesOf(accts []vault.Account) []string {
	var s []string
	for _, a := range accts {
		s = append(s, a.Title())
	}
	slices.Sort(s)
	return s
}

// sameAccount compares what the phone and the user see, not the
// bookkeeping: IDs of phone accounts are derived, so they match too.
func sameAccount(a, b vault.Account) bool {
	if a.Issuer == "Desk" {
		a.ID, b.ID = "", ""
	}
	return a.ID == b.ID && a.Title() == b.Title() && bytes.Equal(a.Secret, b.Secret) && a.Counter == b.Counter && a.Note == b.Note
}

func TestStateHoldsNoSecretOrName(t *testing.T) {
	f := newFollower(t)
	f.apply(mustParse(t, "one", readFixture(t, "aegis-backup-20261201-080000.json"), nil))
	b, err := os.ReadFile(f.state)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(f.state)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state mode %v", fi.Mode().Perm())
	}
	for _, s := range []string{secretN(1), "Forge", "ana", "0c9a3e1e", AccountID("aegis:0c9a3e1e-1111-4c4c-9a9a-000000000001")} {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("the state file holds %q", s)
		}
	}
	if err := os.WriteFile(f.state, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadState(f.state); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged state: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, b := range fixtures() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse("aegis-backup-f.json", data, pass("phone pass"))
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, e := range b.Entries {
			if seen[e.Key] || e.Account.ID != AccountID(e.Key) {
				t.Fatalf("entry %q repeated or with ID %q", e.Key, e.Account.ID)
			}
			seen[e.Key] = true
			if err := e.Account.Validate(); err != nil {
				t.Fatalf("invalid account from %q: %v", e.Key, err)
			}
		}
	})
}

// TestSwitchingApps: entries that leave one app's backups and come back
// in another's (other keys, the same secrets) are replaced, not lost as
// duplicates of the accounts being removed.
func TestSwitchingApps(t *testing.T) {
	f := newFollower(t)
	f.apply(mustParse(t, "a", readFixture(t, "aegis-backup-20261202-080000.json"), nil))
	d, rep := f.apply(mustParse(t, "f", readFixture(t, "second-encrypted.2fas"), pass("phone pass")))
	if d.Summary() != "new 3, changed 0, removed 3" || len(rep.Added) != 3 || len(rep.Removed) != 3 {
		t.Fatalf("%s, %+v", d.Summary(), rep)
	}
	if got := titlesOf(f.v.Accounts()); !slices.Equal(got, []string{"Chat (ana)", "Forge (ana@example.org)", "Mailbox (ana.b)"}) {
		t.Errorf("accounts %v", got)
	}
}
