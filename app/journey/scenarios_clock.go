package journey

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"time"

	"authdesk/app/platform/duration"
	"authdesk/vault"
)

// rememberDevice: "Remember this device" skips the code; day 29 still
// skips, day 30 asks again; a password change and "sign out everywhere"
// forget the device. Each rule gets its own user, so that no one needs a
// third code within a time step.
func rememberDevice(t *scenarioRun) {
	remembered := func(a *agent) {
		a.toCodePrompt()
		a.verify("Enter the code and tick \"Remember this device\"", true)
		a.signOut()
		a.signIn("Sign in on the remembered device: no code asked", statusSignedIn)
	}
	pw := t.newAgent("pwchange")
	remembered(pw)
	t.step("Change the password", "HTTP 200, status \"password_changed\"", func() (string, error) {
		next := pw.User.Password + " new"
		_, obs, err := pw.check(http.MethodPost, "/api/password",
			map[string]string{"current_password": pw.User.Password, "new_password": next}, http.StatusOK, "status=password_changed")
		if err == nil {
			pw.User.Password = next
		}
		return obs, err
	})
	pw.signOut()
	pw.signIn("After the password change the device is forgotten: the code is asked", statusMFARequired)

	all := t.newAgent("signoutall")
	remembered(all)
	t.step("Sign out everywhere", "HTTP 200, status \"signed_out\"", func() (string, error) {
		_, obs, err := all.check(http.MethodDelete, "/api/sessions", nil, http.StatusOK, "status=signed_out")
		return obs, err
	})
	all.signIn("After signing out everywhere the device is forgotten: the code is asked", statusMFARequired)

	a := t.newAgent("remember")
	remembered(a)
	a.signOut()
	// The device is remembered until RememberFor runs out or the key falls
	// due for a refresh, whichever comes first: a remembered device does
	// not skip the re-enrolment step-up.
	keep := seconds(t.env.policy.RememberForSeconds)
	reenrol := seconds(t.env.policy.ReenrolAfterSeconds)
	limit := min(keep, reenrol)
	before := limit - min(duration.Day, limit/2)
	t.step("The test clock moves "+span(before), "HTTP 200 with the platform's new time", func() (string, error) {
		r, err := t.advance(before)
		return r.String(), err
	})
	a.signIn(at(before)+": the device is still remembered", statusSignedIn)
	a.signOut()
	t.step("The test clock moves "+span(limit-before)+" more", "HTTP 200 with the platform's new time", func() (string, error) {
		r, err := t.advance(limit - before)
		return r.String(), err
	})
	if keep <= reenrol {
		a.signIn(at(limit)+": the device is forgotten, the code is asked", statusMFARequired)
		return
	}
	a.signIn(at(limit)+": the key is due for a refresh, and the remembered device does not skip the code", statusMFARequired, "reenrol=true")
}

// span writes a clock move: "29 days", "1 day", or "12h" when it is not
// whole days.
func span(d time.Duration) string {
	switch {
	case d == duration.Day:
		return "1 day"
	case d%duration.Day == 0:
		return fmt.Sprintf("%d days", d/duration.Day)
	}
	return duration.Format(d)
}

// at names the moment d after the start: "Day 29", or "After 12h".
func at(d time.Duration) string {
	if d%duration.Day == 0 {
		return fmt.Sprintf("Day %d", d/duration.Day)
	}
	return "After " + duration.Format(d)
}

