package platform

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// fakeClock is a movable time source for tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	// A fixed start a little after a 30-second boundary.
	return &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 1, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// cheapArgon keeps tests fast (ThrowawayHashCost); TestDefaultArgonMeetsOWASP
// checks the real cost.
var cheapArgon = mustParams(ThrowawayHashCost)

// mustParams is the Argon2id parameters c stands for; c must be valid.
func mustParams(c HashCost) argonParams {
	p, err := c.params()
	if err != nil {
		panic(err)
	}
	return p
}

type fixture struct {
	t   testing.TB
	srv *Server
	svc *service
	clk *fakeClock
	dir string
	ctx context.Context
	db  string
}

func newFixture(t testing.TB, cfg Config) *fixture {
	t.Helper()
	dir := t.TempDir()
	if cfg.DBPath == "" {
		cfg.DBPath = filepath.Join(dir, "data", "platform.db")
	}
	clk := newFakeClock()
	cfg.Clock = clk.Now
	if cfg.PasswordHash == (HashCost{}) {
		cfg.PasswordHash = ThrowawayHashCost
	}
	srv, err := newServer(cfg, options{hashWorkers: 4})
	if err != nil {
		t.Fatalf("newServer: %v", err)
	}
	// The slow-down past an account's ceiling never sleeps in tests; tests
	// that count its waits install a sleeps recorder.
	srv.svc.sleep = func(context.Context, time.Duration) error { return nil }
	t.Cleanup(func() { srv.Close() })
	return &fixture{t: t, srv: srv, svc: srv.svc, clk: clk, dir: dir, ctx: context.Background(), db: cfg.DBPath}
}

const testPassword = "correct horse battery"

// register creates a company whose admin has email.
func (f *fixture) register(company, email string) {
	f.t.Helper()
	if err := f.svc.register(f.ctx, registerInput{Company: company, Name: "Admin " + email, Email: email, Password: testPassword}); err != nil {
		f.t.Fatalf("Register(%s): %v", email, err)
	}
}

func (f *fixture) signIn(email, device string) signInResult {
	f.t.Helper()
	res, err := f.svc.signIn(f.ctx, signInInput{Email: email, Password: testPassword, Addr: "192.0.2.1", DeviceToken: device})
	if err != nil {
		f.t.Fatalf("SignIn(%s): %v", email, err)
	}
	return res
}

// secretOf decodes the secret of an otpauth URI.
func secretOf(t testing.TB, uri string) []byte {
	t.Helper()
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatalf("parse %q: %v", uri, err)
	}
	b, err := b32.DecodeString(u.Query().Get("secret"))
	if err != nil {
		t.Fatalf("secret of %q: %v", uri, err)
	}
	return b
}

// codeAt computes the TOTP code for key at t (independently of matchTOTP).
func codeAt(key []byte, t time.Time) string { return hotpCode(key, uint64(t.Unix()/30)) }

// enrol registers email (as a new company) and completes setup; it returns the key.
func (f *fixture) enrol(email string) []byte {
	f.t.Helper()
	f.register("Co "+email, email)
	return f.setup(email)
}

// setup signs email in and confirms the pending secret.
func (f *fixture) setup(email string) []byte {
	f.t.Helper()
	res := f.signIn(email, "")
	if res.Status != StatusSetupRequired {
		f.t.Fatalf("status %q, want %q", res.Status, StatusSetupRequired)
	}
	key := secretOf(f.t, res.Setup.URI)
	if _, err := f.svc.confirmSetup(f.ctx, res.session, codeAt(key, f.clk.Now())); err != nil {
		f.t.Fatalf("ConfirmSetup: %v", err)
	}
	return key
}

func kindOf(err error) errKind {
	var se *serviceError
	if errors.As(err, &se) {
		return se.Kind
	}
	return 0
}

// hotpCode is RFC 4226 HOTP with HMAC-SHA1 and 6 digits.
func hotpCode(key []byte, counter uint64) string { return defaultTOTP.code(key, counter) }
