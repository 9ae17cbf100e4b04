//go:build e2e

package main_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"authdesk/vault"
	"authdesk/vault/keychain"
)

// The quick-access tests press the global shortcut (Ctrl+Alt+A, grabbed by
// Authdesk on the X root window) with xdotool, as a user in another program
// would, then type into the popup and read the clipboard with xclip.

// quickShortcut is the default global shortcut, as xdotool names it.
const quickShortcut = "ctrl+alt+a"

// quickTitlePattern finds the popup by its window title (a contract). The
// search leaves out --pid: with it, xdotool 3 also matches the main window.
const quickTitlePattern = "^Authdesk quick access$"

// quickPIN is the quick-unlock PIN the locked tests set.
const quickPIN = "2468"

// quickVault makes the test vault: four accounts, Google starred, and a
// quick-unlock PIN when pin is not empty (set through the vault with the
// key from the real keychain, as Settings does).
func (e *env) quickVault(pin string) {
	e.t.Helper()
	e.runCLI("e2e password\n", "--password-stdin", "init")
	e.runCLI("", "add", "--issuer", "GitHub", "--account", "alice@example.com", "--secret", "JBSWY3DPEHPK3PXP")
	e.runCLI("", "add", "--issuer", "Google", "--account", "alice.liddell@gmail.com", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	e.runCLI("", "add", "--issuer", "Fastmail", "--account", "alice@fastmail.com", "--secret", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK")
	e.runCLI("", "add", "--issuer", "Hetzner Cloud", "--account", "ops@acme.example", "--secret", "NBSWY3DPO5XXE3DENBSWY3DPO5XXE3DE")
	e.runCLI("", "favorite", "Google")
	if pin != "" {
		e.setPIN(pin)
	}
}

// setPIN sets the vault's quick-unlock PIN.
func (e *env) setPIN(pin string) {
	e.t.Helper()
	v, err := vault.Open(e.vault, vault.Options{Keychain: keychain.System{}})
	if err != nil {
		e.t.Fatalf("open the vault with the keychain's key: %v", err)
	}
	defer v.Close()
	if err := v.SetPIN(pin); err != nil {
		e.t.Fatal(err)
	}
}

// startIn starts Authdesk in state: "shown" (the main window has the
// focus), "hidden" (started minimised to the tray) or "locked" (shown,
// then locked with Ctrl+L).
func (e *env) startIn(state string) *app {
	e.t.Helper()
	if state == "hidden" {
		fakeDesktop(e.t) // a tray to hide in: without one, Authdesk shows its window
		e.writePrefs(map[string]any{"startMinimised": true})
		a := e.startHidden()
		a.waitReady(e.t)
		return a
	}
	a := e.start()
	a.waitReady(e.t)
	xdotool(e.t, "windowfocus", "--sync", a.wid)
	if state == "locked" {
		xdotool(e.t, "key", "--clearmodifiers", "ctrl+l")
	}
	return a
}

// quickWindow waits up to wait for the popup to be mapped and returns its
// window id.
func (a *app) quickWindow(wait time.Duration) (string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	out, err := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--onlyvisible", "--name", quickTitlePattern).Output()
	if err != nil {
		return "", false
	}
	return strings.Fields(string(out))[0], true
}

// quickShown reports whether the popup is mapped now.
func (a *app) quickShown() bool {
	err := exec.Command("xdotool", "search", "--onlyvisible", "--name", quickTitlePattern).Run()
	return err == nil
}

// pressQuick presses the shortcut until the popup maps and returns its
// window id. Authdesk grabs the shortcut off the UI goroutine just after
// start, so the first presses may come before the grab; a shortcut that
// never works fails after 30 s.
func (a *app) pressQuick(t testing.TB) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		xdotool(t, "key", "--clearmodifiers", quickShortcut)
		if wid, ok := a.quickWindow(2 * time.Second); ok {
			return wid
		}
		if time.Now().After(deadline) {
			t.Fatalf("pressing %s for 30 s mapped no window titled %q:\n%s", quickShortcut, quickTitlePattern, a.log())
		}
	}
}

