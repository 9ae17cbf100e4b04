package platform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"authdesk/scanner"
)

// apiClient is a cookie-carrying JSON client of a platform on loopback.
type apiClient struct {
	t    *testing.T
	base string
	hc   *http.Client
	csrf string
}

func (f *fixture) start() string {
	f.t.Helper()
	u, err := f.srv.Start("127.0.0.1:0")
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

func newClient(t *testing.T, base string) *apiClient {
	jar, _ := cookiejar.New(nil)
	c := &apiClient{t: t, base: base, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	return c
}

type resp struct {
	code   int
	body   map[string]any
	raw    []byte
	header http.Header
}

func (r resp) str(k string) string { s, _ := r.body[k].(string); return s }

// req sends a raw request. hdr may set or delete ("" value) headers.
func (c *apiClient) req(method, path string, body []byte, hdr map[string]string) resp {
	c.t.Helper()
	rq, err := http.NewRequest(method, c.base+path, bytesReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		rq.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		rq.Header.Set(csrfHeader, c.csrf)
	}
	for k, v := range hdr {
		if k == "Host" {
			rq.Host = v
			continue
		}
		if v == "" {
			rq.Header.Del(k)
		} else {
			rq.Header.Set(k, v)
		}
	}
	rs, err := c.hc.Do(rq)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer rs.Body.Close()
	out, err := decodeResp(c, rs)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return out
}

func bytesReader(b []byte) io.Reader {
	if b == nil {
		return http.NoBody
	}
	return bytes.NewReader(b)
}

// decodeResp reads a response and remembers a CSRF token it carries.
func decodeResp(c *apiClient, rs *http.Response) (resp, error) {
	raw, err := io.ReadAll(rs.Body)
	if err != nil {
		return resp{}, err
	}
	out := resp{code: rs.StatusCode, raw: raw, header: rs.Header}
	if strings.HasPrefix(rs.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			return out, fmt.Errorf("bad JSON %q: %w", raw, err)
		}
		if tok := out.str("csrf_token"); tok != "" {
			c.csrf = tok
		}
	}
	return out, nil
}

func (c *apiClient) call(method, path string, v any) resp {
	c.t.Helper()
	var body []byte
	if v != nil {
		var err error
		if body, err = json.Marshal(v); err != nil {
			c.t.Fatal(err)
		}
	}
	return c.req(method, path, body, nil)
}

func (c *apiClient) want(r resp, code int) resp {
	c.t.Helper()
	if r.code != code {
		c.t.Fatalf("status %d, want %d: %s", r.code, code, r.raw)
	}
	return r
}

func (c *apiClient) cookie(name string) string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func (c *apiClient) init() {
	c.t.Helper()
	c.want(c.call("GET", "/api/csrf", nil), 200)
}

type creds map[string]any

func TestHTTPJourney(t *testing.T) {
	f := newFixture(t, Config{Issuer: "Acme: Cloud+Dev"})
	base := f.start()
	admin := newClient(t, base)
	admin.init()
	anonCookie := admin.cookie(sessionCookie)
	admin.want(admin.call("POST", "/api/companies", creds{"company": "Acme Inc", "name": "Ada", "email": "ada@example.com", "password": testPassword}), 201)
	// A used address answers like a new one (TestAttackRegistrationEnumeration).
	admin.want(admin.call("POST", "/api/companies", creds{"company": "Acme Inc", "name": "Ada", "email": "ADA@example.com", "password": testPassword}), 201)

	r := admin.want(admin.call("POST", "/api/session", creds{"email": "ada@example.com", "password": testPassword}), 200)
	halfCookie := admin.cookie(sessionCookie)
	if r.str("status") != StatusSetupRequired || anonCookie != "" || len(halfCookie) != 43 {
		t.Fatalf("sign-in: %s (cookie %q → %q)", r.raw, anonCookie, halfCookie)
	}
	setup := r.body["setup"].(map[string]any)
	uri := setup["otpauth_uri"].(string)
	if setup["qr_png"] != qrPath || !strings.HasPrefix(uri, "otpauth://totp/Acme%3A%20Cloud%2BDev:ada%40example.com?secret="+setup["secret"].(string)) {
		t.Fatalf("setup %v", setup)
	}
	// The QR image decodes (with our scanner) to the same URI.
	png := admin.want(admin.call("GET", qrPath, nil), 200)
	if png.header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR content type %q", png.header.Get("Content-Type"))
	}
	got, err := scanner.Bytes(png.raw)
	if err != nil || len(got) != 1 || got[0] != uri {
		t.Fatalf("QR decodes to %q (%v), want %q", got, err, uri)
	}
	// The half-signed-in session reaches nothing else.
	for _, p := range []string{"/api/me", "/api/users", "/api/outbox?x"} {
		rr := admin.call("GET", p, nil)
		if p != "/api/outbox?x" && rr.code != 401 {
			t.Fatalf("half-signed-in GET %s: %d", p, rr.code)
		}
	}
	admin.want(admin.call("POST", "/api/invites", creds{"email": "x@example.com"}), 401)
	admin.want(admin.call("POST", "/api/mfa/verify", creds{"code": "123456"}), 409)

	key := secretOf(t, uri)
	r = admin.want(admin.call("POST", "/api/mfa/setup", creds{"code": codeAt(key, f.clk.Now())}), 200)
	if r.str("status") != StatusSignedIn || r.str("message") != "MFA setup is complete" || len(r.body["recovery_codes"].([]any)) != 10 {
		t.Fatalf("setup: %s", r.raw)
	}
	if c := admin.cookie(sessionCookie); c == halfCookie || c == "" {
		t.Fatal("session ID not rotated after MFA")
	}
	me := admin.want(admin.call("GET", "/api/me", nil), 200)
	if me.str("email") != "ada@example.com" || me.str("company") != "Acme Inc" || me.str("role") != "admin" || me.str("mfa_enrolled_at") == "" {
		t.Fatalf("me: %s", me.raw)
	}

	// Invite a user; the invitation lands in the outbox.
	inv := admin.want(admin.call("POST", "/api/invites", creds{"email": "bo@example.com"}), 201)
	if inv.str("invite_url") != base+"/invite/"+inv.str("token") {
		t.Fatalf("invite: %s", inv.raw)
	}
	ob := admin.want(admin.call("GET", "/api/outbox", nil), 200)
	msgs := ob.body["messages"].([]any)
	if len(msgs) != 2 || msgs[0].(map[string]any)["link"] != inv.str("invite_url") {
		t.Fatalf("outbox: %s", ob.raw)
	}
	bo := newClient(t, base)
	bo.init()
	info := bo.want(bo.call("GET", "/api/invites/"+inv.str("token"), nil), 200)
	if info.str("email") != "bo@example.com" {
		t.Fatalf("invite info %s", info.raw)
	}
	bo.want(bo.call("POST", "/api/invites/"+inv.str("token")+"/accept", creds{"name": "Bo", "password": "short"}), 400)
	bo.want(bo.call("POST", "/api/invites/"+inv.str("token")+"/accept", creds{"name": "Bo", "password": testPassword}), 201)
	bo.want(bo.call("POST", "/api/invites/"+inv.str("token")+"/accept", creds{"name": "Bo", "password": testPassword}), 404)
	br := bo.want(bo.call("POST", "/api/session", creds{"email": "bo@example.com", "password": testPassword}), 200)
	boKey := secretOf(t, br.body["setup"].(map[string]any)["otpauth_uri"].(string))
	bo.want(bo.call("POST", "/api/mfa/setup", creds{"code": "000000x"}), 400)
	bo.want(bo.call("POST", "/api/mfa/setup", creds{"code": codeAt(boKey, f.clk.Now())}), 200)
	bo.want(bo.call("GET", "/api/users", nil), 403)
	bo.want(bo.call("POST", "/api/invites", creds{"email": "z@example.com"}), 403)

	users := admin.want(admin.call("GET", "/api/users", nil), 200)
	list := users.body["users"].([]any)
	if len(list) != 2 || list[1].(map[string]any)["mfa_status"] != "enabled" {
		t.Fatalf("users: %s", users.raw)
	}
	boID := int(list[1].(map[string]any)["id"].(float64))

	// Sign out, sign in again: code step, remember the device.
	admin.want(admin.call("DELETE", "/api/session", nil), 200)
	admin.want(admin.call("GET", "/api/me", nil), 401)
	admin.init()
	f.clk.Add(30 * time.Second)
	r = admin.want(admin.call("POST", "/api/session", creds{"email": "ada@example.com", "password": testPassword}), 200)
	if r.str("status") != StatusMFARequired || r.body["setup"] != nil {
		t.Fatalf("second sign-in: %s", r.raw)
	}
	admin.want(admin.call("POST", "/api/mfa/verify", creds{"code": "000000", "remember_device": true}), 401)
	r = admin.want(admin.call("POST", "/api/mfa/verify", creds{"code": codeAt(key, f.clk.Now()), "remember_device": true}), 200)
	if r.str("status") != StatusSignedIn || admin.cookie(deviceCookie) == "" {
		t.Fatalf("verify: %s", r.raw)
	}
	admin.want(admin.call("DELETE", "/api/session", nil), 200)
	admin.init()
	r = admin.want(admin.call("POST", "/api/session", creds{"email": "ada@example.com", "password": testPassword}), 200)
	if r.str("status") != StatusSignedIn {
		t.Fatalf("remembered device: %s", r.raw)
	}
	admin.want(admin.call("GET", "/api/me", nil), 200)

	// Admin resets Bo's MFA: Bo's session ends.
	admin.want(admin.call("POST", fmt.Sprintf("/api/users/%d/reset-mfa", boID), nil), 200)
	admin.want(admin.call("POST", "/api/users/abc/reset-mfa", nil), 400)
	admin.want(admin.call("POST", "/api/users/99999/reset-mfa", nil), 404)
	bo.want(bo.call("GET", "/api/me", nil), 401)

	// Change password: the device is forgotten.
	admin.want(admin.call("POST", "/api/password", creds{"current_password": "wrong password", "new_password": testPassword + "2"}), 401)
	admin.want(admin.call("POST", "/api/password", creds{"current_password": testPassword, "new_password": "short"}), 400)
	admin.want(admin.call("POST", "/api/password", creds{"current_password": testPassword, "new_password": testPassword + "2"}), 200)
	admin.want(admin.call("GET", "/api/me", nil), 200)
	admin.want(admin.call("DELETE", "/api/sessions", nil), 200)
	admin.want(admin.call("GET", "/api/me", nil), 401)
	admin.init()
	r = admin.want(admin.call("POST", "/api/session", creds{"email": "ada@example.com", "password": testPassword + "2"}), 200)
	if r.str("status") != StatusMFARequired {
		t.Fatalf("device survived a password change: %s", r.raw)
	}
	// Test clock routes exist only with the flag.
	admin.want(admin.call("POST", "/api/test/clock", creds{"advance": "720h"}), 404)
	admin.want(admin.call("GET", "/api/test/clock", nil), 404)
	admin.want(admin.req("POST", "/api/test/clock", []byte(`{"advance":"720h"}`), map[string]string{csrfHeader: ""}), 404)
	admin.want(admin.req("POST", "/test/clock", []byte(`advance=720h`), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}), 404)
}

