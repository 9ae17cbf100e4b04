//go:build linux

package instance

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"authdesk/internal/testbus"
)

// helperEnv, set, makes the test binary a client of another user: it calls
// ActivateAction("quick") on the bus name in it and prints the outcome.
const helperEnv = "AUTHDESK_INSTANCE_HELPER"

func TestMain(m *testing.M) {
	if arg := os.Getenv(socketHelperEnv); arg != "" {
		socketHelper(arg)
		os.Exit(0)
	}
	if arg := os.Getenv(helperEnv); arg != "" {
		addr, name, _ := strings.Cut(arg, "|")
		conn, err := dbus.Connect(addr)
		if err == nil {
			err = send(conn, name, Quick)
		}
		fmt.Println("outcome:", err)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startBus runs a private dbus-daemon in a folder every user can enter;
// anyUser also lets every user connect (as a misconfigured or shared bus
// would), so that only Authdesk's own check stands in the way.
func startBus(t *testing.T, anyUser bool) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "authdesk-bus")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	allow := ""
	if anyUser {
		allow = `<allow user="*"/>`
	}
	addr := testbus.Start(t, testbus.Options{Dir: dir, Policy: allow})
	if err := os.Chmod(filepath.Join(dir, "bus"), 0o777); err != nil {
		t.Fatal(err)
	}
	return addr
}

func connect(t *testing.T, addr string) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// next waits for the action a server receives (or none within 2 s).
func next(s *Server) Action {
	select {
	case a := <-s.Actions():
		return a
	case <-time.After(2 * time.Second):
		return ""
	}
}

func TestOneInstancePerVault(t *testing.T) {
	addr := startBus(t, false)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.age"), filepath.Join(dir, "b.age")
	first, handed, err := start(connect(t, addr), Request{Vault: a, Default: true, Action: Activate})
	if err != nil || handed || first == nil {
		t.Fatalf("first instance: %v, handed %v", err, handed)
	}
	// A second authdesk on the same vault raises the first and is done.
	s, handed, err := start(connect(t, addr), Request{Vault: a, Explicit: true, Action: Activate})
	if err != nil || !handed || s != nil {
		t.Fatalf("second on the same vault: %v, handed %v", err, handed)
	}
	if got := next(first); got != Activate {
		t.Fatalf("the first instance got %q, want activate", got)
	}
	// Another vault runs alongside.
	other, handed, err := start(connect(t, addr), Request{Vault: b, Explicit: true, Action: Activate})
	if err != nil || handed || other == nil {
		t.Fatalf("another vault: %v, handed %v", err, handed)
	}
	// --quick goes to the default vault's instance...
	if _, handed, err := start(connect(t, addr), Request{Vault: b, Action: Quick}); err != nil || !handed {
		t.Fatalf("--quick: %v, handed %v", err, handed)
	}
	if got := next(first); got != Quick {
		t.Fatalf("the default vault's instance got %q, want quick", got)
	}
	// ...else to the only one running.
	first.Close()
	if _, handed, err := start(connect(t, addr), Request{Vault: a, Default: true, Action: Quick}); err != nil || !handed {
		t.Fatalf("--quick with one instance: %v, handed %v", err, handed)
	}
	if got := next(other); got != Quick {
		t.Fatalf("the only instance got %q, want quick", got)
	}
	// With none running, --quick starts one (which opens the popup itself).
	other.Close()
	s, handed, err = start(connect(t, addr), Request{Vault: a, Default: true, Action: Quick})
	if err != nil || handed || s == nil {
		t.Fatalf("--quick with none running: %v, handed %v", err, handed)
	}
}

// TestOtherUserCannotTrigger runs a client as another user (uid 65534,
// nobody): on a bus like the session bus it cannot even connect; on a bus
// that admits every user, Authdesk refuses its call.
func TestOtherUserCannotTrigger(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to run a process as another user")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(filepath.Dir(startBus(t, false)[len("unix:path="):]), "instance.test")
	copyFile(t, exe, bin)
	for _, tc := range []struct {
		name    string
		anyUser bool
		want    string
	}{
		{"session bus", false, "outcome: "},
		{"bus open to every user", true, "answers only its own user"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := startBus(t, tc.anyUser)
			vaultPath := filepath.Join(t.TempDir(), "v.age")
			s, _, err := start(connect(t, addr), Request{Vault: vaultPath, Default: true, Action: Activate})
			if err != nil || s == nil {
				t.Fatalf("start: %v", err)
			}
			defer s.Close()
			addrPath := strings.Split(addr, ",")[0]
			cmd := exec.Command(bin)
			cmd.Env = []string{helperEnv + "=" + addrPath + "|" + busName(vaultPath)}
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("helper: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), tc.want) || strings.Contains(string(out), "outcome: <nil>") {
				t.Fatalf("another user's call: %s; want it refused (%s)", out, tc.want)
			}
			if got := next(s); got != "" {
				t.Fatalf("the instance acted on another user's %q", got)
			}
			// The same call from our own user works.
			if err := send(connect(t, addr), busName(vaultPath), Quick); err != nil {
				t.Fatalf("our own call: %v", err)
			}
			if got := next(s); got != Quick {
				t.Fatalf("our own call delivered %q", got)
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}
