//go:build linux

package vault

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// recoveryRecipe is the recovery recipe of the package documentation (and of
// the README), run verbatim by TestRecoveryWithAgeTool. umask 077 matters:
// age -o and the shell's > create files readable by everyone otherwise.
const recoveryRecipe = `umask 077
sed -n '2,/^-----END AGE ENCRYPTED FILE-----$/p' vault.age > key.age
age -d -o key.txt key.age
sed '1,/^-----END AGE ENCRYPTED FILE-----$/d' vault.age > accounts.age
age -d -i key.txt accounts.age > accounts.json
shred -u key.txt
`

// TestRecoveryWithAgeTool runs the documented recovery recipe with the real
// age command-line tool, typing the password into a pseudo-terminal as a user
// would, and checks that accounts.json holds the accounts.
func TestRecoveryWithAgeTool(t *testing.T) {
	if _, err := exec.LookPath("age"); err != nil {
		if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
			t.Fatal("the age command-line tool is not installed (apt-get install age)")
		}
		t.Skip("the age command-line tool is not installed (apt-get install age)")
	}
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(recoveryRecipe) {
		if !bytes.Contains(doc, []byte("//\t"+strings.TrimSuffix(line, "\n"))) {
			t.Errorf("the package documentation lacks the recipe line %q", line)
		}
	}

	want := []Account{testAccount(1), testAccount(2)}
	want[1].Issuer, want[1].Note = "Ünïcode €", "a \"quoted\" note"
	// AUTHDESK_TEST_RECOVERY_WF=18 checks the real work factor (slow, so
	// not the default): the age tool must accept what Create writes.
	wf := testWF
	if s := os.Getenv("AUTHDESK_TEST_RECOVERY_WF"); s != "" {
		if wf, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "vault.age")
	v, err := Create(path, password, Options{WorkFactor: wf})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Add(want...); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "vault.age"), mustRead(t, path), 0o600); err != nil {
		t.Fatal(err)
	}

	out, typed, err := runWithPassphrase(t, dir, recoveryRecipe, string(password))
	if !typed {
		t.Fatalf("age never asked for the passphrase; terminal showed:\n%s", out)
	}
	if err != nil {
		t.Fatalf("recipe failed: %v; terminal showed:\n%s", err, out)
	}
	if strings.Contains(out, string(password)) {
		t.Errorf("the password was echoed on the terminal:\n%s", out)
	}

	if _, err := os.Stat(filepath.Join(dir, "key.txt")); !os.IsNotExist(err) {
		t.Errorf("key.txt was not removed: %v", err)
	}
	fi, err := os.Stat(filepath.Join(dir, "accounts.json"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("accounts.json has mode %v, want 0600", fi.Mode().Perm())
	}
	var got struct {
		Accounts []Account `json:"accounts"`
	}
	if err := json.Unmarshal(mustRead(t, filepath.Join(dir, "accounts.json")), &got); err != nil {
		t.Fatalf("accounts.json: %v", err)
	}
	if len(got.Accounts) != len(want) {
		t.Fatalf("accounts.json holds %d accounts, want %d", len(got.Accounts), len(want))
	}
	for i, a := range got.Accounts {
		if a.Issuer != want[i].Issuer || a.Name != want[i].Name || a.Note != want[i].Note || !bytes.Equal(a.Secret, want[i].Secret) {
			t.Errorf("account %d = %s %s, want %s %s", i, a.Issuer, a.Name, want[i].Issuer, want[i].Name)
		}
	}
}

// runWithPassphrase runs script with sh in dir on a new pseudo-terminal and
// types pass when age asks for a passphrase. It returns what the terminal
// showed, whether the passphrase was asked for, and how the script ended.
func runWithPassphrase(t *testing.T, dir, script, pass string) (string, bool, error) {
	t.Helper()
	master, slave := openPTY(t)
	cmd := exec.Command("sh", "-e", "-c", script)
	cmd.Dir = dir
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	// age reads the passphrase from /dev/tty: make the pty the controlling
	// terminal of a new session.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close() // the child holds it; EOF on master when the child is gone

	var (
		mu     sync.Mutex
		screen bytes.Buffer
	)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		buf := make([]byte, 1024)
		for {
			n, err := master.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	typed := false
	deadline := time.After(60 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var err error
wait:
	for {
		select {
		case err = <-waitErr:
			break wait
		case <-deadline:
			cmd.Process.Kill()
			err = <-waitErr
			t.Errorf("the script did not finish")
			break wait
		case <-tick.C:
			mu.Lock()
			asked := strings.Contains(strings.ToLower(screen.String()), "passphrase")
			mu.Unlock()
			// age prints the prompt before it turns echo off: type only
			// once the terminal no longer echoes (TCGETS on the master
			// reads the slave's settings), or a loaded machine shows the
			// passphrase.
			if asked && !typed && !echoing(master) {
				fmt.Fprintf(master, "%s\n", pass)
				typed = true
			}
		}
	}
	<-readDone
	mu.Lock()
	defer mu.Unlock()
	return screen.String(), typed, err
}

// echoing tells whether the pseudo-terminal behind master echoes input.
func echoing(master *os.File) bool {
	tio, err := unix.IoctlGetTermios(int(master.Fd()), unix.TCGETS)
	return err != nil || tio.Lflag&unix.ECHO != 0
}

// TestOldPasswordWithAgeTool is the attack of issue 8 with Debian's age
// tool instead of our code: after a password change, the old password opens
// the key block of no file in the vault's folder, while the new one opens
// the vault's.
func TestOldPasswordWithAgeTool(t *testing.T) {
	if _, err := exec.LookPath("age"); err != nil {
		if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
			t.Fatal("the age command-line tool is not installed (apt-get install age)")
		}
		t.Skip("the age command-line tool is not installed (apt-get install age)")
	}
	v, path, _ := retiredVault(t, nil)
	if _, err := v.ChangePassword(password, newPassword, nil); err != nil {
		t.Fatal(err)
	}
	const unseal = "umask 077\nsed -n '2,/^-----END AGE ENCRYPTED FILE-----$/p' vault.age > key.age\nage -d -o key.txt key.age\n"
	try := func(f string, pass []byte) (string, error) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "vault.age"), mustRead(t, f), 0o600); err != nil {
			t.Fatal(err)
		}
		out, typed, err := runWithPassphrase(t, dir, unseal, string(pass))
		if !typed {
			t.Fatalf("age never asked for the passphrase of %s:\n%s", f, out)
		}
		return out, err
	}
	if out, err := try(path, newPassword); err != nil {
		t.Fatalf("age does not open the vault with the new password (the check below would prove nothing): %v\n%s", err, out)
	}
	files := vaultFiles(t, path)
	for _, f := range files {
		out, err := try(f, password)
		if err == nil {
			t.Errorf("age opens %s with the old password", f)
		} else if !strings.Contains(out, "incorrect passphrase") {
			t.Errorf("age on %s: %v, want \"incorrect passphrase\":\n%s", f, err, out)
		}
	}
	t.Logf("the old password opens none of %d files", len(files))
}

// openPTY returns the two ends of a new pseudo-terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
			t.Fatalf("no pseudo-terminals: %v", err)
		}
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetUint32(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}
