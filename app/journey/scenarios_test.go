package journey

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"authdesk/app/platform"
)

// startServer runs a real platform on loopback with a fresh database, on
// clk's time, and returns its URL.
func startServer(t *testing.T, testClock bool, clk *movableClock) string {
	t.Helper()
	srv, err := platform.New(platform.Config{PasswordHash: platform.ThrowawayHashCost, DBPath: filepath.Join(t.TempDir(), "platform.db"), TestClock: testClock, Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return url
}

// runScenarios runs the named scenarios (none: all) with clk as the
// authenticator's clock: waiting for the next code moves it.
func runScenarios(t *testing.T, url string, clk *movableClock, names ...string) *Report {
	t.Helper()
	scs, err := Select(names)
	if err != nil {
		t.Fatal(err)
	}
	// Generous: under -race on a loaded 2-core machine each Argon2id
	// sign-in takes seconds, and the clock scenarios run one at a time.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	rep, err := Run(ctx, Options{URL: url, Now: clk.Now, Wait: clk.Wait}, scs)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func logScenario(t *testing.T, sc ScenarioResult) {
	t.Helper()
	for i, st := range sc.Steps {
		t.Logf("%s %d [%s] %s (%d ms)\n  request:  %s\n  expected: %s\n  observed: %s", sc.Name, i+1, st.Status, st.Title, st.MS, st.Request, st.Expected, st.Observed)
	}
}

// TestScenariosPass runs every scenario at once against the real embedded
// platform with its test clock: all pass.
func TestScenariosPass(t *testing.T) {
	t.Parallel()
	clk := newMovableClock()
	rep := runScenarios(t, startServer(t, true, clk), clk)
	if len(rep.Scenarios) != 10 {
		t.Fatalf("%d scenarios ran, want 10", len(rep.Scenarios))
	}
	for _, sc := range rep.Scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			if sc.Status != Passed {
				logScenario(t, sc)
				t.Fatalf("%s: %s (%s)", sc.Name, sc.Status, sc.Reason)
			}
			if len(sc.Steps) < 4 {
				t.Errorf("only %d steps", len(sc.Steps))
			}
		})
	}
	if !rep.TestClock || rep.Policy.Digits != 6 {
		t.Errorf("report: test clock %v, policy %+v", rep.TestClock, rep.Policy)
	}
	t.Logf("all scenarios took %d ms", rep.MS)
}

// TestClockScenariosSkipWithoutTestClock: against a platform without its
// test clock, the scenarios that move it are skipped with the reason, the
// others run, and the run counts as passed.
func TestClockScenariosSkipWithoutTestClock(t *testing.T) {
	t.Parallel()
	clk := newMovableClock()
	rep := runScenarios(t, startServer(t, false, clk), clk, "first-setup", "lockout", "setup-expiry")
	want := map[string]string{"first-setup": Passed, "lockout": skipped, "setup-expiry": skipped}
	for _, sc := range rep.Scenarios {
		if sc.Status != want[sc.Name] {
			logScenario(t, sc)
			t.Errorf("%s: %s, want %s", sc.Name, sc.Status, want[sc.Name])
		}
		if sc.Status == skipped && (!strings.Contains(sc.Reason, "--test-clock") || len(sc.Steps) != 0) {
			t.Errorf("%s skipped with reason %q after %d steps", sc.Name, sc.Reason, len(sc.Steps))
		}
	}
	if !rep.Passed() || rep.TestClock {
		t.Errorf("passed %v, test clock %v", rep.Passed(), rep.TestClock)
	}
	if rep.PolicySource != "platform" {
		t.Errorf("policy source %q", rep.PolicySource)
	}
}