func TestHTTPTestClock(t *testing.T) {
	f := newFixture(t, Config{TestClock: true})
	base := f.start()
	c := newClient(t, base)
	c.init()
	c.want(c.call("POST", "/api/companies", creds{"company": "C", "name": "N", "email": "c@example.com", "password": testPassword}), 201)
	r := c.want(c.call("POST", "/api/session", creds{"email": "c@example.com", "password": testPassword}), 200)
	key := secretOf(t, r.body["setup"].(map[string]any)["otpauth_uri"].(string))
	c.want(c.call("POST", "/api/mfa/setup", creds{"code": codeAt(key, f.clk.Now())}), 200)
	for _, bad := range []string{`{"advance":"-1h"}`, `{"advance":"soon"}`, `{"advance":"100000h"}`, `{"advance":5}`} {
		c.want(c.req("POST", "/api/test/clock", []byte(bad), nil), 400)
	}
	c.want(c.req("POST", "/api/test/clock", []byte(`{"advance":"720h"}`), map[string]string{csrfHeader: ""}), 403)
	r = c.want(c.call("POST", "/api/test/clock", creds{"advance": "29d23h"}), 200) // days are accepted
	now, _ := time.Parse(time.RFC3339Nano, r.str("now"))
	if !now.Equal(f.clk.Now().Add(719 * time.Hour)) {
		t.Fatalf("clock now %v", r.raw)
	}
	// 719 hours later the signed-in session (12 h) has expired; signing out still answers 200.
	c.want(c.call("GET", "/api/me", nil), 401)
	c.want(c.req("DELETE", "/api/session", nil, map[string]string{csrfHeader: ""}), 200)
	c.init()
	f.clk.Add(30 * time.Second)
	if r := c.want(c.call("POST", "/api/session", creds{"email": "c@example.com", "password": testPassword}), 200); r.str("status") != StatusMFARequired {
		t.Fatalf("day 29.96: %s", r.raw)
	}
	c.want(c.call("POST", "/api/test/clock", creds{"advance": "1h"}), 200)
	c.init() // the half-signed-in session ran out with that hour
	if r := c.want(c.call("POST", "/api/session", creds{"email": "c@example.com", "password": testPassword}), 200); r.str("status") != StatusMFARequired || r.body["reenrol"] != true {
		t.Fatalf("day 30: %s", r.raw)
	}
	// The HTML panel is there too.
	page := c.want(c.call("GET", "/signin", nil), 200)
	if !bytes.Contains(page.raw, []byte(`id="test-clock-now"`)) || !bytes.Contains(page.raw, []byte(`data-advance="720h"`)) {
		t.Fatal("the sign-in page has no Test Clock panel")
	}
}

