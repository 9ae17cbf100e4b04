//go:build e2e

package platform

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"authdesk/scanner"
	"authdesk/vault"
	"authdesk/vault/otpauth"
)

const chromiumPath = "/usr/bin/chromium"

// browser drives headless Chromium through the HTML pages and saves a
// screenshot of every page it visits.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
	n    int
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
			t.Fatalf("%s is missing but AUTHDESK_REQUIRE_DESKTOP=1: install Debian's chromium", chromiumPath)
		}
		t.Skipf("%s not installed; skipping the browser journey", chromiumPath)
	}
	dir := os.Getenv("AUTHDESK_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute) // generous: the 2-core machines are shared
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Logf("screenshots in %s", dir)
	return &browser{t: t, ctx: ctx, base: base, dir: dir}
}

func (b *browser) run(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("chromium: %v", err)
	}
}

// shot saves a full-page PNG screenshot and returns it.
func (b *browser) shot(name string) []byte {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	b.n++
	p := filepath.Join(b.dir, strings.ReplaceAll(strings.ToLower(b.t.Name()), "/", "_")+"-"+twoDigits(b.n)+"-"+name+".png")
	if err := os.WriteFile(p, png, 0o600); err != nil {
		b.t.Fatal(err)
	}
	return png
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func (b *browser) location() string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(s, b.base)
}

// signIn fills the sign-in form.
func (b *browser) signIn(email, password string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base+"/signin"), chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#signin")), chromedp.WaitNotPresent(chromedp.CSS("#signin-form")))
}

