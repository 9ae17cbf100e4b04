package vault

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"

	"authdesk/vault/keychain"
)

// requireKeyring skips unless a session bus is there, except under
// AUTHDESK_REQUIRE_DESKTOP=1, where its absence fails the test.
func requireKeyring(t testing.TB) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return
	}
	if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
		t.Fatal("no D-Bus session bus but AUTHDESK_REQUIRE_DESKTOP=1: run under .ci/desktop-session")
	}
	t.Skip("no D-Bus session bus; run under .ci/desktop-session for the real keyring")
}

// TestSystemKeychain runs the whole keychain path against the real Secret
// Service: Create stores the key, Open needs no password, deleting the entry
// brings the password back, and Unlock stores the key again.
func TestSystemKeychain(t *testing.T) {
	requireKeyring(t)
	kc := keychain.System{}
	path := filepath.Join(t.TempDir(), "vault.age")
	v, err := Create(path, password, Options{Keychain: kc, WorkFactor: testWF})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kc.Delete(v.ID()) })
	if err := v.KeychainError(); err != nil {
		t.Fatalf("the real keychain did not take the key: %v", err)
	}
	if _, err := v.Add(testAccount(1)); err != nil {
		t.Fatal(err)
	}
	o, err := Open(path, Options{Keychain: kc})
	if err != nil || len(o.Accounts()) != 1 {
		t.Fatalf("Open with the keychain: %v", err)
	}
	secret, err := kc.Get(v.ID())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := age.ParseX25519Identity(secret); err != nil {
		t.Fatalf("the keychain holds %d bytes that are not an age identity", len(secret))
	}
	if err := kc.Delete(v.ID()); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{Keychain: kc}); !errors.Is(err, ErrNeedPassword) || !errors.Is(err, keychain.ErrNotFound) {
		t.Fatalf("Open after the entry was deleted: %v", err)
	}
	u, err := Unlock(path, password, Options{Keychain: kc})
	if err != nil || u.KeychainError() != nil {
		t.Fatalf("Unlock: %v, keychain: %v", err, u.KeychainError())
	}
	if _, err := Open(path, Options{Keychain: kc}); err != nil {
		t.Fatalf("Open after Unlock restored the key: %v", err)
	}
}

func bench1000(b *testing.B, kc Keychain) string {
	b.Helper()
	var accts []Account
	for i := range 1000 {
		accts = append(accts, testAccount(i))
	}
	path := filepath.Join(b.TempDir(), "vault.age")
	v, err := Create(path, password, Options{Keychain: kc, WorkFactor: testWF})
	if err != nil {
		b.Fatal(err)
	}
	if err := v.KeychainError(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { kc.Delete(v.ID()) })
	if _, err := v.Add(accts...); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkOpen1000 opens a 1,000-account vault with the key from an
// in-memory keychain: file read, X25519 unwrap, decryption, JSON.
func BenchmarkOpen1000(b *testing.B) {
	path := bench1000(b, &keychain.Memory{})
	kc := &keychain.Memory{}
	v, _ := Unlock(path, password, Options{Keychain: kc})
	_ = v
	b.ResetTimer()
	for b.Loop() {
		v, err := Open(path, Options{Keychain: kc})
		if err != nil || len(v.Accounts()) != 1000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen1000SystemKeychain is BenchmarkOpen1000 with the real Secret
// Service round trip included.
func BenchmarkOpen1000SystemKeychain(b *testing.B) {
	requireKeyring(b)
	kc := keychain.System{}
	path := bench1000(b, kc)
	b.ResetTimer()
	for b.Loop() {
		v, err := Open(path, Options{Keychain: kc})
		if err != nil || len(v.Accounts()) != 1000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkSave1000 changes one account of a 1,000-account vault: lock,
// reread check, encryption, write, fsync, backup link, rename, dir fsync.
func BenchmarkSave1000(b *testing.B) {
	kc := &keychain.Memory{}
	path := bench1000(b, kc)
	v, err := Open(path, Options{Keychain: kc})
	if err != nil {
		b.Fatal(err)
	}
	a := v.Accounts()[500]
	b.ResetTimer()
	for b.Loop() {
		a.Counter++
		if err := v.Update(a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnlockDefaultWorkFactor is the password path at scrypt 2^18.
func BenchmarkUnlockDefaultWorkFactor(b *testing.B) {
	path := filepath.Join(b.TempDir(), "vault.age")
	if _, err := Create(path, password, Options{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Unlock(path, password, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSealPayload1000 is the CPU part of a save: JSON encoding and
// encryption of 1,000 accounts, without the file system.
func BenchmarkSealPayload1000(b *testing.B) {
	id, _ := age.GenerateX25519Identity()
	var accts []Account
	for i := range 1000 {
		accts = append(accts, testAccount(i).WithDefaults())
	}
	for b.Loop() {
		if _, err := encryptPayload(payload{Accounts: accts}, id.Recipient()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChangePassword is a password change of a 100-account vault,
// with no backup and with the ten kept backups that it re-encrypts: at the
// default work factor (two scrypt 2^18 derivations: checking the current
// password, sealing the new key), and at 2^10, where the difference between
// the two is what the backups cost.
func BenchmarkChangePassword(b *testing.B) {
	for _, c := range []struct{ wf, backups int }{{0, 0}, {0, keepBackups}, {10, 0}, {10, keepBackups}} {
		name := fmt.Sprintf("wf=%d/backups=%d", c.wf, c.backups)
		if c.wf == 0 {
			name = fmt.Sprintf("wf=%d/backups=%d", DefaultWorkFactor, c.backups)
		}
		backups := c.backups
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "vault.age")
			v, err := Create(path, password, Options{WorkFactor: c.wf})
			if err != nil {
				b.Fatal(err)
			}
			var accts []Account
			for i := range 100 {
				accts = append(accts, testAccount(i))
			}
			if _, err := v.Add(accts...); err != nil {
				b.Fatal(err)
			}
			os.RemoveAll(BackupDir(path))
			for range backups { // each save keeps the version it replaces
				a := v.Accounts()[0]
				a.Note = "x" + a.Note
				if err := v.Update(a); err != nil {
					b.Fatal(err)
				}
			}
			if n, _ := Backups(path); len(n) != backups {
				b.Fatalf("%d backups, want %d", len(n), backups)
			}
			cur, next := password, newPassword
			for b.Loop() {
				res, err := v.ChangePassword(cur, next, nil)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Reencrypted) != backups {
					b.Fatalf("re-encrypted %d backups, want %d", len(res.Reencrypted), backups)
				}
				cur, next = next, cur
			}
		})
	}
}
