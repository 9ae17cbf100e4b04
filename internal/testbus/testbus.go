// Package testbus runs a private D-Bus session bus (dbus-daemon) for a
// test: the fake portals, the tray-host check and the single-instance
// tests each get a bus of their own instead of the session's.
package testbus

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Options shape the bus.
type Options struct {
	// Dir is the folder that holds the bus's socket, Dir/bus; empty: a new
	// temporary folder, removed when the test ends.
	Dir string
	// Policy is more rules for the default policy, e.g. `<allow user="*"/>`.
	Policy string
}

// Start runs the bus until t ends and returns its address. The test skips
// where dbus-daemon is missing, unless AUTHDESK_REQUIRE_DESKTOP=1 makes it
// fail.
func Start(t testing.TB, o Options) string {
	t.Helper()
	daemon, err := exec.LookPath("dbus-daemon")
	if err != nil {
		if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
			t.Fatal("dbus-daemon is not installed and AUTHDESK_REQUIRE_DESKTOP=1")
		}
		t.Skip("dbus-daemon is not installed")
	}
	dir := o.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "authdesk-bus"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
	}
	cfg := filepath.Join(dir, "bus.conf")
	conf := fmt.Sprintf(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=%s/bus</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/>%s</policy></busconfig>`, dir, o.Policy)
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(daemon, "--config-file="+cfg, "--nofork", "--print-address")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon gave no address: %v", err)
	}
	return strings.TrimSpace(line)
}
