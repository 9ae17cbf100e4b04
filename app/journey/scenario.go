package journey

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"authdesk/app/platform/api"

	"authdesk/scanner"
	"authdesk/vault"
)

// Scenario is one path of the MFA journey: a named list of steps that
// registers its own company and users, so that scenarios run side by side
// against one platform.
type Scenario struct {
	Name    string // e.g. "first-setup"
	Summary string // one line for --list and the workbench
	// Clock scenarios move the platform's test clock. They run one at a
	// time while no other scenario runs (a moved clock expires everyone's
	// sessions and setups), and are skipped when the platform has no test
	// clock.
	Clock bool
	run   func(t *scenarioRun)
}

// Step statuses, and scenario statuses.
const (
	Passed  = "passed"
	Failed  = "failed"
	skipped = "skipped"
)

// stepResult is one finished step of a scenario.
type stepResult struct {
	Title    string `json:"title"`             // what the step does
	Request  string `json:"request,omitempty"` // the API calls it made, e.g. "POST /api/session"
	Expected string `json:"expected"`          // what the platform should answer
	Observed string `json:"observed"`          // what it answered (secrets left out)
	Status   string `json:"status"`            // passed or failed
	MS       int64  `json:"ms"`                // wall time
	// QRPNG is the setup QR image on steps that fetched one (not in reports).
	QRPNG []byte `json:"-"`
}

// ScenarioResult is one scenario's outcome.
type ScenarioResult struct {
	Name   string       `json:"name"`
	Status string       `json:"status"`           // passed, failed or skipped
	Reason string       `json:"reason,omitempty"` // why it was skipped, or which step failed
	MS     int64        `json:"ms"`
	Steps  []stepResult `json:"steps"`
}

// FailedStep returns the failed step's title ("" when none failed).
func (s ScenarioResult) FailedStep() string {
	for _, st := range s.Steps {
		if st.Status == Failed {
			return st.Title
		}
	}
	return ""
}

// Event is progress reported while scenarios run. Exactly one of Step and
// Done is set; Start marks a scenario that has begun.
type Event struct {
	Scenario string
	Start    bool
	Step     *stepResult
	Done     *ScenarioResult
}

// Options configure a run.
type Options struct {
	// URL is the platform's address, like "http://127.0.0.1:41234".
	URL string
	// ClockToken is sent as X-Test-Clock-Token when the clock is moved
	// (a platform that listens off loopback asks for it).
	ClockToken string
	// Decode reads QR payloads from a PNG; nil: scanner.Bytes.
	Decode func([]byte) ([]string, error)
	// Keep receives each account a scenario enrols (the workbench's
	// "Simulator" vault); nil keeps them in memory only.
	Keep func(vault.Account) error
	// Events receives progress, from the scenarios' goroutines.
	Events func(Event)
	// Now is the authenticator's clock for codes; nil: time.Now.
	Now func() time.Time
	// Wait lets d pass on Now's clock, or returns ctx's error when ctx
	// ends first: a scenario waits for the next time step when it has used
	// every code the platform would accept now. nil: a timer on the real
	// clock (right only when Now is nil).
	Wait func(ctx context.Context, d time.Duration) error
}

// Scenarios returns every scenario, in the order of the issue that asked
// for them.
func Scenarios() []Scenario {
	return []Scenario{
		{Name: "first-setup", Summary: "register, first sign-in, scan the QR code, confirm: \"MFA setup is complete\", recovery codes", run: firstSetup},
		{Name: "manual-key", Summary: "the grouped manual key typed in lower case gives the QR code's codes and confirms setup", run: manualKey},
		{Name: "invited-user", Summary: "admin invites, the outbox holds the link, the invitee accepts and sets up, the admin sees them enrolled", run: invitedUser},
		{Name: "wrong-and-replayed-codes", Summary: "a wrong, a replayed and a two-steps-ahead code are refused; the next step's code is accepted", run: wrongAndReplayed},
		{Name: "lockout", Summary: "too many wrong codes answer 429 with Retry-After; the lock holds in a new session; a recovery code gets in; +15 min lifts it", Clock: true, run: lockout},
		{Name: "recovery-code", Summary: "a recovery code signs in once, and the count goes down", run: recoveryCode},
		{Name: "admin-reset", Summary: "the admin resets a user's MFA: the old secret is refused, the next sign-in shows Secure Your Account", run: adminReset},
		{Name: "remember-device", Summary: "a remembered device skips the code until day 30; a password change and sign out everywhere forget it", Clock: true, run: rememberDevice},
		{Name: "reenrol-day-30", Summary: "at day 30 the current code first, then a new secret confirmed; the old secret is refused", Clock: true, run: reenrolDay30},
		{Name: "setup-expiry", Summary: "a QR code older than 10 minutes is refused; the next sign-in shows a new one", Clock: true, run: setupExpiry},
	}
}

