package platform

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"authdesk/app/platform/api"
	"authdesk/vault"
	"authdesk/vault/otpauth"
)

func TestPolicyValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Policy)
		want string // "" for valid
	}{
		{"default", func(*Policy) {}, ""},
		{"8 digits SHA512 60 s", func(p *Policy) { p.Digits, p.Algorithm, p.Period = 8, "SHA512", 60 }, ""},
		{"7 digits", func(p *Policy) { p.Digits = 7 }, "6 or 8 digits"},
		{"MD5", func(p *Policy) { p.Algorithm = "MD5" }, "SHA1, SHA256 or SHA512"},
		{"sha1 lower case", func(p *Policy) { p.Algorithm = "sha1" }, "SHA1, SHA256 or SHA512"},
		{"period 45", func(p *Policy) { p.Period = 45 }, "30 or 60"},
		{"skew 4", func(p *Policy) { p.Skew = 4 }, "0 to 3"},
		{"skew -1", func(p *Policy) { p.Skew = -1 }, "0 to 3"},
		{"no failures", func(p *Policy) { p.MaxCodeFailures = 0 }, "1 to 100"},
		{"refresh 1m", func(p *Policy) { p.ReenrolAfter = time.Minute }, "key refresh"},
		{"remember 0", func(p *Policy) { p.RememberFor = 0 }, "remembering a device"},
	} {
		p := DefaultPolicy()
		tc.edit(&p)
		err := p.Validate()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	bad := DefaultPolicy()
	bad.Digits = 7
	if _, err := New(Config{DBPath: t.TempDir() + "/p.db", Policy: &bad}); err == nil {
		t.Fatal("New accepted a 7-digit policy")
	}
}

