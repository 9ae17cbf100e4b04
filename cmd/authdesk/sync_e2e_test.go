//go:build e2e

package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// syncEnv is an Authdesk whose vault syncs with a folder, and a second
// computer's vault (authdesk-cli on another vault file) joined from it.
type syncEnv struct {
	*env
	folder, other, id string
}

const syncPassword = "e2e password"

// newSyncEnv makes the vault with one account, publishes its replica to a
// folder with authdesk-cli sync --once, sets that folder in Authdesk's
// preferences (as Settings → Sync → Choose folder… does) and joins a second
// vault from the replica.
func newSyncEnv(t testing.TB) *syncEnv {
	e := &syncEnv{env: newEnv(t), folder: filepath.Join(t.TempDir(), "Sync"), other: filepath.Join(t.TempDir(), "other.age")}
	if err := os.Mkdir(e.folder, 0o700); err != nil {
		t.Fatal(err)
	}
	e.runCLI(syncPassword+"\n", "--password-stdin", "init")
	e.runCLI("", "add", "--issuer", "GitHub", "--account", "alice@example.com", "--secret", "JBSWY3DPEHPK3PXP")
	e.runCLI("", "sync", "--folder", e.folder, "--once")
	found, err := filepath.Glob(filepath.Join(e.folder, "authdesk-*.age"))
	if err != nil || len(found) != 1 {
		t.Fatalf("replicas after sync --once: %v, %v", found, err)
	}
	e.id = strings.TrimSuffix(strings.TrimPrefix(filepath.Base(found[0]), "authdesk-"), ".age")
	e.writePrefs(map[string]any{"syncFolder." + e.id: e.folder})
	e.otherCLI(syncPassword+"\n", "--password-stdin", "sync", "--folder", e.folder, "--once")
	return e
}

// otherCLI runs authdesk-cli on the second computer's vault.
func (e *syncEnv) otherCLI(stdin string, args ...string) string {
	e.t.Helper()
	v := e.vault
	e.vault = e.other
	defer func() { e.vault = v }()
	return e.runCLI(stdin, args...)
}

// waitLog waits (60 s at most, a hang guard) until authdesk's stderr has
// n lines containing s.
func (a *app) waitLog(t testing.TB, s string, n int) { a.waitLogEvery(t, s, n, 20*time.Millisecond) }

// waitLogEvery is waitLog polling every poll (2 ms for timings).
func (a *app) waitLogEvery(t testing.TB, s string, n int, poll time.Duration) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for strings.Count(a.log(), s) < n {
		if time.Now().After(deadline) {
			t.Fatalf("no %d× %q from authdesk within 60 s:\n%s", n, s, a.log())
		}
		time.Sleep(poll)
	}
}

// copyFound searches the open window for query and copies the first match
// with Enter; it returns the clipboard, or "" when it did not change.
func copyFound(t testing.TB, a *app, query, old string) string {
	t.Helper()
	xdotool(t, "windowfocus", "--sync", a.wid)
	xdotool(t, "key", "--clearmodifiers", "Escape")
	xdotool(t, "type", query)
	xdotool(t, "key", "--clearmodifiers", "Return")
	got := clipboard(t, old)
	xdotool(t, "key", "--clearmodifiers", "Escape")
	return got
}

// TestSyncInRealWindow: with Authdesk open on a synced vault, a second
// computer (authdesk-cli on a vault joined from the replica) adds an account
// and runs sync --once: the open window shows it (searched and copied, and
// on a screenshot with the toast). An account added to the local vault
// while the window is open reaches the second computer. Hostile files put
// in the folder (a truncated replica, another vault's replica under this
// vault's name, a 1 GiB file) are each refused without a crash or a loss.
func TestSyncInRealWindow(t *testing.T) {
	e := newSyncEnv(t)
	a := e.start()
	a.waitReady(t)

	e.otherCLI("", "add", "--issuer", "Dropbox", "--account", "alice@dropbox.example", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	if out := e.otherCLI("", "sync", "--folder", e.folder, "--once"); !strings.Contains(out, "replica written") {
		t.Fatalf("the second computer's sync: %q", out)
	}
	a.waitLog(t, "authdesk: sync merged: 1 account", 1)
	time.Sleep(300 * time.Millisecond) // let the frame with the toast reach the screen
	e.screenshot(a, "e2e-sync-merged")
	got := copyFound(t, a, "dropbox", "")
	if want := e.otherCLI("", "code", "Dropbox"); got != want && got != e.otherCLI("", "code", "Dropbox") {
		t.Fatalf("the window copied %q for Dropbox, the second computer says %q", got, want)
	}

	// A local change while the window is open goes out through the replica.
	e.runCLI("", "add", "--issuer", "Fastmail", "--account", "alice@fastmail.example", "--secret", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK")
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(e.otherCLI("", "list"), "Fastmail") {
		if time.Now().After(deadline) {
			t.Fatalf("the local add did not reach the second computer within 30 s:\n%s", a.log())
		}
		time.Sleep(200 * time.Millisecond)
		e.otherCLI("", "sync", "--folder", e.folder, "--once")
	}

	replica := filepath.Join(e.folder, "authdesk-"+e.id+".age")
	good, err := os.ReadFile(replica)
	if err != nil {
		t.Fatal(err)
	}
	stranger := newEnv(t)
	stranger.runCLI(syncPassword+"\n", "--password-stdin", "init")
	strangerDir := t.TempDir()
	stranger.runCLI("", "sync", "--folder", strangerDir, "--once")
	strangers, _ := filepath.Glob(filepath.Join(strangerDir, "authdesk-*.age"))
	if len(strangers) != 1 {
		t.Fatalf("the other vault's replica: %v", strangers)
	}
	strangerReplica, err := os.ReadFile(strangers[0])
	if err != nil {
		t.Fatal(err)
	}
	before := e.runCLI("", "list")
	for i, h := range []struct {
		name, want string
		write      func(p string) error
	}{
		{"truncated", "damaged (file is truncated", func(p string) error { return os.WriteFile(p, good[:len(good)/2], 0o600) }},
		{"another vault", "is a copy of vault", func(p string) error { return os.WriteFile(p, strangerReplica, 0o600) }},
		{"huge", "larger than", func(p string) error {
			f, err := os.Create(p)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Truncate(1 << 30) // sparse
		}},
	} {
		tmp := filepath.Join(e.folder, ".hostile.tmp")
		if err := h.write(tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, replica); err != nil {
			t.Fatal(err)
		}
		a.waitLog(t, h.want, 1)
		if !strings.Contains(a.log(), "authdesk: sync failed: read the replica "+replica) {
			t.Errorf("%s: authdesk did not name the replica:\n%s", h.name, a.log())
		}
		select {
		case <-a.done:
			t.Fatalf("%s: authdesk exited: %v\n%s", h.name, a.err, a.log())
		default:
		}
		if i == 0 {
			time.Sleep(300 * time.Millisecond)
			e.screenshot(a, "e2e-sync-hostile")
		}
		if after := e.runCLI("", "list"); after != before {
			t.Fatalf("%s: the vault changed:\n%s\nwas\n%s", h.name, after, before)
		}
	}
	// The window still works.
	if err := os.WriteFile(replica, good, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := copyFound(t, a, "github", got); !e.matchesCode("GitHub", got) {
		t.Fatalf("after the hostile files the window copied %q for GitHub", got)
	}
}
