//go:build e2e

package platform

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSecureYourAccountPage walks a new admin to Secure Your Account
// in headless Chromium: the header names them with Sign out (they are half
// signed in), the footer states the policy, the QR code scans. Its
// screenshot with the manual key shown is README's picture (make
// screenshots, .ci/screenshots).
func TestBrowserSecureYourAccountPage(t *testing.T) {
	f := newFixture(t, Config{Issuer: "Acme Cloud", TestClock: true})
	base := f.start()
	b := newBrowser(t, base)
	const pw = "a long enough password"
	b.run(chromedp.Navigate(base+"/register"), chromedp.WaitVisible(chromedp.CSS("#register-form")),
		chromedp.SendKeys(chromedp.CSS("#company"), "Initech"), chromedp.SendKeys(chromedp.CSS("#name"), "Ada Admin"),
		chromedp.SendKeys(chromedp.CSS("#email"), "ada@initech.example"), chromedp.SendKeys(chromedp.CSS("#password"), pw),
		chromedp.Click(chromedp.CSS("#register")), chromedp.WaitVisible(chromedp.CSS("#signin-form")))
	b.signIn("ada@initech.example", pw)
	if loc := b.location(); loc != "/mfa/setup" {
		t.Fatalf("after the first sign-in at %s", loc)
	}
	if got := b.text("#half-signed-in"); got != "ada@initech.example" {
		t.Errorf("the header names %q, want the user's email", got)
	}
	if got := b.text("#policy"); !strings.HasPrefix(got, "Policy: 6-digit SHA1 codes every 30 s") {
		t.Errorf("the footer's policy line reads %q", got)
	}
	b.secureAccount("Acme Cloud", "ada@initech.example", f.clk.Now(), "secure-your-account")
}
