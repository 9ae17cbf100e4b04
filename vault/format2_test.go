package vault

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"authdesk/vault/keychain"
)

// fakeClock is an injected clock that tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }

// payloadOf decrypts the data block of the vault file at path with the
// password and returns its JSON.
func payloadOf(t *testing.T, path string) map[string]json.RawMessage {
	t.Helper()
	b := mustRead(t, path)
	parts, err := parseFile(b)
	if err != nil {
		t.Fatal(err)
	}
	id, err := unsealIdentity(parts.keyBlock, password, maxWorkFactor)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := decryptArmored(parts.data, id, maxPayload)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(plain, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// rewritePayload replaces the data block of the vault file at path with js.
func rewritePayload(t *testing.T, path string, js []byte) {
	t.Helper()
	parts, err := parseFile(mustRead(t, path))
	if err != nil {
		t.Fatal(err)
	}
	id, err := unsealIdentity(parts.keyBlock, password, maxWorkFactor)
	if err != nil {
		t.Fatal(err)
	}
	if parts.data, err = encryptArmored(js, id.Recipient()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, parts.bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeV1 turns the vault at path into a version 1 file, as Authdesk wrote
// it before format 2: no stamps, no sort keys, no tombstones.
func writeV1(t *testing.T, path string) {
	t.Helper()
	var accts []map[string]any
	if err := json.Unmarshal(payloadOf(t, path)["accounts"], &accts); err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		delete(a, "rev")
		delete(a, "sort")
	}
	js, _ := json.Marshal(map[string]any{"version": 1, "accounts": accts})
	rewritePayload(t, path, js)
}

// TestV1OpensAndIsRewrittenAsV2: a version 1 vault opens with its order,
// is written as version 2 at the next save (even a save that keeps no
// backup, like marking a code used), and the version 1 file is kept as a
// backup that still opens.
func TestV1OpensAndIsRewrittenAsV2(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc, testAccount(1), testAccount(2), testAccount(3))
	if err := v.Move(v.Accounts()[2].ID, 0); err != nil {
		t.Fatal(err)
	}
	want := v.Accounts()
	v.Close()
	writeV1(t, path)
	before, _ := Backups(path)

	v, err := Open(path, Options{Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	got := v.Accounts()
	for i := range want {
		if got[i].ID != want[i].ID {
			t.Fatalf("account %d is %s, want %s: the v1 order is lost", i, got[i].Title(), want[i].Title())
		}
		if got[i].SortKey == "" || got[i].Stamps.Labels.Wall != want[i].Updated.UnixMilli() {
			t.Errorf("account %d not migrated: sort %q, stamps %+v", i, got[i].SortKey, got[i].Stamps)
		}
	}
	if err := v.MarkUsed(got[0].ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if string(payloadOf(t, path)["version"]) != "2" {
		t.Fatalf("after a save the payload is version %s, want 2", payloadOf(t, path)["version"])
	}
	after, _ := Backups(path)
	if len(after) != len(before)+1 {
		t.Fatalf("%d backups before the first v2 save, %d after: the v1 file was not kept", len(before), len(after))
	}
	if string(payloadOf(t, after[0])["version"]) != "1" {
		t.Errorf("the newest backup is version %s, want the v1 file", payloadOf(t, after[0])["version"])
	}
	if _, err := Unlock(after[0], password, Options{}); err != nil {
		t.Errorf("the v1 backup does not open: %v", err)
	}
}

// TestNewerFormatRefused: a file of a newer format, in the header or the
// data block, is refused with "made by a newer Authdesk", is not taken
// for damage and is left as it is.
func TestNewerFormatRefused(t *testing.T) {
	for name, change := range map[string]func(t *testing.T, path string){
		"payload version 3": func(t *testing.T, path string) {
			rewritePayload(t, path, []byte(`{"version":3,"accounts":[],"hologram":{}}`))
		},
		"header v3": func(t *testing.T, path string) {
			b := mustRead(t, path)
			b = []byte(strings.Replace(string(b), "authdesk-vault v1 ", "authdesk-vault v3 ", 1))
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			kc := &keychain.Memory{}
			v, path := newVault(t, kc, testAccount(1))
			v.Close()
			change(t, path)
			orig := mustRead(t, path)
			for how, open := range map[string]func() (*Vault, error){
				"keychain": func() (*Vault, error) { return Open(path, Options{Keychain: kc}) },
				"password": func() (*Vault, error) { return Unlock(path, password, Options{}) },
			} {
				_, err := open()
				if !errors.Is(err, ErrNewerFormat) || errors.Is(err, ErrCorrupt) {
					t.Fatalf("%s: %v, want ErrNewerFormat and not ErrCorrupt", how, err)
				}
				if !strings.Contains(err.Error(), "made by a newer Authdesk") {
					t.Errorf("%s: message %q lacks \"made by a newer Authdesk\"", how, err)
				}
			}
			if string(mustRead(t, path)) != string(orig) {
				t.Error("the newer file was changed")
			}
		})
	}
}

// TestEditsStampTheirGroup: each kind of edit stamps only the field group
// it changed, with a stamp newer than any before.
func TestEditsStampTheirGroup(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	path := t.TempDir() + "/vault.age"
	v, err := Create(path, password, Options{WorkFactor: testWF, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	added, err := v.Add(testAccount(1), testAccount(2))
	if err != nil {
		t.Fatal(err)
	}
	a := added[0]
	edits := []struct {
		name  string
		edit  func() error
		group func(Stamps) Stamp
	}{
		{"rename", func() error { b, _ := v.Account(a.ID); b.Name = "new"; return v.Update(b) }, func(s Stamps) Stamp { return s.Labels }},
		{"note", func() error { b, _ := v.Account(a.ID); b.Note = "n2"; return v.Update(b) }, func(s Stamps) Stamp { return s.Labels }},
		{"digits", func() error { b, _ := v.Account(a.ID); b.Digits = 8; return v.Update(b) }, func(s Stamps) Stamp { return s.Secret }},
		{"tags", func() error { b, _ := v.Account(a.ID); b.Tags = []string{"home"}; return v.Update(b) }, func(s Stamps) Stamp { return s.Tags }},
		{"star", func() error { return v.SetFavorite(a.ID, true) }, func(s Stamps) Stamp { return s.Favorite }},
		{"move", func() error { return v.Move(a.ID, 1) }, func(s Stamps) Stamp { return s.Order }},
	}
	for _, e := range edits {
		before, _ := v.Account(a.ID)
		if err := e.edit(); err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
		after, _ := v.Account(a.ID)
		if e.group(after.Stamps).Compare(before.Stamps.Latest()) <= 0 {
			t.Errorf("%s: its group's stamp %+v is not newer than %+v", e.name, e.group(after.Stamps), before.Stamps.Latest())
		}
		changed := 0
		for _, g := range []func(Stamps) Stamp{
			func(s Stamps) Stamp { return s.Secret }, func(s Stamps) Stamp { return s.Labels },
			func(s Stamps) Stamp { return s.Order }, func(s Stamps) Stamp { return s.Favorite },
			func(s Stamps) Stamp { return s.Tags },
		} {
			if g(after.Stamps) != g(before.Stamps) {
				changed++
			}
		}
		if changed != 1 {
			t.Errorf("%s changed %d groups' stamps, want 1", e.name, changed)
		}
	}
	if got := v.Accounts(); got[1].ID != a.ID {
		t.Errorf("after Move(…, 1) the account is not second")
	}
	if err := v.Remove(a.ID); err != nil {
		t.Fatal(err)
	}
	s := v.Snapshot()
	if len(s.Tombstones) != 1 || s.Tombstones[0].ID != a.ID {
		t.Fatalf("after Remove: tombstones %+v", s.Tombstones)
	}
	// The tombstone is forgotten TombstoneLifetime later, at the next save.
	clk.add(TombstoneLifetime + time.Hour)
	if err := v.SetFavorite(added[1].ID, true); err != nil {
		t.Fatal(err)
	}
	if s := v.Snapshot(); len(s.Tombstones) != 0 {
		t.Errorf("tombstones %d after %v, want 0", len(s.Tombstones), TombstoneLifetime)
	}
}

// TestLocalStateStaysLocal: the PIN, the device ID and last-used times are
// kept in the vault file but never in a replica, and copying a code (which
// records its use) leaves the replica as it was.
func TestLocalStateStaysLocal(t *testing.T) {
	v, _ := newVault(t, nil, testAccount(1), testAccount(2))
	defer v.Close()
	if err := v.SetPIN("1234"); err != nil {
		t.Fatal(err)
	}
	before := v.Snapshot()
	if err := v.MarkUsed(before.Accounts[0].ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	after := v.Snapshot()
	if !SameReplica(before, after) {
		t.Error("copying a code changed what the replica holds")
	}
	if after.Accounts[0].LastUsed.IsZero() {
		t.Fatal("MarkUsed did not record the use locally")
	}
	var rep []byte
	if _, err := v.Exchange(func(Key) ([]Snapshot, error) { return nil, nil }, func(k Key, s Snapshot) error {
		var err error
		rep, err = k.Encode(s)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/replica.age"
	if err := os.WriteFile(path, rep, 0o600); err != nil {
		t.Fatal(err)
	}
	p := payloadOf(t, path)
	for _, local := range []string{"pin", "device"} {
		if _, ok := p[local]; ok {
			t.Errorf("the replica holds %q", local)
		}
	}
	if strings.Contains(string(p["accounts"]), "last_used") {
		t.Error("the replica holds last-used times")
	}
	// The replica opens with the password, as a vault.
	r, err := Unlock(path, password, Options{})
	if err != nil {
		t.Fatalf("the replica does not open with the password: %v", err)
	}
	defer r.Close()
	if r.HasPIN() || len(r.Accounts()) != 2 {
		t.Errorf("replica: PIN %v, %d accounts", r.HasPIN(), len(r.Accounts()))
	}
}
