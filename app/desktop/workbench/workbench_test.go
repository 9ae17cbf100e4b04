package workbench

import (
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/look"
	"authdesk/app/journey"
)

// openWorkbench opens the simulator (Ctrl+P) on a real embedded platform.
func openWorkbench(t *testing.T) (*harness, *Workbench) {
	t.Helper()
	h := openWith(t, sampleAccounts(t)...)
	tr := Open(h.cfg)
	t.Cleanup(tr.Close)
	if !strings.HasPrefix(tr.status.Text, "Running at http://127.0.0.1:") || tr.runAll.Disabled() {
		t.Fatalf("platform not running: %q", tr.status.Text)
	}
	return h, tr
}

// rowsOf returns the rows shown for one scenario.
func rowsOf(tr *Workbench, scenario string) []stepRow {
	var out []stepRow
	for _, r := range tr.rows {
		if r.scenario == scenario {
			out = append(out, r)
		}
	}
	return out
}

// TestWorkbenchRunsAllScenarios taps Run all: every scenario runs against
// the embedded platform, each step shows its mark, detail and time, the
// enrolled accounts go to the Simulator vault (not the user's), and the
// report is saved.
func TestWorkbenchRunsAllScenarios(t *testing.T) {
	h, tr := openWorkbench(t)
	if tr.win.Title() != Title {
		t.Errorf("title = %q", tr.win.Title())
	}
	before := len(h.user.Accounts())
	// On the shared platform, so that its outbox (below) holds the mail.
	tr.shared.SetChecked(true)
	if !tr.save.Disabled() {
		t.Error("Save report… is enabled before any run")
	}

	test.Tap(tr.runAll)

	if tr.report == nil || len(tr.report.Scenarios) != len(journey.Scenarios()) {
		t.Fatalf("report = %+v", tr.report)
	}
	if !strings.Contains(tr.summary.Text, "passed") {
		t.Errorf("summary = %q", tr.summary.Text)
	}
	for _, s := range journey.Scenarios() {
		rows := rowsOf(tr, s.Name)
		if len(rows) < 3 {
			t.Errorf("%s: %d rows shown", s.Name, len(rows))
			continue
		}
		last := rows[len(rows)-1]
		if !strings.HasPrefix(last.title, "Scenario ") || (last.status != journey.Passed && last.status != journey.Failed) {
			t.Errorf("%s ends with %+v", s.Name, last)
		}
		if !strings.HasSuffix(rows[0].detail, " ms)") {
			t.Errorf("%s: step detail without its time: %q", s.Name, rows[0].detail)
		}
	}
	// README's picture (make screenshots): the results of Run all.
	if dir := os.Getenv("AUTHDESK_SCREENSHOTS"); dir != "" {
		// Setting the theme lays every window out again, as the user's
		// theme choice in the app does.
		h.a.Settings().SetTheme(look.New("light"))
		tr.win.Resize(fyne.NewSize(900, 720))
		f, err := os.Create(filepath.Join(dir, "widget-workbench.png"))
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, tr.win.Canvas().Capture())
		f.Close()
	}
	if got := rowsOf(tr, "first-setup"); got[len(got)-1].status != journey.Passed {
		t.Errorf("first-setup did not pass: %+v", got)
	}
	if tr.qr.Hidden || tr.qr.Image == nil {
		t.Error("the current QR code is not shown")
	}
	if n := len(h.user.Accounts()); n != before {
		t.Errorf("the user's vault went from %d to %d accounts; scenarios enrol into the Simulator vault", before, n)
	}
	if tr.sim.v == nil || len(tr.sim.v.Accounts()) == 0 || !strings.HasPrefix(tr.simLabel.Text, "Simulator vault: ") {
		t.Errorf("Simulator vault %v (%v), label %q", tr.sim.v, tr.sim.err, tr.simLabel.Text)
	}

	if tr.save.Disabled() || tr.runAll.Disabled() || tr.runSel.Disabled() || tr.clockBtn[0].Disabled() {
		t.Fatal("buttons stay disabled after a run")
	}
	dir := filepath.Join(t.TempDir(), "report")
	tr.saveReportTo(dir)
	for _, f := range []string{"report.json", "report.md", "junit.xml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("saved report: %v", err)
		}
	}
	if !strings.HasPrefix(tr.summary.Text, "Report saved in ") {
		t.Errorf("summary after saving = %q", tr.summary.Text)
	}

	// The invited-user scenario left its invitation in the outbox.
	tr.refreshOutbox()
	found := false
	for _, o := range tr.outbox.Objects {
		if box, ok := o.(*fyne.Container); ok {
			for _, w := range box.Objects {
				if l, ok := w.(*widget.Label); ok && strings.Contains(l.Text, "invited") {
					found = true
				}
			}
		}
	}
	if !found {
		t.Error("the outbox shows no invitation")
	}
}