func TestHTTPHostileInput(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	c := newClient(t, base)
	c.init()
	c.want(c.call("POST", "/api/companies", creds{"company": "H", "name": "N", "email": "h@example.com", "password": testPassword}), 201)
	huge := []byte(`{"email":"` + strings.Repeat("a", 20<<10) + `","password":"x"}`)
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   []byte
		hdr    map[string]string
		want   int
	}{
		{"malformed JSON", "POST", "/api/session", []byte(`{"email":`), nil, 400},
		{"not an object", "POST", "/api/session", []byte(`["a"]`), nil, 400},
		{"wrong type", "POST", "/api/session", []byte(`{"email":1,"password":"x"}`), nil, 400},
		{"unknown field", "POST", "/api/session", []byte(`{"email":"a","password":"b","admin":true}`), nil, 400},
		{"two objects", "POST", "/api/session", []byte(`{"email":"a","password":"b"}{}`), nil, 400},
		{"oversized", "POST", "/api/session", huge, nil, 413},
		{"oversized companies", "POST", "/api/companies", huge, nil, 413},
		{"not JSON", "POST", "/api/session", []byte(`email=a`), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415},
		{"text/plain", "POST", "/api/companies", []byte(`{}`), map[string]string{"Content-Type": "text/plain"}, 415},
		{"missing CSRF", "POST", "/api/session", []byte(`{"email":"h@example.com","password":"x"}`), map[string]string{csrfHeader: ""}, 403},
		{"wrong CSRF", "POST", "/api/session", []byte(`{"email":"h@example.com","password":"x"}`), map[string]string{csrfHeader: "AAAA"}, 403},
		{"missing CSRF on a visitor's sign-out (nothing to end)", "DELETE", "/api/session", nil, map[string]string{csrfHeader: ""}, 200},
		{"cross-origin", "POST", "/api/session", []byte(`{"email":"h@example.com","password":"x"}`), map[string]string{"Origin": "http://evil.example"}, 403},
		{"null origin", "POST", "/api/session", []byte(`{"email":"h@example.com","password":"x"}`), map[string]string{"Origin": "null"}, 403},
		{"cross-site fetch", "POST", "/api/session", []byte(`{"email":"h@example.com","password":"x"}`), map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"bad Host", "GET", "/api/csrf", nil, map[string]string{"Host": "attacker.example"}, 421},
		{"unknown route", "GET", "/api/nope", nil, nil, 404},
		{"form without token", "POST", "/signin", []byte("email=h%40example.com&password=x"), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc := *c
			cc.t = t
			r := cc.req(tc.method, tc.path, tc.body, tc.hdr)
			if r.code != tc.want {
				t.Fatalf("status %d, want %d: %.200s", r.code, tc.want, r.raw)
			}
			if strings.HasPrefix(tc.path, "/api/") && r.code >= 400 && (r.body == nil || r.str("error") == "") {
				t.Fatalf("no JSON error: %.200s", r.raw)
			}
		})
	}
	// Same-origin requests pass, also with the null Origin Chromium sends under no-referrer.
	c.want(c.req("POST", "/api/session", []byte(`{"email":"h@example.com","password":"x"}`), map[string]string{"Origin": "null", "Sec-Fetch-Site": "same-origin"}), 401)
	c.want(c.req("POST", "/api/session", []byte(`{"email":"h@example.com","password":"`+testPassword+`"}`), map[string]string{"Origin": base, "Sec-Fetch-Site": "same-origin"}), 200)
}

