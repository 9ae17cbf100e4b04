package workbench

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"authdesk/app/desktop/dialogs"
	"authdesk/app/journey"
	"authdesk/app/platform"
)

// policyOf asks the running platform for its policy, as scenarios do.
func policyOf(t *testing.T, base string) map[string]any {
	t.Helper()
	resp, err := http.Get(base + "/api/policy")
	if err != nil {
		t.Fatalf("GET /api/policy: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/policy: %s", resp.Status)
	}
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("GET /api/policy: %v", err)
	}
	return out
}

// openPolicy taps "Platform policy…" and returns the dialog's fields.
func openPolicy(t *testing.T, tr *Workbench) *policyForm {
	t.Helper()
	if tr.policyB.Disabled() {
		t.Fatal("Platform policy… is disabled while the platform runs")
	}
	tr.policyDlg = nil
	test.Tap(tr.policyB)
	f := tr.policyDlg
	if f == nil {
		t.Fatal("Platform policy… opened no dialog")
	}
	return f
}

// TestWorkbenchPolicyApplyRestarts sets 8 digits and SHA256, applies, and
// checks that the restarted platform reports them at GET /api/policy, that
// the window shows the running address again, and that the dialog opens
// with the new policy next time.
func TestWorkbenchPolicyApplyRestarts(t *testing.T) {
	_, tr := openWorkbench(t)
	before := policyOf(t, tr.url)
	if before["digits"] != float64(6) || before["algorithm"] != "SHA1" {
		t.Fatalf("default policy = %v", before)
	}
	oldSrv := tr.srv

	f := openPolicy(t, tr)
	if f.digits.Selected != "6" || f.algorithm.Selected != "SHA1" || f.period.Selected != "30" ||
		f.skew.Selected != "1" || f.reenrol.Text != "30d" || f.failures.Text != "10" {
		t.Fatalf("dialog does not show the default policy: %s %s %s %s %q %q", f.digits.Selected,
			f.algorithm.Selected, f.period.Selected, f.skew.Selected, f.reenrol.Text, f.failures.Text)
	}
	f.digits.SetSelected("8")
	f.algorithm.SetSelected("SHA256")
	f.period.SetSelected("60")
	f.failures.SetText("5")
	f.remember.SetText("1d12h")
	test.Tap(f.apply)

	if f.err.Visible() {
		t.Fatalf("a valid policy was refused: %q", f.err.Text)
	}
	if tr.srv == nil || tr.srv == oldSrv || tr.url == "" {
		t.Fatalf("the platform was not restarted (status %q)", tr.status.Text)
	}
	if !strings.HasPrefix(tr.status.Text, "Running at "+tr.url) || tr.runAll.Disabled() || tr.open.Disabled() {
		t.Errorf("after Apply the window shows %q (Run all disabled %v)", tr.status.Text, tr.runAll.Disabled())
	}
	got := policyOf(t, tr.url)
	if got["digits"] != float64(8) || got["algorithm"] != "SHA256" || got["period"] != float64(60) ||
		got["max_code_failures"] != float64(5) || got["remember_for_seconds"] != float64(36*3600) {
		t.Errorf("restarted platform reports %v", got)
	}
	if tr.policy.Digits != 8 || tr.policy.Algorithm != "SHA256" {
		t.Errorf("workbench remembers %+v", tr.policy)
	}

	// A run after Apply expects the new policy: its codes are 8 digits of
	// HMAC-SHA256 every 60 s, and the platform accepts them.
	tr.runScenarios([]string{"first-setup"})
	if tr.report == nil || tr.report.Policy.Digits != 8 || tr.report.Policy.Algorithm != "SHA256" {
		t.Fatalf("run after Apply used policy %+v", tr.report)
	}
	if len(tr.report.Scenarios) != 1 || tr.report.Scenarios[0].Status != journey.Passed {
		t.Errorf("first-setup under 8 digits/SHA256/60 s: %+v", tr.report.Scenarios)
	}

	if f := openPolicy(t, tr); f.digits.Selected != "8" || f.algorithm.Selected != "SHA256" || f.failures.Text != "5" {
		t.Errorf("dialog reopens with %s %s %q", f.digits.Selected, f.algorithm.Selected, f.failures.Text)
	} else {
		f.dlg.Hide()
	}
}

