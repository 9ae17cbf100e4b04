package journey

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"authdesk/app/wording"
	"authdesk/vault"
	"authdesk/vault/otpauth"
)

// firstSetup: register → first sign-in → Secure Your Account → scan →
// confirm → "MFA setup is complete" → recovery codes.
func firstSetup(t *scenarioRun) {
	a := t.newAgent("admin")
	a.register()
	setup := a.signIn("First sign-in: \"Secure Your Account\" appears", statusSetupRequired)
	t.step("The page shows \"Secure Your Account\"", "GET /mfa/setup: HTTP 200, the heading \"Secure Your Account\" and the manual key", func() (string, error) {
		body, err := a.page("/mfa/setup")
		if err != nil {
			return "", err
		}
		if !strings.Contains(body, "Secure Your Account") {
			return fmt.Sprintf("%d bytes of HTML", len(body)), errors.New("no \"Secure Your Account\" on the page")
		}
		_, secret, _ := setupOf(setup)
		if !strings.Contains(strings.ReplaceAll(body, " ", ""), secret) {
			return "heading shown", errors.New("the page does not show the manual key the API sent")
		}
		return "heading and manual key shown", nil
	})
	a.scan(setup)
	a.confirm("Confirm with the code from Authdesk")
	t.step("Recovery codes: distinct, and counted on the profile", "GET /api/me: HTTP 200, mfa_enrolled_at set, recovery_codes_left equals the codes shown", func() (string, error) {
		seen := map[string]bool{}
		for _, c := range a.recovery {
			if c == "" || seen[c] {
				return "", errors.New("the recovery codes are not distinct")
			}
			seen[c] = true
		}
		_, obs, err := a.check(http.MethodGet, "/api/me", nil, http.StatusOK,
			"email="+a.User.Email, "mfa_enrolled_at=*", fmt.Sprintf("recovery_codes_left=%d", len(a.recovery)))
		return obs, err
	})
}

// page fetches one of the platform's HTML pages with the agent's cookies.
func (a *agent) page(p string) (string, error) {
	a.t.reqs = append(a.t.reqs, "GET "+p)
	r, err := a.c.exchange(a.t.ctx, http.MethodGet, p, nil)
	if err != nil {
		return "", err
	}
	if r.Status != http.StatusOK {
		return "", fmt.Errorf("GET %s: HTTP %d", p, r.Status)
	}
	return string(r.Raw), nil
}

// manualKey: the same setup through "Trouble scanning?".
func manualKey(t *scenarioRun) {
	a := t.newAgent("admin")
	a.register()
	setup := a.signIn("First sign-in: \"Secure Your Account\" appears", statusSetupRequired)
	var fromQR vault.Account
	t.step("Type the manual key as a person would (lower case, in groups)", "the typed key gives the same codes as the QR code, now and for the next steps", func() (string, error) {
		uri, secret, _ := setupOf(setup)
		typed := strings.ToLower(otpauth.FormatKey(secret))
		key, err := vault.DecodeSecret(typed)
		if err != nil {
			return "", fmt.Errorf("the typed key: %w", err)
		}
		fromQR, err = otpauth.Parse(uri)
		if err != nil {
			return "", fmt.Errorf("the QR code's URI: %w", err)
		}
		if !bytes.Equal(key, fromQR.Secret) {
			return "", errors.New("the manual key differs from the QR code's secret")
		}
		// A person typing the key sets what the page says beside it (the
		// platform's policy: the seed's 6 digits, 30 s, SHA1 unless changed);
		// that must match what the QR code says.
		pol := t.env.policy
		typedAcct := vault.Account{Issuer: fromQR.Issuer, Name: fromQR.Name, Secret: key, Type: vault.TOTP,
			Algorithm: vault.Algorithm(strings.ToUpper(pol.Algorithm)), Digits: pol.Digits, Period: pol.Period}
		now := a.nowStep()
		for s := now - 1; s <= now+2; s++ {
			if a.codeAt(typedAcct, s) != a.codeAt(fromQR, s) {
				return "", fmt.Errorf("at step %d the typed key's code differs from the QR code's (digits %d, period %d, %s in the QR code)",
					s, fromQR.Digits, fromQR.Period, fromQR.Algorithm)
			}
		}
		if err := a.keep(typedAcct); err != nil {
			return "", err
		}
		return fmt.Sprintf("key of %d groups: same codes at 4 steps", len(strings.Fields(typed))), nil
	})
	a.confirm("Confirm with the typed key's code")
}