func TestHTTPStolenHalfCookie(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	c := newClient(t, base)
	c.init()
	c.want(c.call("POST", "/api/companies", creds{"company": "S", "name": "N", "email": "s@example.com", "password": testPassword}), 201)
	c.want(c.call("POST", "/api/session", creds{"email": "s@example.com", "password": testPassword}), 200)
	stolen := c.cookie(sessionCookie)
	thief := newClient(t, base)
	u, _ := url.Parse(base)
	thief.hc.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: stolen}})
	thief.csrf = c.csrf
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/me"}, {"GET", "/api/users"}, {"POST", "/api/invites"}, {"POST", "/api/password"},
		{"POST", "/api/users/1/reset-mfa"}, {"DELETE", "/api/sessions"},
	} {
		var body []byte
		switch tc.path {
		case "/api/invites":
			body = []byte(`{"email":"x@example.com"}`)
		case "/api/password":
			body = []byte(`{"current_password":"` + testPassword + `","new_password":"` + testPassword + `x"}`)
		}
		if r := thief.req(tc.method, tc.path, body, nil); r.code != 401 {
			t.Errorf("%s %s with a half-signed-in cookie: %d %s", tc.method, tc.path, r.code, r.raw)
		}
	}
	// HTML pages send the half-signed-in visitor back to the MFA step.
	r := thief.req("GET", "/home", nil, nil)
	if r.code != 303 || r.header.Get("Location") != "/mfa/setup" {
		t.Fatalf("GET /home half-signed-in: %d %q", r.code, r.header.Get("Location"))
	}
	// After 10 minutes the cookie is worthless.
	f.clk.Add(10 * time.Minute)
	if r := thief.req("GET", "/api/mfa/setup", nil, nil); r.code != 401 {
		t.Fatalf("expired half session: %d", r.code)
	}
}

