//go:build e2e

package main_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"authdesk/app/journey"
	"authdesk/app/platform"
)

const chromium = "/usr/bin/chromium"

// TestScanScreenFromRealBrowser is the whole thing a person does: Debian's
// Chromium (not headless) shows the platform's "Secure Your Account" page
// on the Xvfb screen; the real authdesk window's Add → Scan screen reads
// the QR code from the screen; the code authdesk then copies is typed into
// the page, which says "MFA setup is complete". Screenshots of both
// windows are kept in $AUTHDESK_SCREENSHOTS (or the test's temp dir).
func TestScanScreenFromRealBrowser(t *testing.T) {
	e := newEnv(t)
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
			t.Fatalf("%s is missing but AUTHDESK_REQUIRE_DESKTOP=1", chromium)
		}
		t.Skipf("%s not installed", chromium)
	}

	// The platform, and a company registered through its API.
	srv, err := platform.New(platform.Config{DBPath: filepath.Join(e.dir, "platform.db")})
	if err != nil {
		t.Fatal(err)
	}
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	api, err := journey.NewClient(base)
	if err != nil {
		t.Fatal(err)
	}
	const email, password = "scan@acme.example", "a long enough password"
	ctx := context.Background()
	if err := api.Register(ctx, "Acme Scan", "Sam Scanner", email, password); err != nil {
		t.Fatal(err)
	}

	// Chromium on the left of the screen, signed in up to "Secure Your
	// Account"; its "Save password?" bubble would cover the page.
	profile := filepath.Join(e.dir, "chromium")
	if err := os.MkdirAll(filepath.Join(profile, "Default"), 0o700); err != nil {
		t.Fatal(err)
	}
	prefs := `{"credentials_enable_service": false, "profile": {"password_manager_enabled": false}}`
	if err := os.WriteFile(filepath.Join(profile, "Default", "Preferences"), []byte(prefs), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", false),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("window-position", "0,0"),
		chromedp.WindowSize(900, 1000),
		chromedp.UserDataDir(profile),
		chromedp.Env("DISPLAY=" + os.Getenv("DISPLAY")),
	}
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelC := chromedp.NewContext(actx)
	bctx, cancelT := context.WithTimeout(bctx, 2*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, actions...); err != nil {
			t.Fatalf("chromium: %v", err)
		}
	}
	run(chromedp.Navigate(base+"/signin"), chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#signin")), chromedp.WaitVisible(chromedp.CSS("#qr")))
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`document.getElementById("qr").complete && document.getElementById("qr").naturalWidth > 0`)); err != nil {
		t.Fatalf("QR image did not load: %v", err)
	}
	heading, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || !strings.Contains(heading, "Secure Your Account") {
		t.Fatalf("page heading %q, %v", heading, err)
	}

	// Authdesk on the right, then Add → Scan screen.
	e.runCLI("e2e password\n", "--password-stdin", "init")
	a := e.start()
	a.waitReady(t)
	xdotool(t, "windowmove", "--sync", a.wid, "1000", "100")
	time.Sleep(500 * time.Millisecond) // let both windows reach the screen
	e.screenshot(a, "e2e-scan-before")
	xdotool(t, "windowfocus", "--sync", a.wid)
	xdotool(t, "key", "--clearmodifiers", "ctrl+n")
	time.Sleep(500 * time.Millisecond)
	// The chooser's first button is "Scan screen": Tab focuses it, space presses it.
	xdotool(t, "key", "--clearmodifiers", "Tab")
	xdotool(t, "key", "--clearmodifiers", "space")

	// "Found 1 account in your screen": the check box, Cancel, then Add
	// take the focus in turn.
	time.Sleep(2 * time.Second)
	e.screenshot(a, "e2e-scan-found")
	xdotool(t, "windowfocus", "--sync", a.wid)
	xdotool(t, "key", "--clearmodifiers", "Tab", "Tab", "Tab", "space")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(e.listAccounts(), email) {
		if time.Now().After(deadline) {
			e.screenshot(a, "e2e-scan-stuck")
			t.Fatalf("authdesk did not add %s from the screen:\n%s", email, a.log())
		}
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	e.screenshot(a, "e2e-scan-added")

	// Authdesk selects the new account: Return copies its code.
	xdotool(t, "key", "--clearmodifiers", "Escape")
	xdotool(t, "key", "--clearmodifiers", "Return")
	code := clipboard(t, "")
	if !regexp.MustCompile(`^\d{6}$`).MatchString(code) || !e.matchesCode(email, code) {
		t.Fatalf("authdesk copied %q, authdesk-cli code says %q", code, e.runCLI("", "code", email))
	}

	run(chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Click(chromedp.CSS("#verify-setup")),
		chromedp.WaitVisible(chromedp.CSS("#setup-complete")))
	done, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#setup-complete")))
	if err != nil || strings.TrimSpace(done) != "MFA setup is complete" {
		t.Fatalf("the page says %q, %v", done, err)
	}
	time.Sleep(300 * time.Millisecond)
	shot := filepath.Join(e.screenDir, "e2e-scan-complete-screen.png")
	if out, err := exec.Command("import", "-window", "root", shot).CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v\n%s", err, out)
	}
	t.Logf("screenshot: %s", shot)
}

// listAccounts returns authdesk-cli list's output for the test vault.
func (e *env) listAccounts() string {
	cmd := e.command(e.cli, "--vault", e.vault, "list")
	out, _ := cmd.Output()
	return string(out)
}