// TestWorkbenchShowsAFailingStep runs one scenario against a platform whose
// lockout answers 401 instead of 429: the failed step is shown with what
// was expected and what came back.
func TestWorkbenchShowsAFailingStep(t *testing.T) {
	_, tr := openWorkbench(t)
	target, _ := url.Parse(tr.url)
	proxy := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target) },
		ModifyResponse: func(resp *http.Response) error {
			if resp.StatusCode == http.StatusTooManyRequests {
				resp.StatusCode = http.StatusUnauthorized
				resp.Header.Del("Retry-After")
			}
			return nil
		},
	})
	defer proxy.Close()
	tr.url = proxy.URL
	tr.shared.SetChecked(true) // through the proxy
	for i, c := range tr.checks {
		c.SetChecked(tr.names[i] == "lockout")
	}

	test.Tap(tr.runSel)

	rows := rowsOf(tr, "lockout")
	var failed *stepRow
	for i := range rows {
		if rows[i].status == journey.Failed && !strings.HasPrefix(rows[i].title, "Scenario") {
			failed = &rows[i]
		}
	}
	if failed == nil {
		t.Fatalf("no failed step shown: %+v", rows)
	}
	if failed.title != "10 wrong codes" || !strings.Contains(failed.detail, "expected ") || !strings.Contains(failed.detail, "HTTP 401") {
		t.Errorf("failed step = %+v", *failed)
	}
	if len(tr.rows) != len(rows) {
		t.Errorf("unticked scenarios ran: %d rows, %d of lockout", len(tr.rows), len(rows))
	}
	if !strings.HasPrefix(tr.summary.Text, "0 passed, 1 failed") {
		t.Errorf("summary = %q", tr.summary.Text)
	}
}

// TestWorkbenchClockAndWalkGuide moves the test clock by a custom amount and
// starts the guide, which refuses a step the platform does not show.
func TestWorkbenchClockAndWalkGuide(t *testing.T) {
	h, tr := openWorkbench(t)
	test.Type(tr.custom, "soon")
	test.Tap(tr.clockBtn[len(tr.clockBtn)-1])
	if !strings.HasPrefix(tr.date.Text, "Enter a positive amount") {
		t.Errorf("bad amount: %q", tr.date.Text)
	}
	tr.custom.SetText("7d")
	test.Tap(tr.clockBtn[len(tr.clockBtn)-1])
	if !strings.HasPrefix(tr.date.Text, "platform date ") {
		t.Errorf("after +7d: %q", tr.date.Text)
	}
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{{"7d", "168h0m0s", true}, {"1d12h", "36h0m0s", true}, {"90m", "1h30m0s", true}, {"0d", "", false}, {"-1h", "", false}, {"", "", false}} {
		d, ok := parseAdvance(tc.in)
		if ok != tc.ok || (tc.ok && d.String() != tc.want) {
			t.Errorf("parseAdvance(%q) = %v, %v", tc.in, d, ok)
		}
	}

	g := tr.walk
	test.Tap(g.start)
	if g.user.Email == "" || g.at != 0 {
		t.Fatalf("guide did not start: %+v", g.user)
	}
	// The guide asks the platform, not the tester (TestWalkGuideWatchesThePlatform).
	test.Tap(g.next)
	if g.at != 0 || !strings.HasPrefix(g.check.Text, "✘ Not yet") {
		t.Errorf("guide at %d, check %q before registering", g.at, g.check.Text)
	}
	_ = h
}

// TestPlatformSimulatorReportsAStartFailure shows why the platform could not
// start instead of a dead window.
func TestPlatformSimulatorReportsAStartFailure(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	h.cfg.PlatformDB = filepath.Join(t.TempDir(), "missing", "dir", "\x00bad.db")
	tr := Open(h.cfg)
	defer tr.win.Close()
	if !strings.HasPrefix(tr.status.Text, "The platform could not start") {
		t.Errorf("status = %q", tr.status.Text)
	}
	for _, b := range []*widget.Button{tr.runAll, tr.runSel, tr.open, tr.walk.start} {
		if !b.Disabled() {
			t.Errorf("%q is enabled without a platform", b.Text)
		}
	}
}