func TestPolicyOverHTTP(t *testing.T) {
	pol := Policy{ReenrolAfter: 48 * time.Hour, RememberFor: 24 * time.Hour, Skew: 0, Digits: 8, Algorithm: "SHA512", Period: 60, MaxCodeFailures: 3}
	f := newFixture(t, Config{Policy: &pol, ReenrolGrace: time.Hour})
	base := f.start()
	c := newClient(t, base)
	r := c.want(c.call("GET", "/api/policy", nil), 200)
	var got api.Policy
	if err := json.Unmarshal(r.raw, &got); err != nil {
		t.Fatal(err)
	}
	want := api.Policy{ReenrolAfterSeconds: 172800, ReenrolGraceSeconds: 3600, RememberForSeconds: 86400, SetupWindowSeconds: 600,
		Skew: 0, Digits: 8, Algorithm: "SHA512", Period: 60, MaxCodeFailures: 3, CodeLockSeconds: []int{900, 3600, 14400, 86400}, RecoveryCodes: 10,
		UserCodeCeiling: 100, UserCodeWarnAt: 10, UserCodeSlowDownFrom: 10, AccountPasswordCeiling: 10, SlowDownSeconds: 1, GuessChancePerDay: 1e-6}
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Fatalf("GET /api/policy = %s\nwant %s", g, w)
	}
	// The QR code carries the policy; an authenticator (our vault) follows it.
	c.init()
	c.want(c.call("POST", "/api/companies", creds{"company": "P", "name": "N", "email": "p@example.com", "password": testPassword}), 201)
	r = c.signIn("p@example.com", testPassword)
	acct, err := otpauth.Parse(r.body["setup"].(map[string]any)["otpauth_uri"].(string))
	if err != nil || acct.Digits != 8 || acct.Algorithm != vault.SHA512 || acct.Period != 60 {
		t.Fatalf("setup account %+v %v", acct, err)
	}
	code := func(at time.Time) string {
		s, err := acct.Code(at)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	c.want(c.call("POST", "/api/mfa/setup", creds{"code": code(f.clk.Now())[:6]}), 400)
	c.want(c.call("POST", "/api/mfa/setup", creds{"code": code(f.clk.Now())}), 200)
	c.want(c.call("DELETE", "/api/session", nil), 200)
	// Skew 0: last step's code is refused; three wrong codes lock.
	f.clk.Add(60 * time.Second)
	c.signIn("p@example.com", testPassword)
	c.want(c.call("POST", "/api/mfa/verify", creds{"code": code(f.clk.Now().Add(-60 * time.Second))}), 401)
	c.want(c.call("POST", "/api/mfa/verify", creds{"code": "00000000"}), 401)
	if r := c.call("POST", "/api/mfa/verify", creds{"code": "00000001"}); r.code != 429 || r.header.Get("Retry-After") != "900" {
		t.Fatalf("3rd wrong code: %d %q", r.code, r.header.Get("Retry-After"))
	}
	f.clk.Add(15 * time.Minute)
	c.signIn("p@example.com", testPassword)
	r = c.want(c.call("POST", "/api/mfa/verify", creds{"code": code(f.clk.Now()), "remember_device": true}), 200)
	until, _ := time.Parse(time.RFC3339, r.str("remembered_until"))
	if !until.Equal(f.clk.Now().Add(24 * time.Hour)) {
		t.Fatalf("remembered until %s", r.str("remembered_until"))
	}
	// The key refresh comes after 48 hours.
	f.clk.Add(48 * time.Hour)
	if r := c.signIn("p@example.com", testPassword); r.body["reenrol"] != true {
		t.Fatalf("48 h later: %s", r.raw)
	}
	// The pages name the policy.
	page := c.want(c.req("GET", "/signin", nil, nil), 200)
	if !bytes.Contains(page.raw, []byte("8-digit SHA512 codes every 60 s, ±0 step")) || !bytes.Contains(page.raw, []byte("a lock after 3 wrong codes")) {
		t.Fatalf("sign-in page does not show the policy:\n%s", page.raw)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSignInFormRemembersTheNewEmail(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	c := newClient(t, base)
	c.init()
	form := url.Values{"csrf_token": {c.csrf}, "company": {"Initech"}, "name": {"Ada"}, "email": {"Ada@Initech.example"}, "password": {testPassword}}
	p := c.req("POST", "/register", []byte(form.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if p.code != 303 {
		t.Fatalf("register: %d", p.code)
	}
	page := c.want(c.req("GET", p.header.Get("Location"), nil, nil), 200)
	if !bytes.Contains(page.raw, []byte(`value="ada@initech.example"`)) {
		t.Fatalf("the sign-in form after registering has no email:\n%s", page.raw)
	}
	// Once only.
	if page := c.want(c.req("GET", "/signin", nil, nil), 200); bytes.Contains(page.raw, []byte(`value="ada@initech.example"`)) {
		t.Fatal("the email stayed filled in on a later visit")
	}
	// After accepting an invitation.
	key, _ := enrolHTTP(t, f, newClient(t, base), "boss@initech.example")
	f.clk.Add(30 * time.Second)
	a := newClient(t, base)
	a.signIn("boss@initech.example", testPassword)
	a.want(a.call("POST", "/api/mfa/verify", creds{"code": codeAt(key, f.clk.Now())}), 200)
	inv := a.want(a.call("POST", "/api/invites", creds{"email": "bob@initech.example"}), 201)
	b := newClient(t, base)
	b.init()
	if page := b.want(b.req("GET", "/invite/"+inv.str("token"), nil, nil), 200); !bytes.Contains(page.raw, []byte(`id="accept-form"`)) || !bytes.Contains(page.raw, []byte("Join Co boss@initech.example")) {
		t.Fatalf("invitation page:\n%s", page.raw)
	}
	form = url.Values{"csrf_token": {b.csrf}, "name": {"Bob"}, "password": {testPassword}}
	p = b.req("POST", "/invite/"+inv.str("token"), []byte(form.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if p.code != 303 {
		t.Fatalf("accept: %d %s", p.code, p.raw)
	}
	page = b.want(b.req("GET", p.header.Get("Location"), nil, nil), 200)
	if !bytes.Contains(page.raw, []byte(`value="bob@initech.example"`)) {
		t.Fatal("the sign-in form after joining has no email")
	}
}
