package vault

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"authdesk/vault/keychain"

	"filippo.io/age"
)

var newPassword = []byte("a brand new password")

// vaultFiles returns every regular file in the vault's folder, backups
// included, except the lock file (which is empty).
func vaultFiles(t *testing.T, path string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Dir(path), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && !strings.HasSuffix(p, ".lock") {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// opensWith reports whether the vault file f yields any accounts to the
// password (through its key block) or to the identity (directly).
func opensWith(f string, pw []byte, id *age.X25519Identity) (string, bool) {
	b, err := os.ReadFile(f)
	if err != nil {
		return "", false
	}
	p, err := parseFile(b)
	if err != nil {
		return "", false
	}
	if pw != nil {
		if kid, err := unsealIdentity(p.keyBlock, pw, maxWorkFactor); err == nil {
			return "its key block opens with the password", true
		} else if id == nil {
			return "", false
		} else if kid != nil {
			id = kid
		}
	}
	if id != nil {
		if content, err := decryptPayload(p.data, id); err == nil {
			return fmt.Sprintf("the retired key decrypts its %d accounts", len(content.Accounts)), true
		}
	}
	return "", false
}

// retiredVault makes a vault with a history: several saves (so backups), a
// file set aside by RestoreBackup, a damaged backup. It returns the vault,
// its path and the key that the password change must retire.
func retiredVault(t *testing.T, kc Keychain) (*Vault, string, *age.X25519Identity) {
	t.Helper()
	v, path := newVault(t, kc, testAccount(1))
	for i := 2; i <= 4; i++ {
		if _, err := v.Add(testAccount(i)); err != nil {
			t.Fatal(err)
		}
	}
	backups, err := Backups(path)
	if err != nil || len(backups) < 3 {
		t.Fatalf("backups: %v %v", backups, err)
	}
	if _, err := v.Reload(); err != nil {
		t.Fatal(err)
	}
	// A restore sets the current file aside beside the vault.
	if _, err := v.Restore(backups[0]); err != nil {
		t.Fatal(err)
	}
	if len(setAside(path)) != 1 {
		t.Fatalf("set-aside files: %v", setAside(path))
	}
	// A damaged backup whose key block still opens with the old password.
	b := mustRead(t, backups[2])
	if err := os.WriteFile(backups[2], b[:len(b)-40], 0o600); err != nil {
		t.Fatal(err)
	}
	return v, path, v.identity
}

// TestOldPasswordOpensNoFile is the attack of issue 8: after a password
// change, the old password (or the key it unseals) must open no file in the
// vault's folder, including accounts added after the change. Before the fix
// every backup's key block unsealed the unchanged vault key, which decrypted
// the current file.
func TestOldPasswordOpensNoFile(t *testing.T) {
	kc := &keychain.Memory{}
	v, path, old := retiredVault(t, kc)
	res, err := v.ChangePassword(password, newPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Removed) != 1 {
		t.Errorf("removed %v, want the one damaged backup", res.Removed)
	}
	if len(res.Reencrypted) < 3 {
		t.Errorf("re-encrypted %v, want every backup and the set-aside file", res.Reencrypted)
	}
	if _, err := v.Add(testAccount(5)); err != nil {
		t.Fatal(err)
	}
	n := len(v.Accounts())
	files := vaultFiles(t, path)
	if len(files) < 5 {
		t.Fatalf("only %d files in the vault folder: %v", len(files), files)
	}
	for _, f := range files {
		if why, ok := opensWith(f, password, old); ok {
			t.Errorf("%s opens with the old password: %s", f, why)
		}
	}
	// Everything kept still opens, with the new password.
	for _, f := range files {
		if _, ok := opensWith(f, newPassword, nil); !ok {
			t.Errorf("%s does not open with the new password", f)
		}
	}
	if _, err := Unlock(path, password, Options{}); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("Unlock with the old password: %v", err)
	}
	u, err := Unlock(path, newPassword, Options{})
	if err != nil || len(u.Accounts()) != n {
		t.Fatalf("Unlock with the new password: %v", err)
	}
	if o, err := Open(path, Options{Keychain: kc}); err != nil || len(o.Accounts()) != n {
		t.Fatalf("the keychain does not hold the new key: %v", err)
	}
	if s, _ := kc.Get(v.ID()); s == old.String() {
		t.Error("the keychain still holds the retired key")
	}
	list, err := v.ListBackups()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range list {
		if b.Accounts < 0 || b.Time.IsZero() {
			t.Errorf("backup %s after the change: %d accounts, time %v", b.Path, b.Accounts, b.Time)
		}
	}
}

func mustBackups(t *testing.T, path string) []string {
	t.Helper()
	b, err := Backups(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestChangePasswordWrongCurrent: the current password is checked even when
// the keychain opened the vault. Before the fix a wrong "current" password
// was ignored and the new one replaced the real one.
func TestChangePasswordWrongCurrent(t *testing.T) {
	kc := &keychain.Memory{}
	_, path := newVault(t, kc, testAccount(1))
	v, err := Open(path, Options{Keychain: kc, WorkFactor: testWF})
	if err != nil {
		t.Fatal(err)
	}
	before := mustRead(t, path)
	beforeKey, _ := kc.Get(v.ID())
	for _, wrong := range [][]byte{[]byte("guess"), nil} {
		if _, err := v.ChangePassword(wrong, newPassword, nil); !errors.Is(err, ErrWrongPassword) {
			t.Errorf("ChangePassword with current %q: %v, want ErrWrongPassword", wrong, err)
		}
	}
	if after, _ := kc.Get(v.ID()); string(mustRead(t, path)) != string(before) || after != beforeKey {
		t.Error("a refused password change modified the vault or the keychain")
	}
	if _, err := Unlock(path, password, Options{}); err != nil {
		t.Errorf("the real password no longer opens the vault: %v", err)
	}
	if _, err := v.ChangePassword(password, nil, nil); err == nil {
		t.Error("an empty new password was accepted")
	}
}

// TestChangePasswordSteps checks the progress reports and that another
// instance holding the retired key cannot write it back.
func TestChangePasswordSteps(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc, testAccount(1))
	other, err := Open(path, Options{Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	progress := func(s string) {
		steps = append(steps, s)
		if len(steps) <= 2 {
			// The key derivations run without the vault's mutex: a UI
			// reading the accounts meanwhile is not blocked (with the
			// mutex held this would deadlock).
			if n := len(v.Accounts()); n != 1 {
				t.Errorf("during %q: %d accounts", s, n)
			}
		}
	}
	if _, err := v.ChangePassword(password, newPassword, progress); err != nil {
		t.Fatal(err)
	}
	want := "Checking the current password|Sealing a new key with the new password|Re-encrypting the backups|Saving the vault with the new key|Storing the new key in the keychain"
	if got := strings.Join(steps, "|"); got != want {
		t.Errorf("steps %q, want %q", got, want)
	}
	if _, err := other.Add(testAccount(2)); !errors.Is(err, ErrConflict) {
		t.Errorf("an instance with the retired key saved: %v", err)
	}
	if _, err := v.Add(testAccount(3)); err != nil {
		t.Errorf("the rotating instance cannot save afterwards: %v", err)
	}
}

// TestKilledPasswordChange kills a password change before each rename it
// makes (every backup, then the vault file) and checks that the vault still
// opens with the old or the new password, and that running the change again
// leaves no file that opens with the old password and loses no backup.
func TestKilledPasswordChange(t *testing.T) {
	for _, killAt := range []int{1, 2, 4, 5} {
		t.Run(strconv.Itoa(killAt), func(t *testing.T) {
			v, path := newVault(t, nil, testAccount(1))
			for i := 2; i <= 4; i++ { // 4 backups, then the vault: 5 renames
				if _, err := v.Add(testAccount(i)); err != nil {
					t.Fatal(err)
				}
			}
			v.Close()
			nBackups := len(mustBackups(t, path))
			if nBackups != 4 {
				t.Fatalf("%d backups, want 4", nBackups)
			}

			dst := killRotation(t, path, killAt)
			if (dst == path) != (killAt == 5) {
				t.Fatalf("rename %d replaces %s", killAt, dst)
			}

			// Whichever password opens it, the change can be finished.
			u, err := Unlock(path, password, Options{WorkFactor: testWF})
			if err != nil {
				t.Fatalf("the old password does not open the vault after a kill before the vault's rename: %v", err)
			}
			if len(u.Accounts()) != 4 {
				t.Fatalf("%d accounts after the kill", len(u.Accounts()))
			}
			res, err := u.ChangePassword(password, newPassword, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Removed) != 0 || len(res.Reencrypted) != nBackups {
				t.Errorf("second run: re-encrypted %d, removed %v; want %d, none", len(res.Reencrypted), res.Removed, nBackups)
			}
			for _, f := range vaultFiles(t, path) {
				if why, ok := opensWith(f, password, nil); ok {
					t.Errorf("%s opens with the old password: %s", f, why)
				}
				if _, ok := opensWith(f, newPassword, nil); !ok {
					t.Errorf("%s does not open with the new password", f)
				}
			}
		})
	}
}

// killRotation runs a password change of the vault at path (from password
// to newPassword) in a child process and kills it before its killAt-th
// rename. It returns the file that rename would have replaced.
func killRotation(t *testing.T, path string, killAt int) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "AUTHDESK_TEST_KILLED_ROTATION="+path, "AUTHDESK_TEST_KILL_AT="+strconv.Itoa(killAt))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	cmd.Process.Kill()
	cmd.Wait()
	if err != nil || !strings.HasPrefix(line, "READY ") {
		t.Fatalf("child did not reach rename %d: %q %v", killAt, line, err)
	}
	return strings.TrimSpace(strings.TrimPrefix(line, "READY "))
}

// killedRotationChild changes the password of the vault at path and blocks
// (to be killed) before its killAt-th rename.
func killedRotationChild(path string, killAt int) {
	n := 0
	v, err := Unlock(path, password, Options{WorkFactor: testWF, beforeRename: func(_, dst string) {
		if n++; n == killAt {
			fmt.Printf("READY %s\n", dst)
			time.Sleep(time.Hour) // killed here
		}
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	v.ChangePassword(password, newPassword, nil)
	os.Exit(4)
}
