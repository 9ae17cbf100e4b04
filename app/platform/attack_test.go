package platform

// Each test here is an attack from the security review (issue 8), scripted
// against the real server on loopback. They failed before their fixes.

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// enrolHTTP registers email as a new company's admin through the API,
// completes MFA setup with c and signs out. It returns the key and the
// recovery codes.
func enrolHTTP(t *testing.T, f *fixture, c *apiClient, email string) ([]byte, []string) {
	t.Helper()
	c.init()
	c.want(c.call("POST", "/api/companies", creds{"company": "Co " + email, "name": "N", "email": email, "password": testPassword}), 201)
	r := c.want(c.call("POST", "/api/session", creds{"email": email, "password": testPassword}), 200)
	if r.str("status") != StatusSetupRequired {
		t.Fatalf("first sign-in of %s: %s", email, r.raw)
	}
	key := secretOf(t, r.body["setup"].(map[string]any)["otpauth_uri"].(string))
	r = c.want(c.call("POST", "/api/mfa/setup", creds{"code": codeAt(key, f.clk.Now())}), 200)
	var rcs []string
	for _, v := range r.body["recovery_codes"].([]any) {
		rcs = append(rcs, v.(string))
	}
	c.want(c.call("DELETE", "/api/session", nil), 200)
	c.init()
	return key, rcs
}

func (c *apiClient) signIn(email, password string) resp {
	c.t.Helper()
	c.init()
	return c.want(c.call("POST", "/api/session", creds{"email": email, "password": password}), 200)
}

func TestAttackPasswordOnlyReenrolment(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	owner := newClient(t, base)
	oldKey, _ := enrolHTTP(t, f, owner, "owner@example.com")
	f.clk.Add(30 * 24 * time.Hour)

	// The attacker knows the password, nothing else.
	thief := newClient(t, base)
	r := thief.signIn("owner@example.com", testPassword)
	if r.str("status") != StatusMFARequired || r.body["reenrol"] != true || r.body["setup"] != nil {
		t.Fatalf("day 30, password only: %s; want mfa_required with reenrol and no setup", r.raw)
	}
	thief.want(thief.call("GET", "/api/mfa/setup", nil), 403)
	thief.want(thief.call("POST", "/api/mfa/setup", creds{"code": "123456"}), 403)
	thief.want(thief.call("GET", qrPath, nil), 403)
	// Nor through the pages: the setup page sends the visitor to "Confirm it's you".
	if p := thief.req("GET", "/mfa/setup", nil, nil); p.code != 303 || p.header.Get("Location") != "/mfa/verify" {
		t.Fatalf("GET /mfa/setup before the step-up: %d %q", p.code, p.header.Get("Location"))
	}

	// The owner steps up with the current code and gets the new secret.
	r = owner.signIn("owner@example.com", testPassword)
	if r.str("status") != StatusMFARequired || r.body["reenrol"] != true {
		t.Fatalf("owner at day 30: %s", r.raw)
	}
	r = owner.want(owner.call("POST", "/api/mfa/verify", creds{"code": codeAt(oldKey, f.clk.Now())}), 200)
	setup, _ := r.body["setup"].(map[string]any)
	if r.str("status") != StatusSetupRequired || setup == nil || setup["reenrol"] != true || r.str("csrf_token") == "" {
		t.Fatalf("step-up: %s", r.raw)
	}
	newKey := secretOf(t, setup["otpauth_uri"].(string))
	if bytes.Equal(newKey, oldKey) {
		t.Fatal("re-enrolment kept the old secret")
	}
	owner.want(owner.call("GET", "/api/mfa/setup", nil), 200)
	owner.want(owner.call("GET", qrPath, nil), 200)
	// A code of the new secret in the same 30 s as the old-secret code.
	r = owner.want(owner.call("POST", "/api/mfa/setup", creds{"code": codeAt(newKey, f.clk.Now())}), 200)
	if r.str("message") != "MFA setup is complete" {
		t.Fatalf("confirm: %s", r.raw)
	}
	owner.want(owner.call("DELETE", "/api/session", nil), 200)
	f.clk.Add(30 * time.Second)
	r = owner.signIn("owner@example.com", testPassword)
	if r.str("status") != StatusMFARequired || r.body["reenrol"] == true {
		t.Fatalf("after re-enrolment: %s", r.raw)
	}
	owner.want(owner.call("POST", "/api/mfa/verify", creds{"code": codeAt(oldKey, f.clk.Now())}), 401)
	owner.want(owner.call("POST", "/api/mfa/verify", creds{"code": codeAt(newKey, f.clk.Now())}), 200)
}

