package journey

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"authdesk/vault"
	"authdesk/vault/otpauth"
)

// agent is one person with one browser: their own cookie jar, identity and
// authenticator entry.
type agent struct {
	t    *scenarioRun
	c    *Client
	User User
	acct vault.Account // the authenticator entry in use; zero until set up
	// last is the newest time step whose code was entered for each secret,
	// so an agent never sends a code the platform has already seen.
	last map[string]int64
	// recovery holds the recovery codes shown at setup.
	recovery []string
	// early lets freshCode use the previous step's code (still accepted
	// with one step of skew), leaving later steps for later checks.
	early bool
}

// newAgent makes a person with a unique identity and a fresh browser.
func (t *scenarioRun) newAgent(role string) *agent {
	c, err := NewClient(t.env.opt.URL)
	if err != nil {
		panic(err) // the URL was checked when the run began
	}
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	tag := fmt.Sprintf("%x", b)
	return &agent{t: t, c: c, last: map[string]int64{}, User: User{
		Company:  "Acme QA " + t.sc.Name + " " + tag,
		Name:     strings.ToUpper(role[:1]) + role[1:] + " Tester",
		Email:    role + "+" + tag + "@acme.test",
		Password: "correct horse " + tag,
	}}
}

// fresh opens a new browser for the same person (cookies and session gone).
func (a *agent) fresh() *agent {
	c, _ := NewClient(a.t.env.opt.URL)
	b := *a
	b.c = c
	return &b
}

// do calls the API and remembers the call for the step's report.
func (a *agent) do(method, path string, in any) (*response, error) {
	a.t.reqs = append(a.t.reqs, method+" "+path)
	return a.c.call(a.t.ctx, method, path, in)
}

// check calls the API and checks the answer with expect.
func (a *agent) check(method, path string, in any, status int, fields ...string) (*response, string, error) {
	r, err := a.do(method, path, in)
	if err != nil {
		return nil, "", err
	}
	return r, r.String(), expect(r, status, fields...)
}

// register creates a company with a as its administrator.
func (a *agent) register() {
	a.t.step("Register company "+a.User.Company, "HTTP 201, status \"created\"", func() (string, error) {
		_, obs, err := a.check(http.MethodPost, "/api/companies",
			map[string]string{"company": a.User.Company, "name": a.User.Name, "email": a.User.Email, "password": a.User.Password},
			http.StatusCreated, "status=created")
		return obs, err
	})
}

// signIn does the password step and checks its status; it returns the
// answer (with the setup on mfa_setup_required).
func (a *agent) signIn(title, want string, fields ...string) *response {
	var out *response
	expected := fmt.Sprintf("HTTP 200, status %q", want)
	if want == statusSetupRequired {
		expected += " with a QR code and a manual key"
	}
	for _, f := range fields {
		expected += ", " + f
	}
	a.t.step(title, expected, func() (string, error) {
		r, obs, err := a.check(http.MethodPost, "/api/session",
			map[string]string{"email": a.User.Email, "password": a.User.Password},
			http.StatusOK, append([]string{"status=" + want}, fields...)...)
		if err != nil {
			return obs, err
		}
		if want == statusSetupRequired {
			if err := checkSetup(r.Obj("setup")); err != nil {
				return obs, err
			}
		}
		out = r
		return obs, nil
	})
	return out
}

// Sign-in statuses of the platform's JSON API.
const (
	statusSetupRequired = "mfa_setup_required"
	statusMFARequired   = "mfa_required"
	statusSignedIn      = "signed_in"
)

func checkSetup(s map[string]any) error {
	if s == nil {
		return errors.New("no setup object in the answer")
	}
	for _, k := range []string{"otpauth_uri", "secret", "qr_png"} {
		if v, _ := s[k].(string); v == "" {
			return fmt.Errorf("the setup has no %s", k)
		}
	}
	return nil
}

