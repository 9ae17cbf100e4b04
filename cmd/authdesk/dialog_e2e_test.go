//go:build e2e

package main_test

// Real-window tests of issue #17's dialog items: nothing keeps the event
// loop painting after Change password (item 3), the window never widens for
// a message (item 4), and a dialog keeps the keyboard (item 2).

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The window's fixed points, in window coordinates, at the default size
// (560×720): the header menu button, its Settings… item, and Settings'
// Change password… button once the pane is scrolled to its end.
const (
	menuX, menuY         = "533", "26"
	settingsX, settingsY = "400", "385"
	changePwX, changePwY = "160", "296"
)

// wakes counts the idle loop's wakes so far (FYNE_IDLE_LOOP_TRACE=1).
func (a *app) wakes() int { return strings.Count(a.log(), "fyne idle loop: wake ") }

// requireIdleTrace skips (fails, with AUTHDESK_REQUIRE_IDLE_LOOP=1) unless
// authdesk was built with the patched Fyne, whose loop traces its wakes.
func (a *app) requireIdleTrace(t *testing.T) {
	t.Helper()
	if a.wakes() > 0 {
		return
	}
	if os.Getenv("AUTHDESK_REQUIRE_IDLE_LOOP") == "1" {
		t.Fatal("authdesk's loop traces no wakes: built with stock Fyne, not .ci/fyne/idle-loop.patch")
	}
	t.Skip("built with stock Fyne (no idle-loop trace): run through make test")
}

// paints counts the loop's wakes that painted a frame.
func (a *app) paints() int { return strings.Count(a.log(), " painted=true") }

// settleAfter waits until the window has painted a frame since it had
// painted before frames, then painted nothing for half a second: whatever
// the last input started (a menu, a dialog, a scroll) is on the screen and
// done moving, however slow the machine (the countdown's 1 s tick leaves
// such gaps). 30 s is a hang guard.
func (a *app) settleAfter(t *testing.T, before int) {
	t.Helper()
	last, quietSince := before, time.Now()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if n := a.paints(); n != last {
			last, quietSince = n, time.Now()
		}
		if last > before && time.Since(quietSince) >= 500*time.Millisecond {
			return
		}
	}
	t.Fatalf("the window did not settle within 30 s (%d frames painted since)", last-before)
}

// settledClick clicks at x, y and waits for the window to settle.
func settledClick(t *testing.T, a *app, x, y string) {
	t.Helper()
	n := a.paints()
	clickAt(t, a, x, y)
	a.settleAfter(t, n)
}

// wakesOver counts the loop's wakes over d.
func (a *app) wakesOver(d time.Duration) int {
	n := a.wakes()
	time.Sleep(d)
	return a.wakes() - n
}

var geometryWidth = regexp.MustCompile(`Geometry: (\d+)x(\d+)`)

// windowSize is the window's size as the X server has it.
func windowSize(t *testing.T, wid string) string {
	t.Helper()
	out, err := exec.Command("xdotool", "getwindowgeometry", wid).Output()
	if err != nil {
		t.Fatalf("xdotool getwindowgeometry: %v", err)
	}
	m := geometryWidth.FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("xdotool getwindowgeometry said %q", out)
	}
	return m[1] + "x" + m[2]
}

// clickAt clicks the window at x, y (window coordinates).
func clickAt(t *testing.T, a *app, x, y string) {
	t.Helper()
	xdotool(t, "mousemove", "--window", a.wid, x, y)
	xdotool(t, "click", "1")
	time.Sleep(400 * time.Millisecond) // the dialog's first frame
}

// scrollSettingsToVault scrolls Settings' pane to its top, then 20 wheel
// steps (25 px each, Fyne's) down, which brings the Vault section's
// buttons (Change password at changePwX, changePwY) into the pane: only
// the sections above Vault (General, Quick access) move them.
func scrollSettingsToVault(t *testing.T, a *app) {
	t.Helper()
	xdotool(t, "mousemove", "--window", a.wid, "280", "300")
	xdotool(t, "click", "--repeat", "150", "--delay", "5", "4")
	xdotool(t, "click", "--repeat", "20", "--delay", "20", "5")
	time.Sleep(400 * time.Millisecond)
}

// waitFileChange waits (up to 60 s, a hang guard) for path to differ from
// old, and reports whether it did.
func waitFileChange(path string, old []byte) bool {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && !bytes.Equal(b, old) {
			return true
		}
	}
	return false
}