func TestAttackReenrolGracePeriod(t *testing.T) {
	f := newFixture(t, Config{ReenrolGrace: 2 * 24 * time.Hour})
	base := f.start()
	c := newClient(t, base)
	key, _ := enrolHTTP(t, f, c, "g@example.com")
	for _, tc := range []struct {
		at     time.Duration
		skipOK bool
	}{{30 * 24 * time.Hour, true}, {32*24*time.Hour - time.Minute, true}, {32 * 24 * time.Hour, false}} {
		f.clk.Set(time.Date(2026, 3, 2, 9, 0, 1, 0, time.UTC).Add(tc.at))
		c.signIn("g@example.com", testPassword)
		// "Not now" needs the step-up first.
		c.want(c.call("POST", "/api/mfa/setup/skip", nil), 403)
		c.want(c.call("POST", "/api/mfa/verify", creds{"code": codeAt(key, f.clk.Now())}), 200)
		r := c.call("POST", "/api/mfa/setup/skip", nil)
		if (r.code == 200) != tc.skipOK {
			t.Fatalf("skip at %v: %d %s, want allowed=%v", tc.at, r.code, r.raw, tc.skipOK)
		}
		if tc.skipOK {
			if r.str("status") != StatusSignedIn {
				t.Fatalf("skip: %s", r.raw)
			}
			c.want(c.call("GET", "/api/me", nil), 200)
			c.want(c.call("DELETE", "/api/session", nil), 200)
		} else if r.code != 403 {
			t.Fatalf("skip after the grace period: %d, want 403", r.code)
		}
		f.clk.Add(30 * time.Second)
	}
}

func TestAttackTwoSessionsOneSetupWindow(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	victim, thief := newClient(t, base), newClient(t, base)
	victim.init()
	victim.want(victim.call("POST", "/api/companies", creds{"company": "V", "name": "V", "email": "v@example.com", "password": testPassword}), 201)
	rv := victim.signIn("v@example.com", testPassword)
	f.clk.Add(time.Minute)
	rt := thief.signIn("v@example.com", testPassword)
	sv, st := rv.body["setup"].(map[string]any), rt.body["setup"].(map[string]any)
	if sv["secret"] == st["secret"] {
		t.Fatal("two sign-ins in one setup window got the same pending secret")
	}
	victimKey := secretOf(t, sv["otpauth_uri"].(string))
	thiefKey := secretOf(t, st["otpauth_uri"].(string))
	victim.want(victim.call("POST", "/api/mfa/setup", creds{"code": codeAt(victimKey, f.clk.Now())}), 200)
	// Once the victim confirmed, the other half-signed-in session cannot enrol.
	for _, key := range [][]byte{thiefKey, victimKey} {
		if r := thief.call("POST", "/api/mfa/setup", creds{"code": codeAt(key, f.clk.Now())}); r.code == 200 {
			t.Fatalf("second session enrolled after the first confirmed: %s", r.raw)
		}
	}
	if r := thief.signIn("v@example.com", testPassword); r.str("status") != StatusMFARequired {
		t.Fatalf("after the victim's setup: %s", r.raw)
	}
}

func TestAttackNewSecretCodeAfterOldSecretCode(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	c := newClient(t, base)
	key, _ := enrolHTTP(t, f, c, "n@example.com")
	f.clk.Add(30 * time.Second)
	c.signIn("n@example.com", testPassword)
	c.want(c.call("POST", "/api/mfa/verify", creds{"code": codeAt(key, f.clk.Now())}), 200)
	me := c.want(c.call("GET", "/api/me", nil), 200)
	c.want(c.call("POST", fmt.Sprintf("/api/users/%d/reset-mfa", int(me.body["id"].(float64))), nil), 200)
	// Same 30-second step: the new secret's own code must count.
	r := c.signIn("n@example.com", testPassword)
	newKey := secretOf(t, r.body["setup"].(map[string]any)["otpauth_uri"].(string))
	c.want(c.call("POST", "/api/mfa/setup", creds{"code": codeAt(newKey, f.clk.Now())}), 200)
}

