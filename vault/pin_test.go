package vault

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"authdesk/vault/keychain"
)

func TestValidatePIN(t *testing.T) {
	for _, tc := range []struct {
		pin string
		ok  bool
	}{
		{"1234", true}, {"0000000000", true}, {"123", false}, {"12345678901", false}, {"", false},
		{"12a4", false}, {"１２３４", false}, {"12 34", false}, {"-123", false},
	} {
		if err := ValidatePIN(tc.pin); (err == nil) != tc.ok {
			t.Errorf("ValidatePIN(%q) = %v, want ok=%v", tc.pin, err, tc.ok)
		}
	}
}

// TestPIN: the PIN is set, checked, kept through every way the file is
// rewritten (another instance's change, a password change) and removed;
// setting it keeps no backup.
func TestPIN(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc, testAccount(1))
	defer v.Close()
	if v.HasPIN() || !errors.Is(v.CheckPIN("1234"), ErrNoPIN) {
		t.Fatal("a new vault has a PIN")
	}
	if err := v.SetPIN("12a4"); err == nil {
		t.Fatal("SetPIN took letters")
	}
	before, _ := Backups(path)
	if err := v.SetPIN("246810"); err != nil {
		t.Fatal(err)
	}
	if after, _ := Backups(path); len(after) != len(before) {
		t.Errorf("SetPIN kept a backup")
	}
	for pin, want := range map[string]error{"246810": nil, "246811": ErrWrongPIN, "24681": ErrWrongPIN, "": ErrWrongPIN, "2468100": ErrWrongPIN} {
		if err := v.CheckPIN(pin); !errors.Is(err, want) || (want == nil && err != nil) {
			t.Errorf("CheckPIN(%q) = %v, want %v", pin, err, want)
		}
	}
	// Another instance adds an account: the PIN survives its save.
	v2, err := Open(path, Options{Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v2.Add(testAccount(2)); err != nil {
		t.Fatal(err)
	}
	v2.Close()
	if _, err := v.Add(testAccount(3)); err != nil {
		t.Fatal(err)
	}
	if _, err := v.ChangePassword(password, []byte("new password"), nil); err != nil {
		t.Fatal(err)
	}
	v3, err := Unlock(path, []byte("new password"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(v3.Accounts()) != 3 || v3.CheckPIN("246810") != nil {
		t.Fatalf("after another instance's save and a password change: %d accounts, PIN %v", len(v3.Accounts()), v3.CheckPIN("246810"))
	}
	if err := v3.RemovePIN(); err != nil {
		t.Fatal(err)
	}
	v3.Close()
	if _, err := v.Reload(); err != nil || v.HasPIN() {
		t.Errorf("removed elsewhere, still set here (%v)", err)
	}
	if err := v.CheckPIN("246810"); !errors.Is(err, ErrNoPIN) {
		t.Errorf("CheckPIN after RemovePIN = %v", err)
	}
}

// oldPayload is the data block as Authdesk wrote it before the PIN.
type oldPayload struct {
	Version  int       `json:"version"`
	Accounts []Account `json:"accounts"`
}

// TestPINAcrossVersions: a vault of an Authdesk without the PIN opens. (An
// Authdesk with the PIN but before format 2 opened a vault with a PIN and
// dropped the PIN by saving; format 2 files it refuses, see
// TestNewerFormatRefused.)
func TestPINAcrossVersions(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc, testAccount(1), testAccount(2))
	if err := v.SetPIN("1234"); err != nil {
		t.Fatal(err)
	}
	want := v.Accounts()
	v.Close()

	b, _ := readFile(path)
	parts, _ := parseFile(b)
	id, err := unsealIdentity(parts.keyBlock, password, maxWorkFactor)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := decryptArmored(parts.data, id, maxPayload)
	if err != nil {
		t.Fatal(err)
	}
	// What an Authdesk without the PIN wrote: version 1, no PIN.
	var old oldPayload
	if err := json.Unmarshal(plain, &old); err != nil || len(old.Accounts) != 2 {
		t.Fatalf("decode the payload: %d accounts, %v", len(old.Accounts), err)
	}
	old.Version = 1
	// ... and its save, with its own payload.
	js, _ := json.Marshal(old)
	data, err := encryptArmored(js, id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(path, fileParts{id: parts.id, keyBlock: parts.keyBlock, data: data}.bytes(), true, v.opts.now(), nil); err != nil {
		t.Fatal(err)
	}
	for name, open := range map[string]func() (*Vault, error){
		"keychain": func() (*Vault, error) { return Open(path, Options{Keychain: kc}) },
		"password": func() (*Vault, error) { return Unlock(path, password, Options{}) },
	} {
		v, err := open()
		if err != nil {
			t.Fatalf("%s: the older version's file does not open: %v", name, err)
		}
		if v.HasPIN() || !slices.EqualFunc(v.Accounts(), want, accountsEqual) {
			t.Errorf("%s: PIN %v, accounts equal %v", name, v.HasPIN(), slices.EqualFunc(v.Accounts(), want, accountsEqual))
		}
		v.Close()
	}
}

// TestPINHostileCosts: a stored hash with costs this package never writes
// (a planted or damaged file) is ignored, not run: the accounts open and
// the password stays the way in.
func TestPINHostileCosts(t *testing.T) {
	for _, c := range []pinCost{{Time: 1, MemoryKiB: 1 << 30, Threads: 1}, {Time: 1 << 20, MemoryKiB: 64, Threads: 1},
		{Time: 1, MemoryKiB: 64, Threads: 0}, {Time: 0, MemoryKiB: 64, Threads: 1}} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			kc := &keychain.Memory{}
			v, path := newVault(t, kc, testAccount(1))
			h, err := newPINHash("1234", pinCost{Time: 1, MemoryKiB: 64, Threads: 1})
			if err != nil {
				t.Fatal(err)
			}
			h.pinCost = c
			if err := v.savePIN(h); err != nil {
				t.Fatal(err)
			}
			v.Close()
			v, err = Open(path, Options{Keychain: kc})
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			if len(v.Accounts()) != 1 || v.HasPIN() {
				t.Errorf("%d accounts, PIN %v; want 1, none", len(v.Accounts()), v.HasPIN())
			}
		})
	}
}

// TestCloseWipes: Close zeroes the decrypted secrets and the PIN hash.
func TestCloseWipes(t *testing.T) {
	v, _ := newVault(t, &keychain.Memory{}, testAccount(1))
	if err := v.SetPIN("1234"); err != nil {
		t.Fatal(err)
	}
	secret, hash := v.accounts[0].Secret, v.pin.Hash
	v.Close()
	for name, b := range map[string][]byte{"secret": secret, "PIN hash": hash} {
		if slices.ContainsFunc(b, func(c byte) bool { return c != 0 }) {
			t.Errorf("the %s is still in memory after Close", name)
		}
	}
}

// BenchmarkCheckPIN is one quick-unlock PIN check at the real Argon2id
// costs (pinParams); the target is 300 ms.
//
//	go test -run '^$' -bench CheckPIN -benchtime 20x ./vault/
func BenchmarkCheckPIN(b *testing.B) {
	v, _ := newVault(b, &keychain.Memory{})
	defer v.Close()
	if err := v.SetPIN("246810"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := v.CheckPIN("246810"); err != nil {
			b.Fatal(err)
		}
	}
}
