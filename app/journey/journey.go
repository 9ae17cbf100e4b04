// Package journey walks the simulated platform's whole MFA journey the way a
// tester would with Authdesk beside a browser: register a company, sign in,
// read the "Secure Your Account" QR code with the scanner, add the account to
// the vault, confirm with the vault's code, sign in again with a code and
// "Remember this device", and move the platform's test clock 30 days ahead to
// see re-enrolment come back: the password alone shows no new key, the
// current code ("Confirm it's you") does, and the new key's code completes it.
//
// The GUI's Platform screen runs it step by step; it knows nothing of Fyne.
package journey

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"authdesk/vault"
	"authdesk/vault/transfer"
)

// Step is one finished step of the journey.
type Step struct {
	Index  int           // 1-based
	Title  string        // what the step did, e.g. "Sign in with email and password"
	Detail string        // what the platform answered
	Err    error         // nil: the step passed
	Took   time.Duration // wall time of the step
	QRPNG  []byte        // the setup QR image, on the steps that fetched one
}

// User is the test identity the journey registers.
type User struct {
	Company, Name, Email, Password string
}

// NewUser makes a fresh, unique identity, so journeys can be run again and
// again against one platform database.
func NewUser() User {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	tag := fmt.Sprintf("%x", b)
	return User{
		Company:  "Acme QA " + tag,
		Name:     "Quinn Tester",
		Email:    "quinn+" + tag + "@acme.test",
		Password: "correct horse " + tag,
	}
}

// Runner walks the journey.
type Runner struct {
	Client *Client
	// Vault receives the scanned account; nil keeps it in memory only.
	Vault *vault.Vault
	// Decode reads QR payloads from image bytes (scanner.Bytes).
	Decode func([]byte) ([]string, error)
	// Now is the authenticator's clock; nil: time.Now.
	Now func() time.Time
	// Wait waits d for the next time step, as a person waits for the next
	// code; nil: a real timer. Tests pass one that moves their clock (the
	// platform's Config.Clock) instead.
	Wait func(ctx context.Context, d time.Duration) error
	// Report is called after every step, from the goroutine that runs the
	// journey (the GUI hands it on with fyne.Do).
	Report func(Step)

	step         int
	account      vault.Account // the account whose codes the journey enters
	pendingSetup *SetupInfo    // the setup the platform shows now
	lastStep     int64         // the newest time step whose code of account was entered
}

// Total is the number of steps Run reports.
const Total = 10

// Run walks the whole journey for u and stops at the first failed step.
func (r *Runner) Run(ctx context.Context, u User) error {
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Wait == nil {
		r.Wait = sleep
	}
	r.step, r.lastStep = 0, 0
	steps := []struct {
		title string
		run   func(context.Context, User, *Step) error
	}{
		{"Register a company", r.register},
		{"Sign in: \"Secure Your Account\" appears", r.firstSignIn},
		{"Scan the QR code into Authdesk", r.scan},
		{"Confirm with the code from Authdesk", r.confirm},
		{"Sign in again: the code prompt appears", r.secondSignIn},
		{"Enter the code, remember this device", r.verify},
		{"Sign in on the remembered device: no code asked", r.remembered},
		{"30 days later: the key is due, \"Confirm it's you\" appears", r.thirtyDays},
		{"Confirm it's you with the current code: a new QR code appears", r.stepUp},
		{"Re-enrol: scan the new QR code and confirm", r.reenrol},
	}
	for _, s := range steps {
		r.step++
		st := Step{Index: r.step, Title: s.title}
		start := time.Now()
		err := s.run(ctx, u, &st)
		st.Took = time.Since(start)
		st.Err = err
		if r.Report != nil {
			r.Report(st)
		}
		if err != nil {
			return fmt.Errorf("step %d (%s): %w", st.Index, s.title, err)
		}
	}
	return nil
}

func (r *Runner) register(ctx context.Context, u User, st *Step) error {
	if err := r.Client.Register(ctx, u.Company, u.Name, u.Email, u.Password); err != nil {
		return err
	}
	st.Detail = fmt.Sprintf("%s registered with administrator %s", u.Company, u.Email)
	return nil
}