// After Change password, with Settings still open, the loop is back at its
// floor: no animation left running (issue #17 item 3: 12–15 % of a core,
// 55 wakes a second, from the focused password field's cursor blink in the
// closed dialog). The message is a dialog, and the window keeps its size.
func TestSettingsIdleAfterPasswordChange(t *testing.T) {
	e := newEnv(t)
	e.extraEnv = append(e.extraEnv, "FYNE_IDLE_LOOP_TRACE=1")
	e.runCLI("e2e password\n", "--password-stdin", "init")
	e.runCLI("", "add", "--issuer", "GitHub", "--account", "alice@example.com", "--secret", "JBSWY3DPEHPK3PXP")
	a := e.start()
	a.waitReady(t)
	a.requireIdleTrace(t)
	time.Sleep(300 * time.Millisecond)
	xdotool(t, "windowfocus", "--sync", a.wid)
	size := windowSize(t, a.wid)

	settledClick(t, a, menuX, menuY)
	settledClick(t, a, settingsX, settingsY)
	n := a.paints()
	scrollSettingsToVault(t, a)
	a.settleAfter(t, n)
	e.screenshot(a, "settings-scrolled")
	floor := a.wakesOver(5 * time.Second) // Settings open: the 1 s countdown tick
	// Its dialog's focused entry blinks, so the window never settles.
	clickAt(t, a, changePwX, changePwY)
	old, err := os.ReadFile(e.vault)
	if err != nil {
		t.Fatal(err)
	}
	xdotool(t, "type", "--delay", "20", "e2e password")
	xdotool(t, "key", "Tab")
	xdotool(t, "type", "--delay", "20", "a new password 1")
	xdotool(t, "key", "Tab")
	xdotool(t, "type", "--delay", "20", "a new password 1")
	xdotool(t, "key", "Return")
	if !waitFileChange(e.vault, old) {
		e.screenshot(a, "e2e-password-unchanged")
		t.Fatalf("the vault did not change within 60 s of Change password")
	}
	time.Sleep(2 * time.Second) // the re-encrypted backups, then the message
	e.screenshot(a, "e2e-password-changed")

	after := a.wakesOver(5 * time.Second)
	t.Logf("wakes over 5 s with Settings open: %d before Change password, %d after", floor, after)
	if after > floor+5 {
		t.Errorf("after Change password the loop woke %d times in 5 s, against %d before: something keeps painting", after, floor)
	}
	// OK closes the message; Settings stays open, and stays idle.
	xdotool(t, "key", "Return")
	time.Sleep(300 * time.Millisecond)
	if n := a.wakesOver(5 * time.Second); n > floor+5 {
		t.Errorf("with the message closed the loop woke %d times in 5 s, against %d before", n, floor)
	}
	if got := windowSize(t, a.wid); got != size {
		t.Errorf("the window went from %s to %s", size, got)
	}
	if got := e.runCLI("", "list"); !strings.Contains(got, "GitHub") {
		t.Errorf("after the change the keychain does not open the vault: %q", got)
	}
}

// setClipboard puts s on the CLIPBOARD selection.
func setClipboard(t *testing.T, s string) {
	t.Helper()
	// No pipes for stdout and stderr: xclip forks a child that serves the
	// selection and keeps them open, so waiting on them would hang.
	cmd := exec.Command("xclip", "-selection", "clipboard", "-i")
	cmd.Stdin = strings.NewReader(s)
	if err := cmd.Run(); err != nil {
		t.Fatalf("xclip -i: %v", err)
	}
}

// clipboardNow is the CLIPBOARD selection's text ("" if none).
func clipboardNow() string {
	out, _ := exec.Command("xclip", "-selection", "clipboard", "-o").Output()
	return strings.TrimSpace(string(out))
}

// A dialog keeps the keyboard (issue #17 item 2): Enter presses its default
// button and Escape its way out, and neither reaches the list below, whose
// Enter would copy a code. A toast with a long message wraps inside the
// window and never widens it (item 4).
func TestDialogKeysAndToastInRealWindow(t *testing.T) {
	e := newEnv(t)
	e.runCLI("e2e password\n", "--password-stdin", "init")
	e.runCLI("", "add", "--issuer", "GitHub", "--account", "alice@example.com", "--secret", "JBSWY3DPEHPK3PXP")
	a := e.start()
	a.waitReady(t)
	time.Sleep(300 * time.Millisecond)
	xdotool(t, "windowfocus", "--sync", a.wid)
	size := windowSize(t, a.wid)

	const sentinel = "not a code"
	// Add account (Ctrl+N) has one button, Cancel: Enter and Escape close it.
	for _, k := range []string{"Return", "Escape"} {
		setClipboard(t, sentinel)
		xdotool(t, "key", "--clearmodifiers", "ctrl+n")
		time.Sleep(400 * time.Millisecond)
		xdotool(t, "key", "--clearmodifiers", k)
		time.Sleep(time.Second) // a leaked Enter would have copied by now
		if got := clipboardNow(); got != sentinel {
			t.Fatalf("%s on the Add account dialog reached the list: the clipboard holds %q", k, got)
		}
	}
	// Settings (its one button is Close): Enter closes it, nothing copied.
	clickAt(t, a, menuX, menuY)
	clickAt(t, a, settingsX, settingsY)
	xdotool(t, "key", "--clearmodifiers", "Return")
	time.Sleep(time.Second)
	if got := clipboardNow(); got != sentinel {
		t.Fatalf("Enter on Settings reached the list: the clipboard holds %q", got)
	}
	// With every dialog closed, Enter copies again.
	xdotool(t, "key", "--clearmodifiers", "Return")
	if got := clipboard(t, sentinel); !e.matchesCode("GitHub", got) {
		t.Fatalf("Enter on the list copied %q, want GitHub's code", got)
	}

	// A pasted link opens the review; Enter there adds (its default
	// button), and the toast naming the long account wraps in the window.
	long := "A Very Long Issuer Name For Testing Toasts Inc"
	setClipboard(t, "otpauth://totp/"+strings.ReplaceAll(long, " ", "%20")+":someone.with.a.long.address@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer="+strings.ReplaceAll(long, " ", "%20"))
	xdotool(t, "key", "--clearmodifiers", "ctrl+v")
	time.Sleep(500 * time.Millisecond)
	xdotool(t, "key", "--clearmodifiers", "Return")
	time.Sleep(700 * time.Millisecond)
	e.screenshot(a, "e2e-long-toast")
	if got := e.runCLI("", "list"); !strings.Contains(got, long) {
		t.Fatalf("Enter on the review added nothing: %q", got)
	}
	if got := windowSize(t, a.wid); got != size {
		t.Errorf("the toast changed the window from %s to %s", size, got)
	}
}
