package keychain

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// requireKeyring skips unless a Secret Service is reachable, except under
// AUTHDESK_REQUIRE_DESKTOP=1 (make test), where its absence is a failure.
// Run with: .ci/desktop-session go test ./vault/keychain/
func requireKeyring(t *testing.T) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return
	}
	if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
		t.Fatal("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset) but AUTHDESK_REQUIRE_DESKTOP=1: run under .ci/desktop-session")
	}
	t.Skip("no D-Bus session bus; run under .ci/desktop-session for the real keyring")
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "test-" + hex.EncodeToString(b)
}

// TestSystemRoundTrip talks to the real Secret Service (gnome-keyring under
// .ci/desktop-session).
func TestSystemRoundTrip(t *testing.T) {
	requireKeyring(t)
	var k System
	id := randomID()
	if _, err := k.Get(id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a missing entry: %v, want ErrNotFound", err)
	}
	if err := k.Set(id, "AGE-SECRET-KEY-1TEST"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	t.Cleanup(func() { k.Delete(id) })
	if got, err := k.Get(id); err != nil || got != "AGE-SECRET-KEY-1TEST" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if err := k.Set(id, "AGE-SECRET-KEY-1OTHER"); err != nil {
		t.Fatalf("Set again: %v", err)
	}
	if got, err := k.Get(id); err != nil || got != "AGE-SECRET-KEY-1OTHER" {
		t.Fatalf("Get after replacing = %q, %v", got, err)
	}
	if err := k.Delete(id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := k.Get(id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
	if err := k.Delete(id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v", err)
	}
}

func TestTimeout(t *testing.T) {
	k := System{Timeout: 50 * time.Millisecond}
	// The call never answers until the test ends: only the timeout can
	// return. The 30 s bound catches a hang, it measures nothing.
	hung := make(chan struct{})
	defer close(hung)
	start := time.Now()
	err := k.run("read the vault key from", func() error { <-hung; return nil })
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Fatalf("hung call: %v", err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("gave up after %v", d)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		is   error
		want string
	}{
		{nil, nil, ""},
		{errors.New("secret not found in keyring"), nil, "the keychain returned an error"},
		{errors.New("The name org.freedesktop.secrets was not provided by any .service files"), ErrUnavailable, "no Secret Service"},
		{errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), ErrUnavailable, "locked"},
		{errors.New("Prompt dismissed by user"), ErrUnavailable, "dismissed"},
	}
	for _, tt := range tests {
		err := classify("read", tt.err)
		if tt.err == nil {
			if err != nil {
				t.Errorf("classify(nil) = %v", err)
			}
			continue
		}
		if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("classify(%v) = %v, want ErrUnavailable saying %q", tt.err, err, tt.want)
		}
	}
}

// TestNoBus: with a session bus address that leads nowhere the keychain is
// unavailable and says so, quickly. It runs in a child process because
// godbus keeps the first session bus connection for the life of the process.
func TestNoBus(t *testing.T) {
	if os.Getenv("AUTHDESK_TEST_NOBUS") == "1" {
		start := time.Now()
		_, err := System{}.Get(randomID())
		if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "D-Bus") {
			t.Fatalf("Get without a bus: %v", err)
		}
		if d := time.Since(start); d > 30*time.Second { // a hang bound, not a measurement
			t.Fatalf("took %v", d)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoBus$", "-test.v")
	cmd.Env = append(os.Environ(), "AUTHDESK_TEST_NOBUS=1", "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/authdesk-bus")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestNoBus") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
