package journey

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// wrongAndReplayed: a wrong code, a replayed code and a code two steps
// ahead are refused; the next step's code is accepted.
func wrongAndReplayed(t *scenarioRun) {
	a := t.newAgent("user")
	a.toCodePrompt()
	// Each user takes fewer wrong codes than the policy locks at: with a
	// strict policy the later refusals come from another user.
	budget, used := max(1, t.env.policy.MaxCodeFailures-1), 0
	next := func() *agent {
		if used >= budget {
			a = t.newAgent("user")
			a.toCodePrompt()
			used = 0
		}
		used++
		return a
	}
	next().refused("A wrong code is refused", "/api/mfa/verify", a.wrongCode())
	next().refused("The code accepted at setup is refused the second time", "/api/mfa/verify", a.codeAt(a.acct, a.last[string(a.acct.Secret)]))
	ahead := int64(t.env.policy.Skew) + 1
	next().refused(fmt.Sprintf("A code %d steps ahead is refused", ahead), "/api/mfa/verify", a.codeAt(a.acct, a.nowStep()+ahead))
	a.verify("The next step's code is accepted", false)
	t.step("Signed in", "GET /api/me: HTTP 200, the user's email", func() (string, error) {
		_, obs, err := a.check(http.MethodGet, "/api/me", nil, http.StatusOK, "email="+a.User.Email)
		return obs, err
	})
}

// lockout: max_code_failures wrong codes → 429 with Retry-After; the lock
// holds in a new session; a recovery code still gets in; +15 min lifts it.
func lockout(t *scenarioRun) {
	a := t.newAgent("user")
	a.toCodePrompt()
	n := t.env.policy.MaxCodeFailures
	t.step(fmt.Sprintf("%d wrong codes", n), fmt.Sprintf("the first %d answer 401; then HTTP 429 with Retry-After", n-1), func() (string, error) {
		wrong := a.wrongCode()
		for i := 1; i <= n; i++ {
			r, err := a.do(http.MethodPost, "/api/mfa/verify", map[string]any{"code": wrong})
			if err != nil {
				return "", err
			}
			if i < n {
				if r.Status != http.StatusUnauthorized {
					return r.String(), fmt.Errorf("wrong code %d answered HTTP %d, want 401", i, r.Status)
				}
				continue
			}
			if err := expect(r, http.StatusTooManyRequests, "error=*"); err != nil {
				return r.String(), fmt.Errorf("wrong code %d: %w", i, err)
			}
			if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s <= 0 {
				return r.String(), errors.New("no Retry-After with a positive number of seconds")
			}
			return r.String(), nil
		}
		return "", nil
	})
	b := a.fresh()
	b.signIn("In a new session: sign in again", statusMFARequired)
	t.step("The lock holds in the new session, even for a correct code", "HTTP 429 with Retry-After", func() (string, error) {
		code := b.codeAt(b.acct, b.nowStep()) // not marked used: a locked check must not consume it
		_, obs, err := b.check(http.MethodPost, "/api/mfa/verify", map[string]any{"code": code}, http.StatusTooManyRequests, "error=*")
		return obs, err
	})
	t.step("A recovery code still gets in", "HTTP 200, status \"signed_in\", used_recovery_code true", func() (string, error) {
		if len(a.recovery) == 0 {
			return "", errors.New("no recovery code was shown at setup")
		}
		_, obs, err := b.check(http.MethodPost, "/api/mfa/verify", map[string]any{"code": a.recovery[0]},
			http.StatusOK, "status=signed_in", "used_recovery_code=true")
		return obs, err
	})
	b.signOut()
	c := a.fresh()
	c.signIn("Sign in once more: the code prompt appears", statusMFARequired)
	lock := firstLock(t.env.policy)
	t.step(fmt.Sprintf("The test clock moves %s", lock), "HTTP 200 with the platform's new time", func() (string, error) {
		r, err := t.advance(lock + time.Second)
		return r.String(), err
	})
	c.signIn("Sign in after the lock ran out", statusMFARequired)
	c.verify("A correct code is accepted again", false)
}

