package journey

import (
	"path/filepath"
	"testing"
	"time"

	"authdesk/app/platform"
)

// TestScenariosFollowPolicy runs all ten scenarios against platforms with
// other policies than the seed's: every scenario derives its days, codes
// and counts from GET /api/policy, so all pass under each.
func TestScenariosFollowPolicy(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	for _, c := range []struct {
		name string
		edit func(*platform.Policy)
	}{
		{"reenrol-7d", func(p *platform.Policy) { p.ReenrolAfter = 7 * day }},
		{"remember-1d", func(p *platform.Policy) { p.RememberFor = day }},
		{"8-digits-sha512-60s", func(p *platform.Policy) { p.Digits, p.Algorithm, p.Period = 8, "SHA512", 60 }},
		{"3-failures", func(p *platform.Policy) { p.MaxCodeFailures = 3 }},
		{"remember-outlasts-reenrol", func(p *platform.Policy) { p.ReenrolAfter, p.RememberFor = 2*day, 10*day }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			pol := platform.DefaultPolicy()
			c.edit(&pol)
			clk := newMovableClock()
			srv, err := platform.New(platform.Config{PasswordHash: platform.ThrowawayHashCost, DBPath: filepath.Join(t.TempDir(), "platform.db"), TestClock: true, Policy: &pol, Clock: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			url, err := srv.Start("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			rep := runScenarios(t, url, clk)
			if len(rep.Scenarios) != 10 {
				t.Fatalf("%d scenarios ran, want 10", len(rep.Scenarios))
			}
			for _, sc := range rep.Scenarios {
				if sc.Status != Passed {
					logScenario(t, sc)
					t.Errorf("%s: %s (%s)", sc.Name, sc.Status, sc.Reason)
				}
			}
		})
	}
}