// errUnknownScenario is returned for a name that is not a scenario.
var errUnknownScenario = errors.New("unknown scenario")

// Select returns the named scenarios in their usual order; no names: all.
func Select(names []string) ([]Scenario, error) {
	all := Scenarios()
	if len(names) == 0 {
		return all, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		found := false
		for _, s := range all {
			if s.Name == n {
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("%w %q (known: %s)", errUnknownScenario, n, strings.Join(names0(all), ", "))
		}
		want[n] = true
	}
	var out []Scenario
	for _, s := range all {
		if want[s.Name] {
			out = append(out, s)
		}
	}
	return out, nil
}

func names0(ss []Scenario) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Name
	}
	return out
}

// Report is the outcome of a run, as report.json holds it.
type Report struct {
	Platform string    `json:"platform"`
	Started  time.Time `json:"started"`
	MS       int64     `json:"ms"`
	// ClockOffsetMS is the platform's Date header minus the local clock
	// (to the second the header allows); a large one explains refused codes.
	ClockOffsetMS int64            `json:"clock_offset_ms"`
	TestClock     bool             `json:"test_clock"`
	Policy        api.Policy       `json:"policy"`
	PolicySource  string           `json:"policy_source"` // "platform" (GET /api/policy) or "defaults" (404)
	Scenarios     []ScenarioResult `json:"scenarios"`
}

// Passed reports whether no scenario failed (skips allowed).
func (r *Report) Passed() bool {
	for _, s := range r.Scenarios {
		if s.Status == Failed {
			return false
		}
	}
	return true
}

// Counts returns how many scenarios passed, failed and were skipped.
func (r *Report) Counts() (passed, failed, skipped int) {
	for _, s := range r.Scenarios {
		switch s.Status {
		case Passed:
			passed++
		case Failed:
			failed++
		default:
			skipped++
		}
	}
	return
}

// env is what the scenarios of one run share.
type env struct {
	opt       Options
	policy    api.Policy
	testClock bool
	// clockMu: scenarios that only read the clock hold it shared; one that
	// moves the clock holds it alone.
	clockMu sync.RWMutex
}

// codeNow is the time the authenticator makes codes for. The platform
// checks codes against its real clock, not its test clock, so moving the
// test clock never changes which code is valid.
func (e *env) codeNow() time.Time { return e.opt.Now() }

// Run runs scenarios (nil: all) against the platform at opt.URL,
// concurrently, and returns the report. The error is for a platform that
// cannot be reached at all; failed steps are in the report.
func Run(ctx context.Context, opt Options, scenarios []Scenario) (*Report, error) {
	if opt.Decode == nil {
		opt.Decode = scanner.Bytes
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Wait == nil {
		opt.Wait = sleep
	}
	if scenarios == nil {
		scenarios = Scenarios()
	}
	probe, err := NewClient(opt.URL)
	if err != nil {
		return nil, err
	}
	probe.ClockToken = opt.ClockToken
	rep := &Report{Platform: probe.BaseURL(), Started: time.Now().UTC()}
	first, err := probe.call(ctx, http.MethodGet, "/api/csrf", nil)
	if err != nil {
		return nil, fmt.Errorf("reach the platform: %w", err)
	}
	if !first.Date.IsZero() {
		mid := first.Sent.Add(first.Received.Sub(first.Sent) / 2)
		rep.ClockOffsetMS = first.Date.Sub(mid.Truncate(time.Second)).Milliseconds()
	}
	e := &env{opt: opt}
	e.policy, rep.PolicySource, err = readPolicy(ctx, probe)
	if err != nil {
		return nil, err
	}
	rep.Policy = e.policy
	clk, err := probe.call(ctx, http.MethodGet, "/api/test/clock", nil)
	if err != nil {
		return nil, fmt.Errorf("ask for the test clock: %w", err)
	}
	e.testClock = clk.Status == http.StatusOK
	rep.TestClock = e.testClock

	results := make([]ScenarioResult, len(scenarios))
	var wg sync.WaitGroup
	for i, sc := range scenarios {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.runOne(ctx, sc)
		}()
	}
	wg.Wait()
	rep.Scenarios = results
	rep.MS = time.Since(rep.Started).Milliseconds()
	return rep, nil
}

// abort unwinds a scenario after a failed step or a skip.
type abort struct{}