// lockOut sends n wrong codes from a fresh sign-in and returns the last answer.
func lockOut(t *testing.T, c *apiClient, email string, n int) resp {
	t.Helper()
	c.signIn(email, testPassword)
	var r resp
	for range n {
		r = c.call("POST", "/api/mfa/verify", creds{"code": "000000"})
	}
	return r
}

func TestAttackRecoveryCodeDuringLock(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	c := newClient(t, base)
	key, rcs := enrolHTTP(t, f, c, "r@example.com")
	if key == nil {
		t.Fatal("no key")
	}
	if r := lockOut(t, c, "r@example.com", 10); r.code != 429 {
		t.Fatalf("10 wrong codes: %d", r.code)
	}
	r := c.want(c.call("POST", "/api/mfa/verify", creds{"code": rcs[0]}), 200)
	if r.str("status") != StatusSignedIn || r.body["used_recovery_code"] != true {
		t.Fatalf("recovery code during a code lock: %s", r.raw)
	}
	// Recovery codes have their own throttle.
	c.want(c.call("DELETE", "/api/session", nil), 200)
	c.signIn("r@example.com", testPassword)
	for i := 1; i <= 9; i++ {
		c.want(c.call("POST", "/api/mfa/verify", creds{"code": "aaaaa-aaaaa"}), 401)
	}
	c.want(c.call("POST", "/api/mfa/verify", creds{"code": "aaaaa-aaaaa"}), 429)
	c.want(c.call("POST", "/api/mfa/verify", creds{"code": rcs[1]}), 429)
}

func TestAttackNoPermanentLock(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	c := newClient(t, base)
	key, _ := enrolHTTP(t, f, c, "only-admin@example.com")
	// Ten rounds of ten wrong codes: the lock grows, but never for good.
	for i, want := range []int{900, 3600, 14400, 86400, 86400, 86400, 86400, 86400, 86400, 86400} {
		r := lockOut(t, c, "only-admin@example.com", 10)
		if r.code != 429 || r.header.Get("Retry-After") != strconv.Itoa(want) {
			t.Fatalf("round %d: %d Retry-After %q, want 429 %d: %s", i+1, r.code, r.header.Get("Retry-After"), want, r.raw)
		}
		f.clk.Add(time.Duration(want) * time.Second)
	}
	f.clk.Add(30 * time.Second)
	c.signIn("only-admin@example.com", testPassword)
	c.want(c.call("POST", "/api/mfa/verify", creds{"code": codeAt(key, f.clk.Now())}), 200)
}

func TestAttackAdminLiftsCodeLock(t *testing.T) {
	f := newFixture(t, Config{})
	adminKey := f.enrol("boss@example.com")
	admin := f.signInAdmin(adminKey)
	inv, err := f.svc.createInvite(f.ctx, admin, "m@example.com", "http://x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.acceptInvite(f.ctx, inv.Token, "M", testPassword); err != nil {
		t.Fatal(err)
	}
	key := f.setup("m@example.com")
	r := f.signIn("m@example.com", "")
	for range 10 {
		_, err = f.svc.verifyCode(f.ctx, r.session, "000000", false)
	}
	if kindOf(err) != kindThrottled {
		t.Fatalf("10 wrong codes: %v", err)
	}
	users, err := f.svc.users(f.ctx, f.signInAdmin(adminKey))
	if err != nil || !users[1].CodeLocked {
		t.Fatalf("users: %+v %v", users, err)
	}
	if err := f.svc.unlockCodes(f.ctx, f.signInAdmin(adminKey), users[1].ID); err != nil {
		t.Fatal(err)
	}
	f.clk.Add(30 * time.Second)
	r = f.signIn("m@example.com", "")
	if _, err := f.svc.verifyCode(f.ctx, r.session, codeAt(key, f.clk.Now()), false); err != nil {
		t.Fatalf("code after the admin lifted the lock: %v", err)
	}
}

// remoteIP returns a non-loopback IPv4 address of this machine.
func remoteIP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skipf("interface addresses: %v", err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	t.Skip("no non-loopback IPv4 address to listen on")
	return ""
}

func TestAttackRemoteRequiresAllowRemote(t *testing.T) {
	ip := remoteIP(t)
	for _, addr := range []string{ip + ":0", "0.0.0.0:0"} {
		f := newFixture(t, Config{})
		if u, err := f.srv.Start(addr); err == nil || !strings.Contains(err.Error(), "--allow-remote") {
			t.Fatalf("Start(%s) without AllowRemote: %q %v", addr, u, err)
		}
	}
}