// recoveryCode: a recovery code signs in once, and the count goes down.
func recoveryCode(t *scenarioRun) {
	a := t.newAgent("user")
	a.toCodePrompt()
	left := len(a.recovery)
	if len(a.recovery) == 0 {
		t.step("A recovery code was shown at setup", "at least one", func() (string, error) { return "none", errors.New("no recovery codes") })
	}
	rc := a.recovery[0]
	t.step("Sign in with a recovery code", "HTTP 200, status \"signed_in\", used_recovery_code true", func() (string, error) {
		_, obs, err := a.check(http.MethodPost, "/api/mfa/verify", map[string]any{"code": rc},
			http.StatusOK, "status=signed_in", "used_recovery_code=true")
		return obs, err
	})
	t.step("The count goes down", fmt.Sprintf("GET /api/me: recovery_codes_left %d", left-1), func() (string, error) {
		_, obs, err := a.check(http.MethodGet, "/api/me", nil, http.StatusOK, fmt.Sprintf("recovery_codes_left=%d", left-1))
		return obs, err
	})
	a.signOut()
	a.signIn("Sign in again", statusMFARequired)
	a.refused("The same recovery code is refused the second time", "/api/mfa/verify", rc)
}

// adminReset: the admin resets a user's MFA → the old secret no longer
// works → the next sign-in shows Secure Your Account.
func adminReset(t *scenarioRun) {
	admin := t.newAgent("admin")
	admin.register()
	admin.enrol()
	user := t.newAgent("user")
	var token string
	t.step("The admin invites "+user.User.Email, "HTTP 201 with an invitation link", func() (string, error) {
		r, obs, err := admin.check(http.MethodPost, "/api/invites", map[string]string{"email": user.User.Email},
			http.StatusCreated, "invite_url=*")
		if err == nil {
			token = tokenOf(r.Str("invite_url"))
		}
		return obs, err
	})
	t.step("The user accepts the invitation", "HTTP 201, status \"created\"", func() (string, error) {
		_, obs, err := user.check(http.MethodPost, "/api/invites/"+token+"/accept",
			map[string]string{"name": user.User.Name, "password": user.User.Password}, http.StatusCreated, "status=created")
		return obs, err
	})
	user.enrol()
	old := user.acct
	user.signOut()
	t.step("The admin resets the user's MFA", "HTTP 200, status \"mfa_reset\"; the user list says \"not_set_up\"", func() (string, error) {
		u, obs, err := admin.findUser(user.User.Email)
		if err != nil {
			return obs, err
		}
		id, _ := u["id"].(float64)
		_, obs, err = admin.check(http.MethodPost, fmt.Sprintf("/api/users/%d/reset-mfa", int64(id)), nil, http.StatusOK, "status=mfa_reset")
		if err != nil {
			return obs, err
		}
		u, obs2, err := admin.findUser(user.User.Email)
		if err != nil {
			return obs2, err
		}
		if st, _ := u["mfa_status"].(string); st != "not_set_up" {
			return obs, fmt.Errorf("mfa_status %q after the reset, want \"not_set_up\"", st)
		}
		return obs + "; mfa_status not_set_up", nil
	})
	setup := user.signIn("The next sign-in shows \"Secure Your Account\"", statusSetupRequired)
	t.step("The new QR code holds a new secret", "a secret other than the old one", func() (string, error) {
		_, secret, _ := setupOf(setup)
		if sameSecret(secret, old.Secret) {
			return "", errors.New("the platform offered the old secret again")
		}
		return "a new secret", nil
	})
	user.refused("The old secret's code is refused", "/api/mfa/setup", user.codeAt(old, user.nowStep()+1))
	user.scan(setup)
	user.confirm("Confirm with the new secret's code")
}
