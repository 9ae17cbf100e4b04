package desktop

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"authdesk/app/journey"
	"authdesk/vault/otpauth"
)

// browserSession signs a person up on the platform at url as a browser
// would, remembering the device, and returns the signed-in client.
func browserSession(t *testing.T, url string) (*journey.Client, string, string) {
	t.Helper()
	ctx := context.Background()
	c, err := journey.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	email, pw := "tester@acme.test", "correct horse tester"
	if err := c.Register(ctx, "Acme", "Tess Tester", email, pw); err != nil {
		t.Fatal(err)
	}
	r, err := c.SignIn(ctx, email, pw)
	if err != nil || r.Setup == nil {
		t.Fatalf("first sign-in: %+v, %v", r, err)
	}
	acct, err := otpauth.Parse(r.Setup.URI)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	code, _ := acct.Code(now)
	if _, err := c.ConfirmSetup(ctx, code); err != nil {
		t.Fatal(err)
	}
	if err := c.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if r, err = c.SignIn(ctx, email, pw); err != nil || r.Status != "mfa_required" {
		t.Fatalf("second sign-in: %+v, %v", r, err)
	}
	next, _ := acct.Code(now.Add(time.Duration(acct.Period) * time.Second))
	if r, err = c.Verify(ctx, next, true); err != nil || r.Status != "signed_in" {
		t.Fatalf("remember this device: %+v, %v", r, err)
	}
	return c, email, pw
}

// TestWorkbenchRunLeavesSharedPlatformAlone keeps a browser-style session
// with a remembered device on the shared platform, runs all scenarios, and
// checks that the session still works, the device is still remembered and
// the shared clock did not move; then that "Run against the shared
// platform" does run there, and the header shows the moved clock.
func TestWorkbenchRunLeavesSharedPlatformAlone(t *testing.T) {
	_, tr := openWorkbench(t)
	ctx := context.Background()
	c, email, pw := browserSession(t, tr.url)
	before, err := c.Now(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tr.clockL.Text, "Shared platform clock: ") || !strings.Contains(tr.clockL.Text, "the same as yours") {
		t.Errorf("header clock = %q", tr.clockL.Text)
	}

	test.Tap(tr.runAll)

	if tr.report == nil || !tr.report.Passed() {
		t.Fatalf("run: %q", tr.summary.Text)
	}
	if tr.report.Platform == strings.TrimSuffix(tr.url, "/") || tr.report.Platform == tr.url {
		t.Errorf("the scenarios ran against the shared platform %s", tr.report.Platform)
	}
	if !strings.Contains(tr.summary.Text, "private platform") {
		t.Errorf("summary does not say where: %q", tr.summary.Text)
	}
	after, err := c.Now(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if moved := after.Sub(before); moved > time.Minute {
		t.Errorf("the shared clock moved %v", moved)
	}
	if me, err := c.Me(ctx); err != nil || me.Email != email {
		t.Errorf("the tester's session is gone: %+v, %v", me, err)
	}
	if err := c.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if r, err := c.SignIn(ctx, email, pw); err != nil || r.Status != "signed_in" {
		t.Errorf("the remembered device no longer counts: %+v, %v", r, err)
	}

	// Chosen on purpose, a clock scenario moves the shared clock, and the
	// header says so.
	tr.shared.SetChecked(true)
	tr.runScenarios([]string{"setup-expiry"})
	if tr.report == nil || tr.report.Platform != strings.TrimSuffix(tr.url, "/") && tr.report.Platform != tr.url {
		t.Fatalf("shared run went to %+v", tr.report)
	}
	if !strings.Contains(tr.clockL.Text, "ahead of yours") {
		t.Errorf("after a shared clock run the header says %q", tr.clockL.Text)
	}
}
