package platform

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"authdesk/vault/otpauth"
)

// FuzzOtpauthURI: every issuer and email the platform accepts survives the
// trip through the otpauth URI into our own parser.
func FuzzOtpauthURI(f *testing.F) {
	for _, s := range [][2]string{{"Acme", "a@example.com"}, {"Acme Cloud: Dev+Ops @HQ", "a+b@example.com"},
		{"Café & Co / 100%", "o'neil@example.com"}, {"a?b#c", "x@[127.0.0.1]"}, {"%41", "\"q\"@example.com"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, issuer, email string) {
		iss, err := checkName("issuer", issuer)
		if err != nil {
			return
		}
		em, err := normalizeEmail(email)
		if err != nil {
			return
		}
		uri := defaultTOTP.otpauthURI(iss, em, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
		a, err := otpauth.Parse(uri)
		if err != nil {
			t.Fatalf("otpauth.Parse(%q): %v", uri, err)
		}
		if a.Issuer != iss || a.Name != em {
			t.Fatalf("%q → issuer %q name %q, want %q %q", uri, a.Issuer, a.Name, iss, em)
		}
	})
}

// FuzzParsePHC: stored hashes are untrusted input with capped costs.
func FuzzParsePHC(f *testing.F) {
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")
	f.Add("$argon2id$v=19$m=4294967295,t=4294967295,p=255$AA$AA")
	f.Add("$argon2id$v=19$m=-1,t=2,p=1$c2FsdA$aGFzaA")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, sum, err := parsePHC(s)
		if err != nil {
			return
		}
		if p.memKiB > maxArgonMemKiB || p.time > maxArgonTime || p.threads > maxArgonLanes || p.threads < 1 || len(salt) < 8 || len(sum) < 16 || len(sum) > 64 {
			t.Fatalf("parsePHC(%q) accepted %+v salt %d sum %d", s, p, len(salt), len(sum))
		}
	})
}

// FuzzNormalizeEmail: accepted addresses are lower-case, bounded and stable.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"a@example.com", "A@B.C", "Bob <b@example.com>", "\"a b\"@example.com", " a@b.c ", "a@b@c", "@", "x@[::1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := normalizeEmail(s)
		if err != nil {
			return
		}
		if len(e) > maxEmailLen || e != strings.ToLower(e) || !utf8.ValidString(e) || strings.ContainsAny(e, " <>\"\r\n") {
			t.Fatalf("normalizeEmail(%q) = %q", s, e)
		}
		if again, err := normalizeEmail(e); err != nil || again != e {
			t.Fatalf("normalizeEmail not stable: %q → %q → %q %v", s, e, again, err)
		}
	})
}

// FuzzAPIBodies posts arbitrary bodies to the JSON routes that take input
// before sign-in and during MFA: never a 5xx, always a JSON answer.
func FuzzAPIBodies(f *testing.F) {
	for _, s := range []string{`{"email":"a@example.com","password":"correct horse battery"}`, `{"code":"123456"}`,
		`{"code":"123456","remember_device":true}`, `{"company":"c","name":"n","email":"e@x.y","password":"pppppppppppp"}`,
		`{`, `[]`, `null`, `{"code":null}`, `{"code":"\u0000"}`, `{"email":{"$ne":1}}`, `{"a":1}{"b":2}`, "\xff\xfe"} {
		f.Add(uint8(0), []byte(s))
		f.Add(uint8(1), []byte(s))
		f.Add(uint8(2), []byte(s))
	}
	fx := newFixture(f, Config{})
	if err := fx.svc.register(fx.ctx, registerInput{"Fuzz", "F", "f@example.com", testPassword}); err != nil {
		f.Fatal(err)
	}
	r, err := fx.svc.signIn(fx.ctx, signInInput{Email: "f@example.com", Password: testPassword, Addr: "x"})
	if err != nil {
		f.Fatal(err)
	}
	h, cookie, csrf := fx.srv.Handler(), &http.Cookie{Name: sessionCookie, Value: r.session.ID}, r.session.CSRF
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		paths := []string{"/api/mfa/setup", "/api/mfa/verify", "/api/session", "/api/companies", "/api/invites/abc/accept", "/api/test/clock"}
		p := paths[int(route)%len(paths)]
		rq := httptest.NewRequest("POST", p, bytes.NewReader(body))
		rq.Header.Set("Content-Type", "application/json")
		rq.Header.Set(csrfHeader, csrf)
		rq.AddCookie(cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, rq)
		if rec.Code >= 500 {
			t.Fatalf("POST %s %q: %d %s", p, body, rec.Code, rec.Body)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("POST %s %q: not JSON: %q", p, body, rec.Body)
		}
	})
}
