package journey

import (
	"context"
	"testing"
	"time"

	"authdesk/app/platform/api"
	"authdesk/vault"
)

// When every code the platform would accept now was used, freshCode waits
// for the next time step on the injected clock (Options.Wait), not on the
// real one, and then gives that step's code.
func TestFreshCodeWaitsOnInjectedClock(t *testing.T) {
	for _, tc := range []struct {
		name  string
		at    time.Time     // the clock when the codes run out
		skew  int           // the policy's skew
		codes int           // codes available before waiting
		want  time.Duration // the wait asked for
	}{
		{"start of a step", time.Unix(30*1000, 0), 0, 1, 30 * time.Second},
		{"mid-step", time.Unix(30*1000+12, 0), 0, 1, 18 * time.Second},
		{"skew 1", time.Unix(30*1000+29, 0), 1, 2, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &movableClock{t: tc.at}
			var waits []time.Duration
			wait := func(ctx context.Context, d time.Duration) error {
				waits = append(waits, d)
				return clk.Wait(ctx, d)
			}
			e := &env{opt: Options{Now: clk.Now, Wait: wait}, policy: api.Policy{Skew: tc.skew}}
			a := &agent{t: &scenarioRun{ctx: context.Background(), env: e}, last: map[string]int64{},
				acct: vault.Account{Secret: []byte("12345678901234567890"), Digits: 6, Period: 30, Algorithm: "SHA1"}}
			step := tc.at.Unix() / 30
			for i := range tc.codes {
				if _, err := a.freshCode(); err != nil {
					t.Fatal(err)
				}
				if len(waits) != 0 {
					t.Fatalf("code %d waited %v; the step had codes left", i+1, waits)
				}
			}
			code, err := a.freshCode()
			if err != nil {
				t.Fatal(err)
			}
			if len(waits) != 1 || waits[0] != tc.want {
				t.Fatalf("waits %v, want [%v]", waits, tc.want)
			}
			next := step + int64(tc.skew) + 1
			if want := a.codeAt(a.acct, next); code != want {
				t.Errorf("after the wait: code %s, want step %d's %s", code, next, want)
			}
		})
	}
}

// A run whose context ends while a scenario waits for the next step stops
// waiting at once with the context's error.
func TestWaitStepStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	clk := newMovableClock()
	e := &env{opt: Options{Now: clk.Now, Wait: sleep}}
	a := &agent{t: &scenarioRun{ctx: ctx, env: e}, acct: vault.Account{Period: 30}}
	done := make(chan error, 1)
	go func() { done <- a.waitStep(a.nowStep()) }()
	select {
	case err := <-done:
		if err != context.Canceled {
			t.Fatalf("waitStep: %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("waitStep kept waiting after its context ended")
	}
}
