package platform

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestHeaderHalfSignedIn: past the password, before the second factor, the
// header on /mfa/setup names the user and offers Sign out, not "Sign in /
// Create account" (issue #17); Sign out ends the half-signed-in session.
func TestHeaderHalfSignedIn(t *testing.T) {
	f := newFixture(t, Config{})
	c := newClient(t, f.start())
	c.init() // the CSRF token
	const email = "half@example.com"
	c.want(c.call("POST", "/api/companies", creds{"company": "Half Co", "name": "N", "email": email, "password": testPassword}), 201)
	c.want(c.call("POST", "/api/session", creds{"email": email, "password": testPassword}), 200)

	page := func(path string) (int, string) {
		rs, err := c.hc.Get(c.base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Body.Close()
		b, _ := io.ReadAll(rs.Body)
		return rs.StatusCode, string(b)
	}
	code, body := page("/mfa/setup")
	if code != http.StatusOK {
		t.Fatalf("GET /mfa/setup: %d\n%s", code, body)
	}
	header := body[:strings.Index(body, "</header>")]
	for _, want := range []string{`id="half-signed-in">` + email + `<`, `id="signout"`} {
		if !strings.Contains(header, want) {
			t.Errorf("the header lacks %q:\n%s", want, header)
		}
	}
	for _, bad := range []string{`href="/signin"`, `href="/register"`} {
		if strings.Contains(header, bad) {
			t.Errorf("the header of a half-signed-in user offers %q:\n%s", bad, header)
		}
	}

	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(header)
	if m == nil {
		t.Fatal("no CSRF token in the header's Sign out form")
	}
	rq, _ := http.NewRequest(http.MethodPost, c.base+"/signout", strings.NewReader(url.Values{"csrf_token": {m[1]}}.Encode()))
	rq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rs, err := c.hc.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	rs.Body.Close()
	if loc := rs.Header.Get("Location"); rs.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/signin") {
		t.Fatalf("Sign out: %d to %q, want 303 to /signin", rs.StatusCode, loc)
	}
	if _, body := page("/signin"); strings.Contains(body, email) || !strings.Contains(body, `href="/register"`) {
		t.Error("after Sign out the header still shows the user, or offers no Create account")
	}
}