// signInExpect does the password step and checks the platform's answer.
func (r *Runner) signInExpect(ctx context.Context, u User, want string) (SignInResult, error) {
	res, err := r.Client.SignIn(ctx, u.Email, u.Password)
	if err != nil {
		return res, err
	}
	if res.Status != want {
		return res, fmt.Errorf("platform answered %q, want %q", res.Status, want)
	}
	if want == "mfa_setup_required" && res.Setup == nil {
		return res, errors.New("platform asked for MFA setup but sent no QR code")
	}
	return res, nil
}

func (r *Runner) firstSignIn(ctx context.Context, u User, st *Step) error {
	res, err := r.signInExpect(ctx, u, "mfa_setup_required")
	if err != nil {
		return err
	}
	r.account = vault.Account{} // a fresh setup
	r.pendingSetup = res.Setup
	st.Detail = "manual key " + groupKey(res.Setup.Secret)
	return nil
}

// scanSetup fetches the pending QR code, decodes it and checks it against
// the manual key the page shows under "Trouble scanning?".
func (r *Runner) scanSetup(ctx context.Context, st *Step) (vault.Account, error) {
	setup := r.pendingSetup
	if setup == nil {
		return vault.Account{}, errors.New("no MFA setup is pending")
	}
	png, err := r.Client.QRCode(ctx, setup.QRPath)
	if err != nil {
		return vault.Account{}, err
	}
	st.QRPNG = png
	payloads, err := r.Decode(png)
	if err != nil {
		return vault.Account{}, fmt.Errorf("read the QR code: %w", err)
	}
	if len(payloads) != 1 || payloads[0] != setup.URI {
		return vault.Account{}, fmt.Errorf("the QR code says %q, the platform says %q", payloads, setup.URI)
	}
	res, err := transfer.Read([]byte(payloads[0]), transfer.Options{})
	if err != nil {
		return vault.Account{}, err
	}
	if len(res.Accounts) != 1 {
		return vault.Account{}, fmt.Errorf("the QR code holds %d accounts, want 1", len(res.Accounts))
	}
	acct := res.Accounts[0]
	manual, err := vault.DecodeSecret(setup.Secret)
	if err != nil {
		return vault.Account{}, fmt.Errorf("manual key: %w", err)
	}
	if string(manual) != string(acct.Secret) {
		return vault.Account{}, errors.New("the manual key differs from the QR code's secret")
	}
	return acct, nil
}

// keep stores acct in the vault (unless it is there already) and makes it
// the account whose codes the journey types.
func (r *Runner) keep(acct vault.Account, st *Step) error {
	if r.Vault == nil {
		r.use(acct)
		st.Detail = fmt.Sprintf("%s: %s (kept in memory)", acct.Issuer, acct.Name)
		return nil
	}
	if old, ok := r.Vault.FindBySecret(acct.Secret); ok {
		r.use(old)
		st.Detail = fmt.Sprintf("%s: %s was already in the vault", acct.Issuer, acct.Name)
		return nil
	}
	added, err := r.Vault.Add(acct)
	if err != nil {
		return fmt.Errorf("add to vault: %w", err)
	}
	r.use(added[0])
	st.Detail = fmt.Sprintf("added %s: %s to the vault", acct.Issuer, acct.Name)
	return nil
}

// use makes acct the account whose codes the journey types. The platform
// guards against replay per key, so a new key starts with no used step.
func (r *Runner) use(acct vault.Account) {
	if string(acct.Secret) != string(r.account.Secret) {
		r.lastStep = 0
	}
	r.account = acct
}

func (r *Runner) scan(ctx context.Context, _ User, st *Step) error {
	acct, err := r.scanSetup(ctx, st)
	if err != nil {
		return err
	}
	return r.keep(acct, st)
}

// freshCode returns a code the platform has not seen. A code is accepted
// once only, and only for a later time step than the last accepted one; the
// platform allows one step of skew, so the journey takes the current step's
// code or else the next one's, and waits for the clock only when both were
// used (as a person would wait for the next code).
func (r *Runner) freshCode(ctx context.Context) (string, error) {
	period := int64(r.account.Period)
	if period <= 0 {
		period = 30
	}
	for {
		now := r.Now().Unix()
		step := now / period
		for _, s := range []int64{step, step + 1} {
			if s > r.lastStep {
				r.lastStep = s
				return r.account.Code(time.Unix(s*period, 0))
			}
		}
		if err := r.Wait(ctx, time.Duration((step+1)*period-now)*time.Second); err != nil {
			return "", err
		}
	}
}

