package vault

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestRerunWithOtherPasswordKeepsBackups is the attack of review point 7:
// a password change killed after re-sealing two backups with its new
// password, then run again with ANOTHER new password, deleted those two
// backups as "damaged or another vault's". They hold accounts, and nothing
// retired opens them (they are sealed with the first new password): they
// must be kept and reported.
func TestRerunWithOtherPasswordKeepsBackups(t *testing.T) {
	v, path := newVault(t, nil, testAccount(1))
	for i := 2; i <= 4; i++ {
		if _, err := v.Add(testAccount(i)); err != nil {
			t.Fatal(err)
		}
	}
	old := v.identity
	v.Close()
	before := mustBackups(t, path)
	if len(before) != 4 {
		t.Fatalf("%d backups, want 4", len(before))
	}
	killRotation(t, path, 3) // two backups re-sealed with newPassword

	u, err := Unlock(path, password, Options{WorkFactor: testWF})
	if err != nil {
		t.Fatal(err)
	}
	other := []byte("another new password")
	res, err := u.ChangePassword(password, other, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Removed) != 0 {
		t.Errorf("removed %v, want none", res.Removed)
	}
	var kept []string
	for _, k := range res.Kept {
		kept = append(kept, k.Path)
		if k.Reason != "sealed with another password" {
			t.Errorf("kept %s: reason %q", k.Path, k.Reason)
		}
	}
	// Backups are newest first: the first run began with these two.
	if want := before[:2]; !slices.Equal(sorted(kept), sorted(want)) {
		t.Errorf("kept %v, want the two the first run re-sealed %v", kept, want)
	}
	if len(res.Reencrypted) != 2 {
		t.Errorf("re-encrypted %v, want the other two", res.Reencrypted)
	}
	if got := mustBackups(t, path); !slices.Equal(got, before) {
		t.Errorf("backups after the rerun %v, want all of %v", got, before)
	}
	for _, f := range vaultFiles(t, path) {
		if why, ok := opensWith(f, password, old); ok {
			t.Errorf("%s opens with the retired password: %s", f, why)
		}
		pw := other
		if slices.Contains(kept, f) {
			pw = newPassword
		}
		if _, ok := opensWith(f, pw, nil); !ok {
			t.Errorf("%s does not open with %q", f, pw)
		}
	}
	// The kept files are listed honestly: they do not open with the key.
	list, err := u.ListBackups()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range list {
		if want := slices.Contains(kept, b.Path); (b.Accounts < 0) != want {
			t.Errorf("ListBackups: %s has %d accounts", b.Path, b.Accounts)
		}
	}
	// Restoring one takes its own password, and gives the accounts back.
	if _, err := u.Restore(kept[0]); err == nil {
		t.Error("Vault.Restore accepted a backup sealed with another password")
	}
	if _, err := RestoreBackup(path, kept[0], Options{}); err != nil {
		t.Fatal(err)
	}
	if r, err := Unlock(path, newPassword, Options{WorkFactor: testWF}); err != nil || len(r.Accounts()) == 0 {
		t.Errorf("the restored backup does not open with its password: %v", err)
	}
}

// TestChangePasswordKeepsWhatItCannotOpen: a file beside the vault that
// nothing retired opens is kept as it is; one that the retired password
// opens moves to the new one, even if it is another vault's.
func TestChangePasswordKeepsWhatItCannotOpen(t *testing.T) {
	other := func(t *testing.T, pw []byte) []byte {
		_, p := newVault(t, nil, testAccount(9))
		u, err := Unlock(p, password, Options{WorkFactor: testWF})
		if err != nil {
			t.Fatal(err)
		}
		if string(pw) != string(password) {
			if _, err := u.ChangePassword(password, pw, nil); err != nil {
				t.Fatal(err)
			}
		}
		return mustRead(t, p)
	}
	tests := []struct {
		name    string
		file    func(t *testing.T) []byte
		kept    string // the reason given; "" when re-encrypted
		opensBy []byte // the password that opens it afterwards, nil for none
	}{
		{"junk", func(*testing.T) []byte { return []byte("junk\n") }, "damaged: not an Authdesk vault (first line is not \"authdesk-vault v1 id=…\")", nil},
		{"another vault, another password", func(t *testing.T) []byte { return other(t, []byte("unrelated")) }, "sealed with another password", []byte("unrelated")},
		{"another vault, the retired password", func(t *testing.T) []byte { return other(t, password) }, "", newPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, path := newVault(t, nil, testAccount(1))
			old := v.identity
			f := path + ".damaged-20300101T000000Z"
			if err := os.WriteFile(f, tt.file(t), 0o600); err != nil {
				t.Fatal(err)
			}
			res, err := v.ChangePassword(password, newPassword, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(f); errors.Is(err, os.ErrNotExist) {
				t.Fatalf("%s was deleted (removed %v)", filepath.Base(f), res.Removed)
			}
			switch {
			case tt.kept == "" && !slices.Contains(res.Reencrypted, f):
				t.Errorf("re-encrypted %v, want %s", res.Reencrypted, f)
			case tt.kept != "" && (len(res.Kept) != 1 || res.Kept[0] != KeptFile{Path: f, Reason: tt.kept}):
				t.Errorf("kept %+v, want %s: %s", res.Kept, f, tt.kept)
			}
			if why, ok := opensWith(f, password, old); ok {
				t.Errorf("it opens with the retired password: %s", why)
			}
			if tt.opensBy != nil {
				if _, ok := opensWith(f, tt.opensBy, nil); !ok {
					t.Errorf("it does not open with %q", tt.opensBy)
				}
			}
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