// TestWorkbenchPolicyInvalidKeepsOld enters values the platform refuses:
// the dialog shows the error in words, stays open, and the running
// platform keeps its policy.
func TestWorkbenchPolicyInvalidKeepsOld(t *testing.T) {
	_, tr := openWorkbench(t)
	for _, c := range []struct {
		name, reenrol, remember, failures, want string
	}{
		{"too many failures", "720h", "720h", "0", "must be 1 to 100, not 0"},
		{"refresh too short", "30m", "720h", "10", "between 1h and 3650d, not 30m"},
		{"not a duration", "720h", "a month", "10", `duration like 30d, 36h or 90m, not "a month"`},
		{"not a number", "720h", "720h", "ten", `whole number, not "ten"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, addr := tr.srv, tr.url
			f := openPolicy(t, tr)
			f.digits.SetSelected("8")
			f.reenrol.SetText(c.reenrol)
			f.remember.SetText(c.remember)
			f.failures.SetText(c.failures)
			test.Tap(f.apply)
			if !f.err.Visible() || !strings.Contains(f.err.Text, c.want) {
				t.Errorf("error shown = %q (visible %v), want %q", f.err.Text, f.err.Visible(), c.want)
			}
			if tr.win.Canvas().Overlays().Top() == nil {
				t.Error("the dialog closed on an invalid policy")
			}
			f.dlg.Hide()
			if tr.srv != srv || tr.url != addr {
				t.Error("an invalid policy restarted the platform")
			}
			if tr.policy != platform.DefaultPolicy() {
				t.Errorf("workbench policy = %+v", tr.policy)
			}
			if got := policyOf(t, tr.url); got["digits"] != float64(6) {
				t.Errorf("platform reports %v", got)
			}
		})
	}
}

// TestWorkbenchPolicyRestartFailure makes the restart fail (the database
// cannot be opened): the window says why, Run stays off, and the policy
// dialog still opens so the tester can apply again once the cause is gone.
func TestWorkbenchPolicyRestartFailure(t *testing.T) {
	_, tr := openWorkbench(t)
	db := tr.cfg.PlatformDB
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tr.cfg.PlatformDB = filepath.Join(notDir, "platform.db") // its "directory" is a file
	f := openPolicy(t, tr)
	f.digits.SetSelected("8")
	test.Tap(f.apply)
	if !strings.HasPrefix(tr.status.Text, "The platform could not start: ") || tr.url != "" || !tr.runAll.Disabled() {
		t.Fatalf("after a failed restart: status %q, url %q, Run all disabled %v", tr.status.Text, tr.url, tr.runAll.Disabled())
	}
	if tr.policy != platform.DefaultPolicy() {
		t.Errorf("a policy that never ran is kept: %+v", tr.policy)
	}

	tr.cfg.PlatformDB = db
	f = openPolicy(t, tr)
	if f.digits.Selected != "6" {
		t.Errorf("dialog shows %s digits, want the last running policy's 6", f.digits.Selected)
	}
	f.digits.SetSelected("8")
	test.Tap(f.apply)
	if tr.url == "" || policyOf(t, tr.url)["digits"] != float64(8) {
		t.Fatalf("apply after the failure: status %q", tr.status.Text)
	}
}

// TestWorkbenchPolicyKeys: Escape cancels the policy dialog and Enter in a
// field applies it.
func TestWorkbenchPolicyKeys(t *testing.T) {
	_, tr := openWorkbench(t)
	cv := tr.win.Canvas()
	openPolicy(t, tr)
	press(cv, fyne.KeyEscape)
	if dialogs.Open(cv) {
		t.Fatal("Escape left the policy dialog open")
	}
	f := openPolicy(t, tr)
	f.failures.SetText("4")
	cv.Focus(f.failures)
	press(cv, fyne.KeyReturn)
	if dialogs.Open(cv) || tr.policy.MaxCodeFailures != 4 {
		t.Errorf("Enter in a field: dialog open %v, policy %+v", dialogs.Open(cv), tr.policy)
	}
}
