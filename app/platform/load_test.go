package platform

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// seedUsers inserts n enrolled users directly, all with the same (real,
// OWASP-cost) password hash, and returns their TOTP keys by email.
func seedUsers(t testing.TB, f *fixture, n int, hash string) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	now := f.svc.now().UnixNano()
	res, err := f.svc.store.db.ExecContext(ctx, `INSERT INTO companies (name, created_ns) VALUES ('Load Inc', ?)`, now)
	if err != nil {
		t.Fatal(err)
	}
	cid, _ := res.LastInsertId()
	keys := map[string][]byte{}
	for i := range n {
		email := fmt.Sprintf("load%03d@example.com", i)
		r, err := f.svc.store.db.ExecContext(ctx, `INSERT INTO users (company_id, email, name, role, password_hash, password_changed_ns, created_ns) VALUES (?, ?, ?, 'member', ?, ?, ?)`,
			cid, email, email, hash, now, now)
		if err != nil {
			t.Fatal(err)
		}
		uid, _ := r.LastInsertId()
		key := randomBytes(20)
		cred := randomToken(12)
		if _, err := f.svc.store.db.ExecContext(ctx, `UPDATE users SET totp_cred = ?, totp_secret = ?, mfa_enrolled_ns = ? WHERE id = ?`,
			cred, f.svc.keys.sealSecret(uid, cred, key), now, uid); err != nil {
			t.Fatal(err)
		}
		keys[email] = key
	}
	return keys
}

type loadResult struct {
	requests int
	wall     time.Duration
	lat      map[string][]time.Duration
}

// runLoad signs every user in (password + code) concurrently over HTTP.
func runLoad(t testing.TB, f *fixture, base string, keys map[string][]byte) loadResult {
	t.Helper()
	var mu sync.Mutex
	out := loadResult{lat: map[string][]time.Duration{}}
	record := func(step string, d time.Duration) {
		mu.Lock()
		out.lat[step] = append(out.lat[step], d)
		out.requests++
		mu.Unlock()
	}
	tt, _ := t.(*testing.T)
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, len(keys))
	for email, key := range keys {
		wg.Go(func() {
			c := newClient(tt, base)
			c.t = nil
			// Sign-ins queue behind the bounded Argon2id workers: the last of
			// 200 waits for ~100 hashes (much longer under -race).
			c.hc.Timeout = 3 * time.Minute
			step := func(name, method, path string, body []byte, want int) (resp, error) {
				t0 := time.Now()
				r, err := c.try(method, path, body)
				record(name, time.Since(t0))
				if err != nil {
					return r, fmt.Errorf("%s %s: %w", method, path, err)
				}
				if r.code != want {
					return r, fmt.Errorf("%s %s: status %d: %s", method, path, r.code, r.raw)
				}
				return r, nil
			}
			if _, err := step("csrf", "GET", "/api/csrf", nil, 200); err != nil {
				errs <- err
				return
			}
			r, err := step("session", "POST", "/api/session", fmt.Appendf(nil, `{"email":%q,"password":%q}`, email, testPassword), 200)
			if err != nil {
				errs <- err
				return
			}
			if r.str("status") != StatusMFARequired {
				errs <- fmt.Errorf("%s: status %s", email, r.str("status"))
				return
			}
			code := codeAt(key, f.clk.Now())
			if _, err := step("verify", "POST", "/api/mfa/verify", fmt.Appendf(nil, `{"code":%q}`, code), 200); err != nil {
				errs <- err
				return
			}
			if _, err := step("me", "GET", "/api/me", nil, 200); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	out.wall = time.Since(start)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	return out
}

// try is req without a testing.T: errors are returned.
func (c *apiClient) try(method, path string, body []byte) (resp, error) {
	rq, err := http.NewRequest(method, c.base+path, bytesReader(body))
	if err != nil {
		return resp{}, err
	}
	if body != nil {
		rq.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		rq.Header.Set(csrfHeader, c.csrf)
	}
	rs, err := c.hc.Do(rq)
	if err != nil {
		return resp{}, err
	}
	defer rs.Body.Close()
	return decodeResp(c, rs)
}

func pct(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	i := int(float64(len(s))*p+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

// BenchmarkSignInVerify measures one full sign-in (password at the OWASP
// cost + code) over HTTP, with b.N parallel users.
func BenchmarkSignInVerify(b *testing.B) {
	dir := b.TempDir()
	clk := newFakeClock()
	srv, err := newServer(Config{DBPath: dir + "/bench.db", Clock: clk.Now}, options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	f := &fixture{srv: srv, svc: srv.svc, clk: clk, ctx: context.Background()}
	_ = srv.svc.hash.acquire(context.Background())
	hash := srv.svc.hash.hash(testPassword)
	srv.svc.hash.release()
	keys := seedUsers(b, f, b.N, hash)
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	res := runLoad(b, f, base, keys)
	b.ReportMetric(float64(res.requests)/res.wall.Seconds(), "req/s")
	b.ReportMetric(float64(pct(res.lat["session"], .99).Milliseconds()), "p99-session-ms")
	b.ReportMetric(float64(pct(res.lat["verify"], .99).Milliseconds()), "p99-verify-ms")
}