// reenrolDay30: at day 30 the current code first (a step-up), then Secure
// Your Account with a new secret, confirmed; the old secret is refused.
func reenrolDay30(t *scenarioRun) {
	a := t.newAgent("user")
	a.register()
	// The old secret will need three codes within one time step (setup,
	// the step-up, and the one that must be refused): the setup takes the
	// previous step's, still accepted with one step of skew.
	a.early = true
	a.enrol()
	a.early = false
	old := a.acct
	a.signOut()
	after := seconds(t.env.policy.ReenrolAfterSeconds)
	t.step("The test clock moves "+span(after), "HTTP 200 with the platform's new time", func() (string, error) {
		r, err := t.advance(after)
		return r.String(), err
	})
	a.signIn(at(after)+": sign in asks for the current code first", statusMFARequired, "reenrol=true", "!setup")
	t.step("No new secret exists before the current code", "GET /api/mfa/setup: HTTP 403", func() (string, error) {
		_, obs, err := a.check(http.MethodGet, "/api/mfa/setup", nil, http.StatusForbidden, "error=*", "!setup")
		return obs, err
	})
	var setup *response
	t.step("Enter the current code: \"Secure Your Account\" with a new secret", "HTTP 200, status \"mfa_setup_required\", setup.reenrol true, a secret other than the old one", func() (string, error) {
		code, err := a.freshCode()
		if err != nil {
			return "", err
		}
		r, obs, err := a.check(http.MethodPost, "/api/mfa/verify", map[string]any{"code": code}, http.StatusOK, "status="+statusSetupRequired)
		if err != nil {
			return obs, err
		}
		s := r.Obj("setup")
		if err := checkSetup(s); err != nil {
			return obs, err
		}
		if re, _ := s["reenrol"].(bool); !re {
			return obs, errors.New("setup.reenrol is not true")
		}
		if _, secret, _ := setupOf(r); sameSecret(secret, old.Secret) {
			return obs, errors.New("re-enrolment offered the old secret")
		}
		setup = r
		return obs, nil
	})
	a.scan(setup)
	a.confirm("Confirm the new secret with its code")
	a.signOut()
	a.signIn("Sign in again: an ordinary code prompt", statusMFARequired)
	t.step("The old secret is refused", "a code of the old secret for a step it never used: HTTP 401", func() (string, error) {
		s, err := a.unusedStep(old)
		if err != nil {
			return "", err
		}
		_, obs, err := a.check(http.MethodPost, "/api/mfa/verify", map[string]any{"code": a.codeAt(old, s)}, http.StatusUnauthorized, "error=*")
		return obs, err
	})
	a.verify("The new secret's code is accepted", false)
}

// unusedStep returns a time step the platform accepts now (current or
// next) that acct never sent a code for, waiting for the clock if need be.
func (a *agent) unusedStep(acct vault.Account) (int64, error) {
	for {
		now, skew := a.nowStep(), int64(a.t.env.policy.Skew)
		if now+skew > a.last[string(acct.Secret)] {
			return now + skew, nil
		}
		if err := a.waitStep(now); err != nil {
			return 0, err
		}
	}
}

func sameSecret(base32 string, raw []byte) bool {
	b, err := vault.DecodeSecret(base32)
	return err == nil && bytes.Equal(b, raw)
}

// setupExpiry: a QR code older than 10 minutes is refused, and the next
// sign-in shows a new one.
func setupExpiry(t *scenarioRun) {
	a := t.newAgent("user")
	a.register()
	first := a.signIn("First sign-in: \"Secure Your Account\" appears", statusSetupRequired)
	t.step("The setup says when it expires", "setup.expires_at set", func() (string, error) {
		exp, _ := first.Obj("setup")["expires_at"].(string)
		if exp == "" {
			return "", errors.New("no expires_at in the setup")
		}
		return "expires_at " + exp, nil
	})
	a.scan(first)
	stale := a.acct
	window := seconds(t.env.policy.SetupWindowSeconds)
	t.step("The test clock moves "+span(window+time.Minute), "HTTP 200 with the platform's new time", func() (string, error) {
		r, err := t.advance(window + time.Minute)
		return r.String(), err
	})
	t.step("The old QR image is no longer served", "GET the QR image: not HTTP 200", func() (string, error) {
		_, _, qr := setupOf(first)
		a.t.reqs = append(a.t.reqs, "GET "+qr)
		png, err := a.c.QRCode(t.ctx, qr)
		if err == nil {
			return fmt.Sprintf("HTTP 200, %d bytes", len(png)), errors.New("the expired QR code is still served")
		}
		return err.Error(), nil
	})
	a.refused("A code of the expired secret is refused", "/api/mfa/setup", a.codeAt(stale, a.nowStep()))
	second := a.signIn("The next sign-in shows \"Secure Your Account\" again", statusSetupRequired)
	t.step("The new QR code holds a new secret", "a secret other than the expired one", func() (string, error) {
		if _, secret, _ := setupOf(second); sameSecret(secret, stale.Secret) {
			return "", errors.New("the platform offered the expired secret again")
		}
		return "a new secret", nil
	})
	a.scan(second)
	a.confirm("Confirm the new secret with its code")
}