func TestHTTPLockoutRetryAfter(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	c := newClient(t, base)
	c.init()
	c.want(c.call("POST", "/api/companies", creds{"company": "L", "name": "N", "email": "l@example.com", "password": testPassword}), 201)
	r := c.want(c.call("POST", "/api/session", creds{"email": "l@example.com", "password": testPassword}), 200)
	key := secretOf(t, r.body["setup"].(map[string]any)["otpauth_uri"].(string))
	c.want(c.call("POST", "/api/mfa/setup", creds{"code": codeAt(key, f.clk.Now())}), 200)
	c.want(c.call("DELETE", "/api/session", nil), 200)
	c.init()
	c.want(c.call("POST", "/api/session", creds{"email": "l@example.com", "password": testPassword}), 200)
	bodies := []string{`{"code":"000000"}`, `{"code":" 12345"}`, `{"code":"１２３４５６"}`, `{"code":123456}`, `{"code":"1"`, `{"code":"` + strings.Repeat("9", 17<<10) + `"}`,
		`{"code":"' OR '1'='1"}`, `{"code":"000000","remember_device":"yes"}`, `{"code":"abcdef"}`}
	for i, b := range bodies {
		r := c.req("POST", "/api/mfa/verify", []byte(b), nil)
		if r.code != 401 && r.code != 400 && r.code != 413 {
			t.Fatalf("attempt %d %.30s: %d %s", i+1, b, r.code, r.raw)
		}
	}
	r = c.req("POST", "/api/mfa/verify", []byte(`{"code":"000001"}`), nil)
	if r.code != 429 || r.header.Get("Retry-After") != "900" {
		t.Fatalf("10th failure: %d Retry-After %q", r.code, r.header.Get("Retry-After"))
	}
	f.clk.Add(30 * time.Second)
	r = c.call("POST", "/api/mfa/verify", creds{"code": codeAt(key, f.clk.Now())})
	if r.code != 429 {
		t.Fatalf("correct code while locked: %d", r.code)
	}
	if ra, _ := strconv.Atoi(r.header.Get("Retry-After")); ra != 870 {
		t.Fatalf("Retry-After %q, want 870", r.header.Get("Retry-After"))
	}
	// Password throttle answers 429 with Retry-After too.
	d := newClient(t, base)
	d.init()
	for range 9 {
		d.want(d.call("POST", "/api/session", creds{"email": "l@example.com", "password": "wrong password"}), 401)
	}
	r = d.call("POST", "/api/session", creds{"email": "l@example.com", "password": "wrong password"})
	if r.code != 429 || r.header.Get("Retry-After") != "900" || r.str("error") == "" {
		t.Fatalf("10th wrong password: %d %q %s", r.code, r.header.Get("Retry-After"), r.raw)
	}
}