func TestAttackRemoteOutboxAndClock(t *testing.T) {
	ip := remoteIP(t)
	f := newFixture(t, Config{TestClock: true, AllowRemote: true})
	base, err := f.srv.Start(ip + ":0")
	if err != nil {
		t.Fatal(err)
	}
	a := newClient(t, base)
	enrolHTTP(t, f, a, "a@example.com")
	f.clk.Add(30 * time.Second)
	b := newClient(t, base)
	bKey, _ := enrolHTTP(t, f, b, "b@example.com")
	f.clk.Add(30 * time.Second)
	// Admin A invites someone: the link must not reach anyone else.
	aKey, _ := enrolHTTP(t, f, newClient(t, base), "a2@example.com")
	f.clk.Add(30 * time.Second)
	a.signIn("a2@example.com", testPassword)
	a.want(a.call("POST", "/api/mfa/verify", creds{"code": codeAt(aKey, f.clk.Now())}), 200)
	inv := a.want(a.call("POST", "/api/invites", creds{"email": "new@example.com"}), 201)

	stranger := newClient(t, base)
	stranger.init()
	if r := stranger.call("GET", "/api/outbox", nil); r.code != 401 || bytes.Contains(r.raw, []byte(inv.str("token"))) {
		t.Fatalf("stranger reads the outbox: %d %.300s", r.code, r.raw)
	}
	if r := stranger.req("GET", "/outbox", nil, nil); bytes.Contains(r.raw, []byte(inv.str("token"))) || r.code == 200 {
		t.Fatalf("stranger reads the outbox page: %d", r.code)
	}
	// Admin B sees B's company mail only.
	b.signIn("b@example.com", testPassword)
	b.want(b.call("POST", "/api/mfa/verify", creds{"code": codeAt(bKey, f.clk.Now())}), 200)
	r := b.want(b.call("GET", "/api/outbox", nil), 200)
	if bytes.Contains(r.raw, []byte(inv.str("token"))) || bytes.Contains(r.raw, []byte("new@example.com")) {
		t.Fatalf("admin B reads company A's mail: %s", r.raw)
	}
	r = a.want(a.call("GET", "/api/outbox", nil), 200)
	if !bytes.Contains(r.raw, []byte(inv.str("token"))) {
		t.Fatalf("admin A does not see its own invitation: %s", r.raw)
	}
	// The test clock needs the token printed at start.
	tok := f.srv.TestClockToken()
	if len(tok) < 20 {
		t.Fatalf("test clock token %q", tok)
	}
	stranger.want(stranger.call("POST", "/api/test/clock", creds{"advance": "720h"}), 403)
	stranger.want(stranger.req("POST", "/api/test/clock", []byte(`{"advance":"720h"}`), map[string]string{"X-Test-Clock-Token": tok + "x"}), 403)
	stranger.want(stranger.req("GET", "/api/test/clock", nil, nil), 403)
	before := f.srv.clock.Now()
	stranger.want(stranger.req("POST", "/test/clock", []byte("advance=720h&back=/signin&csrf_token="+url.QueryEscape(stranger.csrf)),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"}), 403)
	if !f.srv.clock.Now().Equal(before) {
		t.Fatal("the test clock moved without its token")
	}
	stranger.want(stranger.req("POST", "/api/test/clock", []byte(`{"advance":"1h"}`), map[string]string{"X-Test-Clock-Token": tok}), 200)
	// DNS rebinding: a foreign Host header is refused off loopback too.
	stranger.want(stranger.req("GET", "/api/csrf", nil, map[string]string{"Host": "rebind.example:" + strings.Split(base, ":")[2]}), 421)
}

func TestAttackLoopbackKeepsConvenience(t *testing.T) {
	f := newFixture(t, Config{TestClock: true})
	base := f.start()
	c := newClient(t, base)
	c.init()
	c.want(c.call("POST", "/api/companies", creds{"company": "L", "name": "N", "email": "l@example.com", "password": testPassword}), 201)
	c.want(c.call("GET", "/api/outbox", nil), 200)
	c.want(c.call("POST", "/api/test/clock", creds{"advance": "1h"}), 200)
	for _, h := range []string{"localhost:" + strings.Split(base, ":")[2], "evil.example", "127.0.0.1"} {
		want := 200
		if h != "localhost:"+strings.Split(base, ":")[2] {
			want = 421
		}
		c.want(c.req("GET", "/api/csrf", nil, map[string]string{"Host": h}), want)
	}
}

// dbBytes is the size of the database and its WAL after a checkpoint.
func dbBytes(t *testing.T, f *fixture) int64 {
	t.Helper()
	if _, err := f.svc.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, p := range []string{f.db, f.db + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n
}

func TestAttackVisitorTokensCostNothing(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	before := dbBytes(t, f)
	const n = 10000
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	hc := &http.Client{Timeout: 30 * time.Second}
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				rs, err := hc.Get(base + "/api/csrf")
				if err != nil {
					errs <- err
					return
				}
				rs.Body.Close()
				if rs.StatusCode != 200 {
					errs <- fmt.Errorf("GET /api/csrf: %d", rs.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	grew := dbBytes(t, f) - before
	t.Logf("%d cookieless GET /api/csrf grew the database by %d bytes", n, grew)
	if grew >= 100<<10 {
		t.Fatalf("%d visitor tokens grew the database by %d bytes, want < 100 KB", n, grew)
	}
	// The visitor's token works with its own cookie only.
	c, d := newClient(t, base), newClient(t, base)
	c.init()
	d.init()
	c.want(c.req("POST", "/api/companies", []byte(`{"company":"V","name":"N","email":"v@example.com","password":"`+testPassword+`"}`),
		map[string]string{csrfHeader: d.csrf}), 403)
	c.want(c.call("POST", "/api/companies", creds{"company": "V", "name": "N", "email": "v@example.com", "password": testPassword}), 201)
}

func TestAttackClockBackRedirect(t *testing.T) {
	f := newFixture(t, Config{TestClock: true})
	base := f.start()
	c := newClient(t, base)
	c.init()
	for back, want := range map[string]string{
		"/\t/evil.example":     "/",
		"/\n/evil.example":     "/",
		"//evil.example":       "/",
		"/\\evil.example":      "/",
		"https://evil.example": "/",
		"/%2F%2Fevil.example":  "/",
		"/signin":              "/signin",
		"/home":                "/home",
		"/outbox":              "/outbox",
		"/admin?x=1":           "/",
		"":                     "/",
	} {
		form := url.Values{"csrf_token": {c.csrf}, "advance": {"1m"}, "back": {back}}
		r := c.req("POST", "/test/clock", []byte(form.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
		if r.code != 303 || r.header.Get("Location") != want {
			t.Errorf("back=%q: %d Location %q, want %q", back, r.code, r.header.Get("Location"), want)
		}
	}
}

func TestAttackRegistrationEnumeration(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	c := newClient(t, base)
	c.init()
	first := c.want(c.call("POST", "/api/companies", creds{"company": "Real", "name": "Ada", "email": "ada@example.com", "password": testPassword}), 201)
	again := c.want(c.call("POST", "/api/companies", creds{"company": "Fake", "name": "Eve", "email": "ADA@example.com", "password": "eve's own password"}), 201)
	if !bytes.Equal(first.raw, again.raw) {
		t.Fatalf("registration answers differ: %s vs %s", first.raw, again.raw)
	}
	msgs, err := f.svc.outbox(context.Background())
	if err != nil || len(msgs) != 1 || msgs[0].To != "ada@example.com" || !strings.Contains(strings.ToLower(msgs[0].Subject), "someone tried to register with your address") {
		t.Fatalf("outbox: %+v %v", msgs, err)
	}
	c.want(c.call("POST", "/api/session", creds{"email": "ada@example.com", "password": "eve's own password"}), 401)
	r := c.want(c.call("POST", "/api/session", creds{"email": "ada@example.com", "password": testPassword}), 200)
	if r.str("status") != StatusSetupRequired {
		t.Fatalf("the owner's account changed: %s", r.raw)
	}
	// The HTML form answers the same way.
	form := url.Values{"csrf_token": {c.csrf}, "company": {"X"}, "name": {"Y"}, "email": {"ada@example.com"}, "password": {testPassword}}
	p := c.req("POST", "/register", []byte(form.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if p.code != 303 || !strings.HasPrefix(p.header.Get("Location"), "/signin?n=registered") {
		t.Fatalf("register page with a used email: %d %q", p.code, p.header.Get("Location"))
	}
}