// signOut ends the session.
func (a *agent) signOut() {
	a.t.step("Sign out", "HTTP 200, status \"signed_out\"", func() (string, error) {
		_, obs, err := a.check(http.MethodDelete, "/api/session", nil, http.StatusOK, "status=signed_out")
		return obs, err
	})
}

// setupOf returns the setup object of a sign-in or verify answer.
func setupOf(r *response) (uri, secret, qr string) {
	s := r.Obj("setup")
	uri, _ = s["otpauth_uri"].(string)
	secret, _ = s["secret"].(string)
	qr, _ = s["qr_png"].(string)
	return
}

// scan fetches the setup's QR image, reads it as the scanner would, checks
// it against the URI and the manual key the platform shows, and makes the
// account the agent's authenticator entry.
func (a *agent) scan(setup *response) {
	a.t.step("Scan the QR code", "a PNG whose QR code holds the platform's otpauth URI and the manual key's secret", func() (string, error) {
		uri, secret, qr := setupOf(setup)
		a.t.reqs = append(a.t.reqs, "GET "+qr)
		png, err := a.c.QRCode(a.t.ctx, qr)
		if err != nil {
			return "", err
		}
		a.t.qr = png
		if !bytes.HasPrefix(png, []byte("\x89PNG")) {
			return fmt.Sprintf("%d bytes", len(png)), errors.New("the QR image is not a PNG")
		}
		payloads, err := a.t.env.opt.Decode(png)
		if err != nil {
			return "", fmt.Errorf("read the QR code: %w", err)
		}
		if len(payloads) != 1 || payloads[0] != uri {
			return fmt.Sprintf("%d payloads", len(payloads)), errors.New("the QR code does not hold the URI the platform sent")
		}
		acct, err := otpauth.Parse(uri)
		if err != nil {
			return "", fmt.Errorf("the QR code's URI: %w", err)
		}
		manual, err := vault.DecodeSecret(secret)
		if err != nil {
			return "", fmt.Errorf("the manual key: %w", err)
		}
		if !bytes.Equal(manual, acct.Secret) {
			return "", errors.New("the manual key differs from the QR code's secret")
		}
		if err := a.keep(acct); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s: %s, %d digits, %ds, %s", acct.Issuer, acct.Name, acct.Digits, acct.Period, acct.Algorithm), nil
	})
}

// keep makes acct the agent's entry and hands it to Options.Keep.
func (a *agent) keep(acct vault.Account) error {
	a.acct = acct
	if a.t.env.opt.Keep != nil {
		if err := a.t.env.opt.Keep(acct); err != nil {
			return fmt.Errorf("keep the account: %w", err)
		}
	}
	return nil
}

// period is the entry's time step.
func (a *agent) period() int64 {
	if a.acct.Period > 0 {
		return int64(a.acct.Period)
	}
	return 30
}

// nowStep is the authenticator's current time step.
func (a *agent) nowStep() int64 { return a.t.env.codeNow().Unix() / a.period() }

// waitStep waits, as a person would, until the authenticator's clock
// reaches the time step after now (Options.Wait).
func (a *agent) waitStep(now int64) error {
	d := time.Unix((now+1)*a.period(), 0).Sub(a.t.env.codeNow())
	if d <= 0 {
		return a.t.ctx.Err()
	}
	return a.t.env.opt.Wait(a.t.ctx, d)
}

// codeAt is the entry's code for time step s.
func (a *agent) codeAt(acct vault.Account, s int64) string {
	code, err := acct.Code(time.Unix(s*a.period(), 0))
	if err != nil {
		return "invalid:" + err.Error()
	}
	return code
}

