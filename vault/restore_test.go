package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"authdesk/vault/keychain"
)

// TestRestoreSameSecondKeepsEveryFile is the attack of review point 8: two
// restores within one second named their set-aside files alike, and the
// link of the second failed with "file exists", silently: the version it
// replaced was lost and the name returned held the first one's. The time
// comes from the vault's clock, which here stands still.
func TestRestoreSameSecondKeepsEveryFile(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc, testAccount(1))
	for i := 2; i <= 4; i++ {
		if _, err := v.Add(testAccount(i)); err != nil {
			t.Fatal(err)
		}
	}
	v.Close()
	at := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	opts := Options{Keychain: kc, Now: func() time.Time { return at }}
	v, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	backups := mustBackups(t, path)
	restores := []func(backup string) (string, error){
		v.Restore,
		v.Restore,
		func(b string) (string, error) { return RestoreBackup(path, b, opts) },
	}
	kept := map[string]bool{}
	for i, restore := range restores {
		replaced := mustRead(t, path)
		k, err := restore(backups[i])
		if err != nil {
			t.Fatalf("restore %d: %v", i+1, err)
		}
		if !strings.HasPrefix(k, path+".replaced-20310506T070809Z") {
			t.Errorf("restore %d kept %s, want %s.replaced- and the vault's clock", i+1, k, path)
		}
		if kept[k] {
			t.Errorf("restore %d reused the name %s", i+1, k)
		}
		kept[k] = true
		if got := mustRead(t, k); !bytes.Equal(got, replaced) {
			t.Errorf("restore %d: %s does not hold the version it replaced", i+1, k)
		}
	}
	if got := setAside(path); len(got) != len(restores) {
		t.Errorf("set-aside files %v, want %d", got, len(restores))
	}
}

// TestRestoreNamesTheReplacedFile: "damaged-" only for a file that is not a
// well-formed vault or does not open with the vault's key; a healthy one is
// "replaced-". Either is re-encrypted by ChangePassword.
func TestRestoreNamesTheReplacedFile(t *testing.T) {
	tests := []struct {
		name    string
		current func(t *testing.T, path string) // what the vault file is before the restore
		kind    string
		removed bool // ChangePassword deletes it: damaged, and the retired key opens it
	}{
		{"healthy", func(*testing.T, string) {}, ".replaced-", false},
		{"junk", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("junk"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, ".damaged-", false},
		{"data flipped", func(t *testing.T, path string) {
			b := mustRead(t, path)
			i := bytes.LastIndex(b, []byte("-----END")) - 10
			b[i] ^= 1
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, ".damaged-", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kc := &keychain.Memory{}
			v, path := newVault(t, kc, testAccount(1), testAccount(2))
			old := v.identity
			v.Close()
			tt.current(t, path)
			kept, err := RestoreBackup(path, mustBackups(t, path)[0], Options{Keychain: kc})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(kept, path+tt.kind) {
				t.Errorf("kept %s, want %s%s…", kept, path, tt.kind)
			}
			u, err := Unlock(path, password, Options{Keychain: kc, WorkFactor: testWF})
			if err != nil {
				t.Fatal(err)
			}
			res, err := u.ChangePassword(password, newPassword, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, statErr := os.Stat(kept)
			if gone := errors.Is(statErr, os.ErrNotExist); gone != tt.removed {
				t.Errorf("after the password change %s exists: %v (removed %v, kept %v)", kept, !gone, res.Removed, res.Kept)
			}
			if why, ok := opensWith(kept, password, old); ok {
				t.Errorf("%s opens with the retired password: %s", kept, why)
			}
			if tt.kind == ".replaced-" {
				if _, ok := opensWith(kept, newPassword, nil); !ok {
					t.Errorf("%s was not re-encrypted", kept)
				}
			}
		})
	}
}

// TestKeepAside: the set-aside file never replaces another, and the copy
// made where hard links fail is a complete private file.
func TestKeepAside(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "vault.age")
	if err := os.WriteFile(src, []byte("version 1"), 0o600); err != nil {
		t.Fatal(err)
	}
	name := src + ".replaced-x"
	for _, want := range []string{name, name + "-2", name + "-3"} {
		got, err := keepAside(src, name)
		if err != nil || got != want {
			t.Fatalf("keepAside: %q %v, want %q", got, err, want)
		}
	}
	dst := filepath.Join(dir, "copy")
	if err := copyExclusive(src, dst); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dst)
	if err != nil || string(mustRead(t, dst)) != "version 1" {
		t.Errorf("copy: %v", err)
	} else if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("copy has mode %v, want 0600", fi.Mode().Perm())
	}
	if err := copyExclusive(src, dst); !errors.Is(err, os.ErrExist) {
		t.Errorf("copy over an existing file: %v, want os.ErrExist", err)
	}
}