// invitedUser: invite → outbox → accept → first sign-in requires setup →
// setup → the admin's list shows them enrolled.
func invitedUser(t *scenarioRun) {
	admin := t.newAgent("admin")
	admin.register()
	admin.enrol()
	guest := t.newAgent("invitee")
	var token string
	t.step("The admin invites "+guest.User.Email, "HTTP 201 with an invitation link", func() (string, error) {
		r, obs, err := admin.check(http.MethodPost, "/api/invites", map[string]string{"email": guest.User.Email},
			http.StatusCreated, "invite_url=*")
		if err != nil {
			return obs, err
		}
		token = tokenOf(r.Str("invite_url"))
		return obs, nil
	})
	var link string
	t.step("The invitation is in the outbox", "GET /api/outbox: a message to the invitee whose link is the invitation", func() (string, error) {
		r, obs, err := admin.check(http.MethodGet, "/api/outbox", nil, http.StatusOK)
		if err != nil {
			return obs, err
		}
		msgs, _ := r.Body["messages"].([]any)
		for _, m := range msgs {
			mm, _ := m.(map[string]any)
			if to, _ := mm["to"].(string); strings.EqualFold(to, guest.User.Email) {
				link, _ = mm["link"].(string)
				subject, _ := mm["subject"].(string)
				if tokenOf(link) != token {
					return "subject " + subject, errors.New("the outbox link is not the invitation's")
				}
				return fmt.Sprintf("%s; one to the invitee: %q", wording.Count(len(msgs), "message", "messages"), subject), nil
			}
		}
		return wording.Count(len(msgs), "message", "messages"), errors.New("no message to the invitee")
	})
	t.step("Open the link and accept the invitation", "GET shows the invitee's email and company; POST answers 201, status \"created\"", func() (string, error) {
		r, obs, err := guest.check(http.MethodGet, "/api/invites/"+token, nil, http.StatusOK,
			"email="+guest.User.Email, "company="+admin.User.Company)
		if err != nil {
			return obs, err
		}
		_ = r
		_, obs, err = guest.check(http.MethodPost, "/api/invites/"+token+"/accept",
			map[string]string{"name": guest.User.Name, "password": guest.User.Password}, http.StatusCreated, "status=created")
		return obs, err
	})
	guest.User.Company = admin.User.Company
	guest.enrol()
	t.step("The admin's user list shows the invitee enrolled", "GET /api/users: the invitee with mfa_status \"enabled\"", func() (string, error) {
		u, obs, err := admin.findUser(guest.User.Email)
		if err != nil {
			return obs, err
		}
		if st, _ := u["mfa_status"].(string); st != "enabled" {
			return obs, fmt.Errorf("mfa_status %q, want \"enabled\"", st)
		}
		return fmt.Sprintf("%s: mfa_status enabled", guest.User.Email), nil
	})
}

// findUser looks email up in the admin's user list.
func (a *agent) findUser(email string) (map[string]any, string, error) {
	r, obs, err := a.check(http.MethodGet, "/api/users", nil, http.StatusOK)
	if err != nil {
		return nil, obs, err
	}
	users, _ := r.Body["users"].([]any)
	for _, u := range users {
		m, _ := u.(map[string]any)
		if e, _ := m["email"].(string); strings.EqualFold(e, email) {
			return m, obs, nil
		}
	}
	return nil, fmt.Sprintf("%d users", len(users)), fmt.Errorf("%s is not in the list", email)
}

// tokenOf is the last path element of an invitation link.
func tokenOf(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.Path == "" {
		return ""
	}
	return path.Base(u.Path)
}