func TestHTTPExpiredDeviceToken(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	c := newClient(t, base)
	c.init()
	c.want(c.call("POST", "/api/companies", creds{"company": "E", "name": "N", "email": "e@example.com", "password": testPassword}), 201)
	r := c.want(c.call("POST", "/api/session", creds{"email": "e@example.com", "password": testPassword}), 200)
	key := secretOf(t, r.body["setup"].(map[string]any)["otpauth_uri"].(string))
	c.want(c.call("POST", "/api/mfa/setup", creds{"code": codeAt(key, f.clk.Now())}), 200)
	c.want(c.call("DELETE", "/api/session", nil), 200)
	c.init()
	f.clk.Add(30 * time.Second)
	c.want(c.call("POST", "/api/session", creds{"email": "e@example.com", "password": testPassword}), 200)
	c.want(c.call("POST", "/api/mfa/verify", creds{"code": codeAt(key, f.clk.Now()), "remember_device": true}), 200)
	tok := c.cookie(deviceCookie)
	// A forged token, and the real one after 30 days.
	u, _ := url.Parse(base)
	for _, tc := range []struct {
		name    string
		token   string
		advance time.Duration
		want    string
	}{
		{"forged", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, StatusMFARequired},
		{"valid", tok, 0, StatusSignedIn},
		{"expired", tok, 30 * 24 * time.Hour, StatusMFARequired},
	} {
		f.clk.Add(tc.advance)
		d := newClient(t, base)
		d.hc.Jar.SetCookies(u, []*http.Cookie{{Name: deviceCookie, Value: tc.token}})
		d.init()
		r := d.want(d.call("POST", "/api/session", creds{"email": "e@example.com", "password": testPassword}), 200)
		if r.str("status") != tc.want {
			t.Errorf("%s device token: %s, want %s", tc.name, r.str("status"), tc.want)
		}
	}
}