func (b *browser) signOut() {
	b.t.Helper()
	b.run(chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-form")))
}

// secureAccount reads the QR code from a screenshot of the setup page with
// our scanner, checks the manual key, and confirms with a code from our vault.
func (b *browser) secureAccount(issuer, email string, now time.Time, shotName string) vault.Account {
	b.t.Helper()
	b.run(chromedp.WaitVisible(chromedp.CSS("#qr")))
	// Visible is not loaded: wait for the image itself before the screenshot.
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.getElementById("qr").complete && document.getElementById("qr").naturalWidth > 0`)); err != nil {
		b.t.Fatalf("QR image did not load: %v", err)
	}
	png := b.shot(shotName)
	uris, err := scanner.Bytes(png)
	if err != nil || len(uris) != 1 {
		b.t.Fatalf("QR code in the setup screenshot: %q %v", uris, err)
	}
	acct, err := otpauth.Parse(uris[0])
	if err != nil {
		b.t.Fatalf("otpauth.Parse(%q): %v", uris[0], err)
	}
	if acct.Issuer != issuer || acct.Name != email || len(acct.Secret) != 20 {
		b.t.Fatalf("scanned account %+v", acct)
	}
	// "Trouble scanning?" reveals the same key, grouped in fours.
	b.run(chromedp.Click(chromedp.CSS("#trouble summary")), chromedp.WaitVisible(chromedp.CSS("#manual-key")))
	b.shot(shotName + "-manual-key")
	if got, want := b.text("#manual-key"), otpauth.FormatKey(vault.EncodeSecret(acct.Secret)); got != want {
		b.t.Fatalf("manual key %q, want %q", got, want)
	}
	code, err := acct.Code(now)
	if err != nil {
		b.t.Fatal(err)
	}
	b.run(chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Click(chromedp.CSS("#verify-setup")), chromedp.WaitVisible(chromedp.CSS("#setup-complete")))
	if got := b.text("#setup-complete"); got != "MFA setup is complete" {
		b.t.Fatalf("setup page says %q", got)
	}
	b.shot("setup-complete")
	b.run(chromedp.Click(chromedp.CSS("#continue")), chromedp.WaitVisible(chromedp.CSS("#welcome")))
	return acct
}

func TestBrowserJourney(t *testing.T) {
	f := newFixture(t, Config{Issuer: "Acme Cloud", TestClock: true})
	base := f.start()
	b := newBrowser(t, base)
	const pw = "a long enough password"

	// 1. Register a company.
	b.run(chromedp.Navigate(base+"/register"), chromedp.WaitVisible(chromedp.CSS("#register-form")),
		chromedp.SendKeys(chromedp.CSS("#company"), "Initech"), chromedp.SendKeys(chromedp.CSS("#name"), "Ada Admin"),
		chromedp.SendKeys(chromedp.CSS("#email"), "ada@initech.example"), chromedp.SendKeys(chromedp.CSS("#password"), pw))
	b.shot("register")
	b.run(chromedp.Click(chromedp.CSS("#register")), chromedp.WaitVisible(chromedp.CSS("#signin-form")))
	b.shot("signin")

	// 3–4. First sign-in: Secure Your Account.
	b.signIn("ada@initech.example", pw)
	if loc := b.location(); loc != "/mfa/setup" {
		t.Fatalf("after first sign-in at %s", loc)
	}
	ada := b.secureAccount("Acme Cloud", "ada@initech.example", f.clk.Now(), "secure-your-account")
	b.shot("home")
	if got := b.text("#me-email"); got != "ada@initech.example" {
		t.Fatalf("home shows %q", got)
	}

	// 2. Invite a user; the invitation shows up in the Outbox.
	b.run(chromedp.Click(chromedp.CSS("#manage-users")), chromedp.WaitVisible(chromedp.CSS("#invite-form")),
		chromedp.SendKeys(chromedp.CSS("#invite-email"), "bob@initech.example"), chromedp.Click(chromedp.CSS("#invite")), chromedp.WaitVisible(chromedp.CSS("#invite-sent")))
	b.shot("admin-invite-sent")
	inviteURL := b.text("#invite-link")
	b.signOut()
	b.run(chromedp.Navigate(base+"/outbox"), chromedp.WaitVisible(chromedp.CSS("#outbox")))
	b.shot("outbox")
	if !strings.Contains(b.text("#outbox"), inviteURL) {
		t.Fatalf("outbox does not show %s", inviteURL)
	}
	b.run(chromedp.Navigate(inviteURL), chromedp.WaitVisible(chromedp.CSS("#accept-form")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Bob Builder"), chromedp.SendKeys(chromedp.CSS("#password"), pw))
	b.shot("accept-invite")
	b.run(chromedp.Click(chromedp.CSS("#accept")), chromedp.WaitVisible(chromedp.CSS("#signin-form")))
	b.signIn("bob@initech.example", pw)
	b.secureAccount("Acme Cloud", "bob@initech.example", f.clk.Now(), "bob-secure-your-account")
	b.signOut()

	// 5. A later sign-in asks for the code; remember this device.
	f.clk.Add(30 * time.Second)
	b.signIn("ada@initech.example", pw)
	b.run(chromedp.WaitVisible(chromedp.CSS("#verify-form")))
	code, _ := ada.Code(f.clk.Now())
	b.run(chromedp.SendKeys(chromedp.CSS("#code"), "000000"), chromedp.Click(chromedp.CSS("#continue")), chromedp.WaitVisible(chromedp.CSS("#error")))
	b.shot("verify-wrong-code")
	b.run(chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Click(chromedp.CSS("#remember")))
	b.shot("verify")
	b.run(chromedp.Click(chromedp.CSS("#continue")), chromedp.WaitVisible(chromedp.CSS("#welcome")))
	b.signOut()
	// The remembered device skips the code step.
	b.signIn("ada@initech.example", pw)
	b.run(chromedp.WaitVisible(chromedp.CSS("#welcome")))

	// 6. The admin sees MFA status and resets Bob's MFA.
	b.run(chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.CSS("#users")))
	if txt := b.text("#users"); strings.Count(txt, "Enabled") != 2 {
		t.Fatalf("users table: %q", txt)
	}
	b.shot("admin-users")
	// The reset page comes back with a notice the users page had not shown.
	b.run(chromedp.Click(chromedp.CSS(`button[data-email="bob@initech.example"]`)), chromedp.WaitVisible(chromedp.CSS(".alert-info")))
	if txt := b.text("#users"); strings.Count(txt, "Enabled") != 1 || !strings.Contains(txt, "Not set up") {
		t.Fatalf("after reset: %q", txt)
	}
	b.shot("admin-after-reset")

	// The Test Clock panel moves the calendar 30 days: the key is due for a refresh.
	// The 12-hour session runs out with it, so the panel lands on the sign-in page.
	b.run(chromedp.Click(chromedp.CSS(`button[data-advance="720h"]`)), chromedp.WaitVisible(chromedp.CSS("#signin-form")))
	if got := b.text("#test-clock-now"); got != f.srv.clock.Now().UTC().Format("Mon 2 Jan 2006 15:04 UTC") || !strings.HasPrefix(got, "Wed 1 Apr 2026") {
		t.Fatalf("test clock panel shows %q", got)
	}
	// Day 30: the password alone leads to "Confirm it's you", not to a new QR code.
	f.clk.Add(30 * time.Second)
	b.signIn("ada@initech.example", pw)
	if loc := b.location(); loc != "/mfa/verify" {
		t.Fatalf("30 days later at %s, want the step-up page", loc)
	}
	b.run(chromedp.Navigate(base+"/mfa/setup"), chromedp.WaitVisible(chromedp.CSS("#confirm-its-you")))
	if loc := b.location(); loc != "/mfa/verify" {
		t.Fatalf("the setup page before the step-up is at %s", loc)
	}
	b.shot("reenrol-confirm-its-you")
	code, _ = ada.Code(f.clk.Now())
	b.run(chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Click(chromedp.CSS("#continue")), chromedp.WaitVisible(chromedp.CSS("#qr")))
	// Within the grace period "Not now" signs in with the current key.
	b.run(chromedp.WaitVisible(chromedp.CSS("#not-now")))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.getElementById("qr").complete && document.getElementById("qr").naturalWidth > 0`)); err != nil {
		t.Fatalf("QR image did not load: %v", err)
	}
	b.shot("reenrol-not-now")
	b.run(chromedp.Click(chromedp.CSS("#not-now")), chromedp.WaitVisible(chromedp.CSS("#welcome")))
	b.signOut()

	// A week later the grace period is over: after the step-up the new key is required.
	if _, err := f.srv.clock.Advance(7 * 24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	f.clk.Add(30 * time.Second)
	b.signIn("ada@initech.example", pw)
	b.run(chromedp.WaitVisible(chromedp.CSS("#confirm-its-you")))
	code, _ = ada.Code(f.clk.Now())
	b.run(chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Click(chromedp.CSS("#continue")), chromedp.WaitVisible(chromedp.CSS("#grace-over")))
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#not-now").length`)); err != nil || n != 0 {
		t.Fatalf("\"Not now\" after the grace period: %d %v", n, err)
	}
	// The new key's code in the same 30 s as the old key's step-up code.
	ada2 := b.secureAccount("Acme Cloud", "ada@initech.example", f.clk.Now(), "reenrol")
	if string(ada2.Secret) == string(ada.Secret) {
		t.Fatal("re-enrolment kept the old secret")
	}
	// The old key is refused from now on.
	b.signOut()
	f.clk.Add(30 * time.Second)
	b.signIn("ada@initech.example", pw)
	code, _ = ada.Code(f.clk.Now())
	b.run(chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Click(chromedp.CSS("#continue")), chromedp.WaitVisible(chromedp.CSS("#error")))
	code, _ = ada2.Code(f.clk.Now())
	b.run(chromedp.SendKeys(chromedp.CSS("#code"), code), chromedp.Click(chromedp.CSS("#continue")), chromedp.WaitVisible(chromedp.CSS("#welcome")))
}
