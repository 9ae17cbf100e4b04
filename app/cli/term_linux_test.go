//go:build !front

package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY returns the two ends of a new pseudo-terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
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

// TestPromptPassword types a password into a real pseudo-terminal and checks
// that it is read without being echoed, and that echo is back afterwards.
func TestPromptPassword(t *testing.T) {
	master, slave := openPTY(t)
	if !isTerminal(slave) {
		t.Fatal("isTerminal(pty) = false")
	}
	if f, _ := os.CreateTemp(t.TempDir(), "x"); isTerminal(f) {
		t.Fatal("isTerminal(regular file) = true")
	}
	type result struct {
		pw  []byte
		err error
	}
	done := make(chan result, 1)
	var prompt bytes.Buffer
	go func() {
		pw, err := promptPassword(slave, &prompt, "Vault password: ")
		done <- result{pw, err}
	}()
	waitEcho(t, slave, false)
	drain(master) // anything echoed before echo went off
	master.Write([]byte("s3cret pass\n"))
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("promptPassword did not return")
	}
	if r.err != nil || string(r.pw) != "s3cret pass" {
		t.Fatalf("promptPassword = %q, %v", r.pw, r.err)
	}
	if prompt.String() != "Vault password: \n" {
		t.Errorf("prompt written: %q", prompt.String())
	}
	if echo := drain(master); strings.Contains(echo, "s3cret") {
		t.Errorf("the password was echoed: %q", echo)
	}
	waitEcho(t, slave, true)
}

// TestPromptInterrupted: Ctrl-C at the password prompt kills the program
// as usual but leaves the terminal echoing again.
func TestPromptInterrupted(t *testing.T) {
	master, slave := openPTY(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "AUTHDESK_TEST_PROMPT_CHILD=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitEcho(t, slave, false)
	drain(master)
	master.Write([]byte{3}) // ^C: the terminal sends SIGINT
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGINT {
		t.Fatalf("child ended with %v, want death by SIGINT; terminal: %q", err, drain(master))
	}
	waitEcho(t, slave, true)
}

func init() {
	if os.Getenv("AUTHDESK_TEST_PROMPT_CHILD") == "1" {
		promptChild()
	}
}

// promptChild is TestPromptInterrupted's child: it prompts on its terminal.
func promptChild() {
	pw, err := promptPassword(os.Stdin, os.Stderr, "Vault password: ")
	fmt.Fprintf(os.Stderr, "prompt returned %d bytes, %v\n", len(pw), err)
	os.Exit(3)
}

// waitEcho waits until the terminal's echo flag is on (or off).
func waitEcho(t *testing.T, tty *os.File, on bool) {
	t.Helper()
	for range 1000 {
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		if (tio.Lflag&unix.ECHO != 0) == on {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("terminal echo never became %v", on)
}

// drain returns what can be read from the master side without blocking.
func drain(master *os.File) string {
	fd := int(master.Fd())
	unix.SetNonblock(fd, true)
	defer unix.SetNonblock(fd, false)
	var out []byte
	buf := make([]byte, 256)
	time.Sleep(50 * time.Millisecond)
	for {
		n, err := unix.Read(fd, buf)
		if n <= 0 || err != nil {
			return string(out)
		}
		out = append(out, buf[:n]...)
	}
}