// freshCode returns a code of the entry for a time step the platform has
// not seen: the current step, or a later one the policy's skew allows. When
// all were used it waits for the clock, as a person would.
func (a *agent) freshCode() (string, error) {
	key := string(a.acct.Secret)
	for {
		now := a.nowStep()
		skew := int64(a.t.env.policy.Skew)
		from := now
		if a.early {
			from = now - skew
		}
		for s := from; s <= now+skew; s++ {
			if s > a.last[key] {
				a.last[key] = s
				return a.codeAt(a.acct, s), nil
			}
		}
		if err := a.waitStep(now); err != nil {
			return "", err
		}
	}
}

// wrongCode is a well-formed code that is valid at no step near now.
func (a *agent) wrongCode() string {
	digits := a.acct.Digits
	if digits <= 0 {
		digits = 6
	}
	now := a.nowStep()
	for _, c := range []string{"0", "1", "2"} {
		w := strings.Repeat(c, digits)
		ok := true
		for s := now - 2; s <= now+2; s++ {
			if a.codeAt(a.acct, s) == w {
				ok = false
			}
		}
		if ok {
			return w
		}
	}
	return strings.Repeat("3", digits)
}

// confirm enters a fresh code on "Secure Your Account" and checks the
// exact confirmation message and the recovery codes.
func (a *agent) confirm(title string) {
	a.t.step(title, "HTTP 200, status \"signed_in\", message exactly \"MFA setup is complete\", recovery codes", func() (string, error) {
		code, err := a.freshCode()
		if err != nil {
			return "", err
		}
		r, obs, err := a.check(http.MethodPost, "/api/mfa/setup", map[string]string{"code": code},
			http.StatusOK, "status=signed_in", "message=MFA setup is complete")
		if err != nil {
			return obs, err
		}
		codes, _ := r.Body["recovery_codes"].([]any)
		if len(codes) == 0 {
			return obs, errors.New("no recovery codes were shown")
		}
		a.recovery = a.recovery[:0]
		for _, c := range codes {
			if s, ok := c.(string); ok {
				a.recovery = append(a.recovery, s)
			}
		}
		return fmt.Sprintf("%s; %d recovery codes", obs, len(codes)), nil
	})
}

// enrol is the first sign-in of a fresh user: Secure Your Account, scan,
// confirm.
func (a *agent) enrol() {
	setup := a.signIn("First sign-in: \"Secure Your Account\" appears", statusSetupRequired)
	a.scan(setup)
	a.confirm("Confirm with the code from Authdesk")
}

// toCodePrompt takes a fresh user to where the code scenarios start:
// registered, enrolled, signed out and signed in again, at the code prompt.
func (a *agent) toCodePrompt() {
	a.register()
	a.enrol()
	a.signOut()
	a.signIn("Sign in again: the code prompt appears", statusMFARequired)
}

// verify answers the code prompt with a fresh code.
func (a *agent) verify(title string, remember bool) *response {
	var out *response
	exp := "HTTP 200, status \"signed_in\""
	fields := []string{"status=signed_in"}
	if remember {
		exp += ", remembered_until set"
		fields = append(fields, "remembered_until=*")
	}
	a.t.step(title, exp, func() (string, error) {
		code, err := a.freshCode()
		if err != nil {
			return "", err
		}
		r, obs, err := a.check(http.MethodPost, "/api/mfa/verify", map[string]any{"code": code, "remember_device": remember},
			http.StatusOK, fields...)
		out = r
		return obs, err
	})
	return out
}

// refused sends code to path and expects a refusal (any 4xx but 429).
func (a *agent) refused(title, path, code string) {
	a.t.step(title, "HTTP 401 (or another 4xx), an error message, not signed in", func() (string, error) {
		r, err := a.do(http.MethodPost, path, map[string]any{"code": code})
		if err != nil {
			return "", err
		}
		if r.Status < 400 || r.Status > 499 || r.Status == http.StatusTooManyRequests {
			return r.String(), fmt.Errorf("HTTP %d, want a refusal", r.Status)
		}
		if r.Str("error") == "" {
			return r.String(), errors.New("no error message in the body")
		}
		return r.String(), nil
	})
}
