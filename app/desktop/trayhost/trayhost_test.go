//go:build linux

package trayhost

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"

	"authdesk/internal/testbus"
)

// startBus runs a private session bus and returns its address.
func startBus(t *testing.T) string {
	t.Helper()
	return testbus.Start(t, testbus.Options{})
}

func TestCheck(t *testing.T) {
	addr := startBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	if s := Check(); s.Available || !strings.Contains(s.Reason, Watcher) {
		t.Fatalf("a bus without a watcher: %+v, want unavailable, naming %s", s, Watcher)
	}

	host, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	if r, err := host.RequestName(Watcher, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v %v", Watcher, r, err)
	}
	if s := Check(); !s.Available || s.Reason != "" {
		t.Fatalf("a bus with a watcher: %+v, want available", s)
	}

	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "none"))
	if s := Check(); s.Available || s.Reason == "" {
		t.Fatalf("no bus: %+v, want unavailable with a reason", s)
	}
}