// scenarioRun is a running scenario, handed to its steps.
type scenarioRun struct {
	ctx     context.Context
	env     *env
	sc      Scenario
	res     *ScenarioResult
	reqs    []string // API calls of the current step
	qr      []byte   // QR image fetched in the current step
	clockMu bool     // holds env.clockMu alone
}

func (e *env) runOne(ctx context.Context, sc Scenario) (res ScenarioResult) {
	res = ScenarioResult{Name: sc.Name, Status: Passed, Steps: []stepResult{}}
	start := time.Now()
	t := &scenarioRun{ctx: ctx, env: e, sc: sc, res: &res}
	defer func() {
		if t.clockMu {
			e.clockMu.Unlock()
		}
		if p := recover(); p != nil {
			if _, ok := p.(abort); !ok {
				panic(p)
			}
		}
		res.MS = time.Since(start).Milliseconds()
		e.emit(Event{Scenario: sc.Name, Done: &res})
	}()
	if sc.Clock && !e.testClock {
		res.Status, res.Reason = skipped, "the platform has no test clock (start it with --test-clock)"
		return res
	}
	if sc.Clock {
		e.clockMu.Lock()
		t.clockMu = true
	} else {
		e.clockMu.RLock()
		defer e.clockMu.RUnlock()
	}
	e.emit(Event{Scenario: sc.Name, Start: true})
	sc.run(t)
	return res
}

func (e *env) emit(ev Event) {
	if e.opt.Events != nil {
		e.opt.Events(ev)
	}
}

// step runs one step: fn returns what the platform answered, and an error
// when that was not what expected says. A failed step ends the scenario.
func (t *scenarioRun) step(title, expected string, fn func() (string, error)) {
	if err := t.ctx.Err(); err != nil {
		t.record(title, expected, "not run: "+err.Error(), Failed, 0)
		panic(abort{})
	}
	t.reqs, t.qr = nil, nil
	start := time.Now()
	observed, err := fn()
	status := Passed
	if err != nil {
		status = Failed
		if observed == "" {
			observed = err.Error()
		} else {
			observed = err.Error() + " — " + observed
		}
	}
	t.record(title, expected, observed, status, time.Since(start))
	if err != nil {
		panic(abort{})
	}
}

func (t *scenarioRun) record(title, expected, observed, status string, took time.Duration) {
	st := stepResult{Title: title, Request: strings.Join(t.reqs, ", "), Expected: expected,
		Observed: observed, Status: status, MS: took.Milliseconds(), QRPNG: t.qr}
	t.res.Steps = append(t.res.Steps, st)
	if status == Failed {
		t.res.Status = Failed
		t.res.Reason = fmt.Sprintf("step %d failed: %s", len(t.res.Steps), title)
	}
	t.env.emit(Event{Scenario: t.sc.Name, Step: &st})
}

// advance moves the platform's test clock; only clock scenarios call it.
func (t *scenarioRun) advance(d time.Duration) (*response, error) {
	if !t.clockMu {
		return nil, errors.New("internal error: a scenario moved the clock without holding it")
	}
	c, err := NewClient(t.env.opt.URL)
	if err != nil {
		return nil, err
	}
	c.ClockToken = t.env.opt.ClockToken
	t.reqs = append(t.reqs, "POST /api/test/clock")
	r, err := c.call(t.ctx, http.MethodPost, "/api/test/clock", map[string]string{"advance": d.String()})
	if err != nil {
		return nil, err
	}
	return r, expect(r, http.StatusOK, "now=*")
}

// expect checks an answer's status and body fields. Each field is
// "key=value" (the body's key must equal value), "key=*" (present and not
// empty) or "!key" (absent or empty).
func expect(r *response, status int, fields ...string) error {
	var bad []string
	if r.Status != status {
		bad = append(bad, fmt.Sprintf("HTTP %d, want %d", r.Status, status))
	}
	for _, f := range fields {
		if k, ok := strings.CutPrefix(f, "!"); ok {
			if r.Str(k) != "" {
				bad = append(bad, fmt.Sprintf("%s present, want none", k))
			}
			continue
		}
		k, v, _ := strings.Cut(f, "=")
		got := r.Str(k)
		switch {
		case v == "*" && got == "":
			bad = append(bad, fmt.Sprintf("no %s in the body", k))
		case v != "*" && got != v:
			bad = append(bad, fmt.Sprintf("%s %q, want %q", k, got, v))
		}
	}
	if len(bad) > 0 {
		return errors.New(strings.Join(bad, "; "))
	}
	return nil
}

// sleep is Options.Wait on the real clock.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
