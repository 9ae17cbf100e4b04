//go:build linux

package instance

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// socketHelperEnv, set, makes the test binary one of two processes:
// "attack|SOCKET" writes "quick" to SOCKET as a plain client (as any
// program of another user would) and prints what it got; "hold|DIR|VAULT"
// claims VAULT's socket in DIR, prints "ready" and each action it gets.
const socketHelperEnv = "AUTHDESK_SOCKET_HELPER"

func socketHelper(arg string) {
	parts := strings.Split(arg, "|")
	switch parts[0] {
	case "attack":
		c, err := net.Dial("unix", parts[1])
		if err == nil {
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			_, _ = fmt.Fprintln(c, "quick") // the reply, not this, says what became of it
		}
		reply := ""
		if err == nil {
			reply, err = bufio.NewReader(c).ReadString('\n')
		}
		fmt.Printf("reply %q, error %v\n", strings.TrimSpace(reply), err)
	case "hold":
		ch, err := newSocketChannel(parts[1])
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		s, handed, err := startStream(ch, Request{Vault: parts[2], Action: Activate})
		if err != nil || handed {
			fmt.Println("error:", err, handed)
			return
		}
		fmt.Println("ready")
		for a := range s.Actions() {
			fmt.Println("got", a)
		}
	}
}

func socketChannelIn(t *testing.T) *socketChannel {
	t.Helper()
	ch, err := newSocketChannel(filepath.Join(t.TempDir(), "run"))
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// TestSocketOneInstancePerVault is TestOneInstancePerVault over the unix
// sockets macOS uses.
func TestSocketOneInstancePerVault(t *testing.T) {
	ch := socketChannelIn(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.age"), filepath.Join(dir, "b.age")
	first, handed, err := startStream(ch, Request{Vault: a, Default: true, Action: Activate})
	if err != nil || handed || first == nil {
		t.Fatalf("first instance: %v, handed %v", err, handed)
	}
	for _, name := range []string{ch.endpoint(vaultID(a)), ch.endpoint("")} {
		if fi, err := os.Stat(name); err != nil || fi.Mode().Perm() != 0o600 || fi.Mode()&os.ModeSocket == 0 {
			t.Fatalf("%s: %v, %v; want a socket 0600", name, fi.Mode(), err)
		}
	}
	if fi, err := os.Stat(ch.dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("socket folder: %v, %v; want 0700", fi.Mode(), err)
	}
	s, handed, err := startStream(ch, Request{Vault: a, Explicit: true, Action: Activate})
	if err != nil || !handed || s != nil {
		t.Fatalf("second on the same vault: %v, handed %v", err, handed)
	}
	if got := next(first); got != Activate {
		t.Fatalf("the first instance got %q, want activate", got)
	}
	other, handed, err := startStream(ch, Request{Vault: b, Explicit: true, Action: Activate})
	if err != nil || handed || other == nil {
		t.Fatalf("another vault: %v, handed %v", err, handed)
	}
	if _, handed, err := startStream(ch, Request{Vault: b, Action: Quick}); err != nil || !handed {
		t.Fatalf("--quick: %v, handed %v", err, handed)
	}
	if got := next(first); got != Quick {
		t.Fatalf("the default vault's instance got %q, want quick", got)
	}
	first.Close()
	if _, err := os.Stat(ch.endpoint("")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the closed instance left its socket: %v", err)
	}
	if _, handed, err := startStream(ch, Request{Vault: a, Default: true, Action: Quick}); err != nil || !handed {
		t.Fatalf("--quick with one instance: %v, handed %v", err, handed)
	}
	if got := next(other); got != Quick {
		t.Fatalf("the only instance got %q, want quick", got)
	}
	other.Close()
	s, handed, err = startStream(ch, Request{Vault: a, Default: true, Action: Quick})
	if err != nil || handed || s == nil {
		t.Fatalf("--quick with none running: %v, handed %v", err, handed)
	}
	s.Close()
}

// helperBinary copies the test binary where every user can run it.
func helperBinary(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "authdesk-helper")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "instance.test")
	copyFile(t, exe, bin)
	return bin
}