// sleep waits d on the real clock, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (r *Runner) confirm(ctx context.Context, _ User, st *Step) error {
	code, err := r.freshCode(ctx)
	if err != nil {
		return err
	}
	msg, err := r.Client.ConfirmSetup(ctx, code)
	if err != nil {
		return err
	}
	if msg != "MFA setup is complete" {
		return fmt.Errorf("platform said %q, want \"MFA setup is complete\"", msg)
	}
	r.pendingSetup = nil
	st.Detail = msg
	return nil
}

func (r *Runner) secondSignIn(ctx context.Context, u User, st *Step) error {
	if err := r.Client.SignOut(ctx); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	if _, err := r.signInExpect(ctx, u, "mfa_required"); err != nil {
		return err
	}
	st.Detail = "signed out, password accepted, code requested"
	return nil
}

func (r *Runner) verify(ctx context.Context, _ User, st *Step) error {
	code, err := r.freshCode(ctx)
	if err != nil {
		return err
	}
	res, err := r.Client.Verify(ctx, code, true)
	if err != nil {
		return err
	}
	if res.Status != "signed_in" {
		return fmt.Errorf("platform answered %q, want \"signed_in\"", res.Status)
	}
	me, err := r.Client.Me(ctx)
	if err != nil {
		return err
	}
	st.Detail = fmt.Sprintf("signed in as %s (%s, %s)", me.Email, me.Role, me.Company)
	return nil
}

func (r *Runner) remembered(ctx context.Context, u User, st *Step) error {
	if err := r.Client.SignOut(ctx); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	if _, err := r.signInExpect(ctx, u, "signed_in"); err != nil {
		return err
	}
	st.Detail = "signed in with the password alone"
	return nil
}

func (r *Runner) thirtyDays(ctx context.Context, u User, st *Step) error {
	if err := r.Client.SignOut(ctx); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	now, err := r.Client.Advance(ctx, 30*24*time.Hour)
	if err != nil {
		if IsStatus(err, 404) {
			return errors.New("the platform runs without its test clock (start it with --test-clock)")
		}
		return err
	}
	res, err := r.signInExpect(ctx, u, "mfa_required")
	if err != nil {
		return err
	}
	if !res.Reenrol || res.Setup != nil {
		return errors.New("the platform did not ask to confirm it's you before a new key")
	}
	// The password alone must not reveal the new key.
	if _, err := r.Client.PendingSetup(ctx); !IsStatus(err, 403) {
		return fmt.Errorf("the new key was available before the step-up (%v)", err)
	}
	st.Detail = fmt.Sprintf("platform date %s: the password alone shows no new key", now.Format("2 Jan 2006"))
	return nil
}

func (r *Runner) stepUp(ctx context.Context, _ User, st *Step) error {
	code, err := r.freshCode(ctx)
	if err != nil {
		return err
	}
	res, err := r.Client.Verify(ctx, code, false)
	if err != nil {
		return err
	}
	if res.Status != "mfa_setup_required" || res.Setup == nil || !res.Setup.Reenrol {
		return fmt.Errorf("platform answered %q, want \"mfa_setup_required\" with a new key", res.Status)
	}
	r.pendingSetup = res.Setup
	st.Detail = "current code accepted; new manual key " + groupKey(res.Setup.Secret)
	return nil
}

func (r *Runner) reenrol(ctx context.Context, _ User, st *Step) error {
	acct, err := r.scanSetup(ctx, st)
	if err != nil {
		return err
	}
	if string(acct.Secret) == string(r.account.Secret) {
		return errors.New("re-enrolment kept the old secret")
	}
	if err := r.keep(acct, st); err != nil {
		return err
	}
	added := st.Detail
	if err := r.confirm(ctx, User{}, st); err != nil {
		return err
	}
	st.Detail = added + "; " + st.Detail
	return nil
}

// groupKey writes a base32 key in groups of four, as the platform shows it.
func groupKey(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}
