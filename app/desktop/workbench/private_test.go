package workbench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
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
	wallBefore := time.Now()
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
	// The shared clock runs with the real one: only what it moved beyond
	// the real time that passed counts (Run all moves a clock ~60 days).
	if moved := after.Sub(before) - time.Since(wallBefore); moved > time.Minute {
		t.Errorf("the shared clock moved %v beyond the real time", moved)
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

// TestWorkbenchResultsGrouped runs two scenarios, one failing: the steps
// sit under their scenario's head, each head says passed or failed, the
// failure is open with its step, expected and observed, the passed one is
// closed; and at 900×720 all ten heads and all ten ticks are on screen
// without scrolling.
func TestWorkbenchResultsGrouped(t *testing.T) {
	_, tr := openWorkbench(t)
	target, _ := url.Parse(tr.url)
	proxy := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target) },
		ModifyResponse: func(resp *http.Response) error {
			if resp.StatusCode == http.StatusTooManyRequests {
				resp.StatusCode = http.StatusUnauthorized
			}
			return nil
		},
	})
	defer proxy.Close()
	tr.url = proxy.URL
	tr.shared.SetChecked(true)
	tr.runScenarios([]string{"recovery-code", "lockout"})

	pass, fail := tr.groups["recovery-code"], tr.groups["lockout"]
	if pass == nil || fail == nil || len(tr.groups) != 2 {
		t.Fatalf("groups: %v", tr.groups)
	}
	if !strings.Contains(pass.head.Text, "recovery-code — passed") || pass.head.Icon != theme.ConfirmIcon() || pass.open {
		t.Errorf("passed head %q (open %v)", pass.head.Text, pass.open)
	}
	if !strings.Contains(fail.head.Text, "lockout — FAILED: step 7 failed: 10 wrong codes") || fail.head.Icon != theme.ErrorIcon() || !fail.open {
		t.Errorf("failed head %q (open %v)", fail.head.Text, fail.open)
	}
	var shown []string
	for _, o := range fail.body.Objects {
		for _, w := range test.LaidOutObjects(o) {
			if rt, ok := w.(*widget.RichText); ok {
				shown = append(shown, rt.String())
			}
		}
	}
	all := strings.Join(shown, "\n")
	for _, want := range []string{"Step 7 · 10 wrong codes", "Expected: the first 9 answer 401; then HTTP 429", "Observed: wrong code 10: HTTP 401, want 429"} {
		if !strings.Contains(all, want) {
			t.Errorf("the open failure does not show %q:\n%s", want, all)
		}
	}
	test.Tap(fail.head)
	if fail.open || fail.body.Visible() {
		t.Error("tapping the head did not close the group")
	}

	// All ten, closed, fit at 900×720, and so do their ticks.
	tr.resetGroups(tr.names, "")
	tr.win.Resize(fyne.NewSize(900, 720))
	height := tr.win.Canvas().Size().Height
	d := fyne.CurrentApp().Driver()
	for i, n := range tr.names {
		for what, o := range map[string]fyne.CanvasObject{"result": tr.groups[n].head, "tick": tr.checks[i]} {
			if bottom := d.AbsolutePositionForObject(o).Y + o.Size().Height; bottom > height || o.Size().Height == 0 {
				t.Errorf("%s %s ends at %.0f of %.0f px: needs scrolling", what, n, bottom, height)
			}
		}
	}
}

// TestWorkbenchSaveAsksBeforeReplacing: saving into a folder that holds a
// report asks first; Escape keeps the old one, Enter replaces it.
func TestWorkbenchSaveAsksBeforeReplacing(t *testing.T) {
	h, tr := openWorkbench(t)
	tr.report = &journey.Report{Platform: tr.url}
	dir := t.TempDir()
	tr.confirmSave(dir)
	cv := tr.win.Canvas()
	if dialogs.Open(cv) {
		t.Fatal("saving into an empty folder asked a question")
	}
	md := filepath.Join(dir, "report.md")
	if err := os.WriteFile(md, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	tr.confirmSave(dir)
	if !dialogs.Open(cv) {
		t.Fatal("saving over a report did not ask")
	}
	if text := overlayText(cv); !strings.Contains(text, "report.json, report.md and junit.xml are already in "+dir) {
		t.Errorf("the question says %q", text)
	}
	press(cv, fyne.KeyEscape)
	if b, _ := os.ReadFile(md); string(b) != "old" || dialogs.Open(cv) {
		t.Fatalf("Escape: report.md %q, dialog open %v", b, dialogs.Open(cv))
	}
	tr.confirmSave(dir)
	press(cv, fyne.KeyReturn)
	if b, _ := os.ReadFile(md); string(b) == "old" {
		t.Error("Replace left the old report")
	}
	_ = h
}

// overlayText returns the text of the labels in c's overlays.
func overlayText(c fyne.Canvas) string {
	var out []string
	for _, root := range c.Overlays().List() {
		for _, o := range test.LaidOutObjects(root) {
			if l, ok := o.(*widget.Label); ok {
				out = append(out, l.Text)
			}
		}
	}
	return strings.Join(out, "\n")
}

// TestWorkbenchOutboxRefreshesItself: opening the Outbox tab shows the mail
// already sent, and mail sent while it is open appears without Refresh.
func TestWorkbenchOutboxRefreshesItself(t *testing.T) {
	h, tr := openWorkbench(t)
	tr.shared.SetChecked(true)
	tr.runScenarios([]string{"invited-user"})
	tr.tabs.Select(tr.outboxTab)
	first := strings.Count(labelsIn(tr.outbox), "invited")
	if first == 0 {
		t.Fatalf("the opened outbox shows %q", labelsIn(tr.outbox))
	}
	tr.runScenarios([]string{"invited-user"})
	h.advance(sharedClockEvery)
	if n := strings.Count(labelsIn(tr.outbox), "invited"); n <= first {
		t.Errorf("the open outbox did not refresh: %d invitations, before %d", n, first)
	}
}

// labelsIn joins the labels under o.
func labelsIn(o fyne.CanvasObject) string {
	var out []string
	for _, w := range test.LaidOutObjects(o) {
		if l, ok := w.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return strings.Join(out, "\n")
}