func TestHTTPSQLMetacharacters(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	evil := []string{`'; DROP TABLE users; --`, `" OR "1"="1`, `\'; SELECT * FROM sessions; --`, "Robert'); DELETE FROM companies;--"}
	c := newClient(t, base)
	c.init()
	for i, e := range evil {
		email := fmt.Sprintf("o'neil+%d@example.com", i)
		c.want(c.call("POST", "/api/companies", creds{"company": e, "name": e, "email": email, "password": e + " padding!"}), 201)
		r := c.want(c.call("POST", "/api/session", creds{"email": email, "password": e + " padding!"}), 200)
		key := secretOf(t, r.body["setup"].(map[string]any)["otpauth_uri"].(string))
		c.want(c.call("POST", "/api/mfa/setup", creds{"code": e}), 400)
		f.clk.Add(30 * time.Second)
		c.want(c.call("POST", "/api/mfa/setup", creds{"code": codeAt(key, f.clk.Now())}), 200)
		me := c.want(c.call("GET", "/api/me", nil), 200)
		if me.str("company") != e || me.str("name") != e {
			t.Fatalf("round trip of %q: %s", e, me.raw)
		}
		c.want(c.call("POST", "/api/invites", creds{"email": e}), 400)
		inv := c.want(c.call("POST", "/api/invites", creds{"email": fmt.Sprintf("x'--%d@example.com", i)}), 201)
		c.want(c.call("POST", "/api/invites/"+url.PathEscape(e)+"/accept", creds{"name": e, "password": e + " padding!"}), 404)
		c.want(c.call("POST", "/api/invites/"+inv.str("token")+"/accept", creds{"name": e, "password": e + " padding!"}), 201)
		c.want(c.call("POST", "/api/session", creds{"email": e, "password": e}), 401)
		c.want(c.call("DELETE", "/api/session", nil), 200)
		c.init()
	}
	var n int
	if err := f.svc.store.db.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&n); err != nil || n != 2*len(evil) {
		t.Fatalf("users table has %d rows (%v), want %d", n, err, 2*len(evil))
	}
}

func TestHTTPSecurityHeadersAndCookies(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	c := newClient(t, base)
	for _, p := range []string{"/signin", "/api/csrf", "/static/style.css", "/nope"} {
		r := c.req("GET", p, nil, nil)
		h := r.header
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("Referrer-Policy") != "no-referrer" ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: security headers missing: %v", p, h)
		}
	}
	rq, _ := http.NewRequest("GET", base+"/api/csrf", nil)
	rs, err := http.DefaultClient.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	rs.Body.Close()
	var found bool
	for _, ck := range rs.Cookies() {
		switch ck.Name {
		case visitorCookie:
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" {
				t.Fatalf("visitor cookie flags: %+v", ck)
			}
		case sessionCookie:
			t.Fatalf("a visitor got a session cookie: %+v", ck)
		}
	}
	if !found {
		t.Fatal("no visitor cookie")
	}
	// Pages: the sign-in page links only our own stylesheet.
	page := c.want(c.req("GET", "/signin", nil, nil), 200)
	if bytes.Contains(page.raw, []byte("http://")) || bytes.Contains(page.raw, []byte("https://")) || !bytes.Contains(page.raw, []byte(`href="/static/style.css"`)) {
		t.Fatalf("sign-in page references external assets:\n%s", page.raw)
	}
	if bytes.Contains(page.raw, []byte("test-clock")) {
		t.Fatal("Test Clock panel shown without --test-clock")
	}
}