// waitQuickClosed waits (30 s at most) for the popup to be unmapped.
func (a *app) waitQuickClosed(t testing.TB, why string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for a.quickShown() {
		if time.Now().After(deadline) {
			t.Fatalf("the quick-access popup stayed open after %s", why)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// quickType types text into the focused window (the popup).
func quickType(t testing.TB, text string) {
	t.Helper()
	xdotool(t, "type", "--delay", "20", text)
}

// TestQuickAccessShortcut presses Ctrl+Alt+A with the main window shown,
// hidden in the tray and locked with a PIN: the popup maps (asking for the
// PIN first when locked), three letters and Enter copy the matching code,
// checked against authdesk-cli; the popup closes behind the copy.
func TestQuickAccessShortcut(t *testing.T) {
	for _, state := range []string{"shown", "hidden", "locked"} {
		t.Run(state, func(t *testing.T) {
			e := newEnv(t)
			pin := ""
			if state == "locked" {
				pin = quickPIN
			}
			e.quickVault(pin)
			a := e.startIn(state)
			before, _ := readClipboard()
			a.pressQuick(t)
			if state == "locked" {
				quickType(t, pin)
				xdotool(t, "key", "--clearmodifiers", "Return")
			}
			quickType(t, "het")
			xdotool(t, "key", "--clearmodifiers", "Return")
			got := clipboard(t, before)
			if !e.matchesCode("Hetzner", got) {
				t.Fatalf("the popup copied %q, authdesk-cli code Hetzner says %q", got, e.runCLI("", "code", "Hetzner"))
			}
			a.waitQuickClosed(t, "Enter copied a code")
		})
	}
}

// TestQuickAccessCloses checks the two other ways out of the popup: Esc,
// and the focus going to another window. Neither copies anything.
func TestQuickAccessCloses(t *testing.T) {
	e := newEnv(t)
	e.quickVault("")
	a := e.startIn("shown")
	before, _ := readClipboard()

	a.pressQuick(t)
	quickType(t, "git")
	xdotool(t, "key", "--clearmodifiers", "Escape")
	a.waitQuickClosed(t, "Esc")

	a.pressQuick(t)
	xdotool(t, "windowfocus", "--sync", a.wid)
	a.waitQuickClosed(t, "the main window took the focus")

	if now, err := readClipboard(); err == nil && now != before && now != "" {
		t.Errorf("closing the popup copied %q", now)
	}
}

// TestQuickAccessScreens takes the screenshots of quick access in the light
// and the dark theme (into $AUTHDESK_SCREENSHOTS): the main window with the
// starred row, the popup with a favourite and a recent account, and the
// popup asking for the PIN.
func TestQuickAccessScreens(t *testing.T) {
	for _, variant := range []string{"light", "dark"} {
		t.Run(variant, func(t *testing.T) {
			e := newEnv(t)
			e.quickVault(quickPIN)
			e.writePrefs(map[string]any{"theme": variant})
			a := e.startIn("shown")
			before, _ := readClipboard()
			quickType(t, "fast") // Fastmail becomes recent
			xdotool(t, "key", "--clearmodifiers", "Return")
			clipboard(t, before)
			xdotool(t, "key", "--clearmodifiers", "Escape")
			time.Sleep(500 * time.Millisecond) // the next frame
			e.screenshot(a, "quick-starred-"+variant)
			popup := a.pressQuick(t)
			time.Sleep(500 * time.Millisecond)
			e.shootWindow(popup, "quick-popup-"+variant)
			xdotool(t, "key", "--clearmodifiers", "Escape")
			a.waitQuickClosed(t, "Esc")
			xdotool(t, "windowfocus", "--sync", a.wid)
			xdotool(t, "key", "--clearmodifiers", "ctrl+l")
			popup = a.pressQuick(t)
			time.Sleep(500 * time.Millisecond)
			e.shootWindow(popup, "quick-pin-"+variant)
		})
	}
}