// TestSocketOtherUserCannotTrigger runs a plain client as uid 65534
// (nobody): the user-only folder keeps it from the socket; with the folder
// and socket opened to everyone, the instance still refuses it by the
// peer's uid (SO_PEERCRED here, LOCAL_PEERCRED on macOS).
func TestSocketOtherUserCannotTrigger(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to run a process as another user")
	}
	bin := helperBinary(t)
	for _, tc := range []struct {
		name   string
		openUp bool
		want   string
	}{
		{"user-only folder", false, "permission denied"},
		{"folder open to every user", true, `reply "denied: Authdesk answers only its own user"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := socketChannelIn(t)
			vaultPath := filepath.Join(t.TempDir(), "v.age")
			s, _, err := startStream(ch, Request{Vault: vaultPath, Action: Activate})
			if err != nil || s == nil {
				t.Fatalf("start: %v", err)
			}
			defer s.Close()
			sock := ch.endpoint(vaultID(vaultPath))
			if tc.openUp {
				for _, p := range []string{filepath.Dir(filepath.Dir(ch.dir)), filepath.Dir(ch.dir), ch.dir} {
					if err := os.Chmod(p, 0o755); err != nil {
						t.Fatal(err)
					}
				}
				if err := os.Chmod(sock, 0o777); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(bin)
			cmd.Env = []string{socketHelperEnv + "=attack|" + sock}
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("helper: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Fatalf("another user's call: %s; want it refused (%s)", out, tc.want)
			}
			if got := next(s); got != "" {
				t.Fatalf("the instance acted on another user's %q", got)
			}
			if err := sendStream(ch, sock, Quick); err != nil {
				t.Fatalf("our own call: %v", err)
			}
			if got := next(s); got != Quick {
				t.Fatalf("our own call delivered %q", got)
			}
		})
	}
}

// TestSocketStaleReplaced kills an instance (another process) with
// SIGKILL: its socket stays behind, and the next authdesk replaces it
// instead of failing or handing its action to nobody.
func TestSocketStaleReplaced(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ch := socketChannelIn(t)
	vaultPath := filepath.Join(t.TempDir(), "v.age")
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), socketHelperEnv+"=hold|"+ch.dir+"|"+vaultPath)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(out)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("the holder said %q", lines.Text())
	}
	// While it runs, it gets the second authdesk's action.
	if s, handed, err := startStream(ch, Request{Vault: vaultPath, Action: Quick, Explicit: true}); err != nil || !handed || s != nil {
		t.Fatalf("second authdesk while the first runs: %v, handed %v", err, handed)
	}
	if !lines.Scan() || lines.Text() != "got quick" {
		t.Fatalf("the holder said %q", lines.Text())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	sock := ch.endpoint(vaultID(vaultPath))
	if fi, err := os.Stat(sock); err != nil || fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("the crashed instance left no socket (%v): nothing to test", err)
	}
	s, handed, err := startStream(ch, Request{Vault: vaultPath, Action: Activate, Explicit: true})
	if err != nil || handed || s == nil {
		t.Fatalf("after the crash: %v, handed %v; want this process to take over", err, handed)
	}
	defer s.Close()
	if err := sendStream(ch, sock, Quick); err != nil || next(s) != Quick {
		t.Fatalf("the new socket does not answer: %v", err)
	}
}

// TestSocketFolderOwnership: the socket folder is made 0700, and one of
// another user is refused.
func TestSocketFolderOwnership(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := newSocketChannel(dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Fatalf("folder mode %v, want 0700", fi.Mode().Perm())
	}
	if os.Getuid() != 0 {
		t.Skip("needs root to give the folder to another user")
	}
	if err := os.Chown(dir, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if _, err := newSocketChannel(dir); err == nil || !strings.Contains(err.Error(), "not a folder of this user") {
		t.Fatalf("another user's folder: %v", err)
	}
}

// TestNoSessionBus: with no session bus, Start claims nothing and does not
// block, and Authdesk runs on its own.
func TestNoSessionBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	t.Setenv("DISPLAY", "")
	done := make(chan error, 1)
	go func() {
		s, handed, err := Start(Request{Vault: "/nonexistent/v.age", Action: Quick})
		if s != nil || handed {
			err = errors.New("claimed or handed without a bus")
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Start blocked without a session bus")
	}
}
