package journey

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"authdesk/app/platform"
	"authdesk/scanner"
	"authdesk/vault"
)

// movableClock is the real time's stand-in for the platform and the
// authenticator: waiting for the next code moves it instead of sleeping.
type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func newMovableClock() *movableClock {
	return &movableClock{t: time.Date(2026, 3, 2, 9, 0, 1, 0, time.UTC)}
}

func (c *movableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *movableClock) Wait(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return ctx.Err()
}

// startPlatform runs a real platform on loopback with a fresh database,
// on clk's time.
func startPlatform(t *testing.T, testClock bool, clk *movableClock) *Client {
	t.Helper()
	srv, err := platform.New(platform.Config{DBPath: filepath.Join(t.TempDir(), "platform.db"), TestClock: testClock, Clock: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newVault(t *testing.T) *vault.Vault {
	t.Helper()
	v, err := vault.Create(filepath.Join(t.TempDir(), "vault.age"), []byte("journey test password"), vault.Options{WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func TestJourneyEndToEnd(t *testing.T) {
	t.Parallel()
	clk := newMovableClock()
	c := startPlatform(t, true, clk)
	v := newVault(t)
	var steps []Step
	r := &Runner{Client: c, Vault: v, Decode: scanner.Bytes, Now: clk.Now, Wait: clk.Wait, Report: func(s Step) { steps = append(steps, s) }}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := r.Run(ctx, NewUser()); err != nil {
		t.Fatalf("journey failed: %v", err)
	}
	if len(steps) != Total {
		t.Fatalf("reported %d steps, want %d", len(steps), Total)
	}
	for i, s := range steps {
		if s.Index != i+1 || s.Err != nil || s.Detail == "" {
			t.Errorf("step %d = %+v", i+1, s)
		}
	}
	if got := steps[3].Detail; got != "MFA setup is complete" {
		t.Errorf("confirmation said %q", got)
	}
	if len(steps[2].QRPNG) == 0 || len(steps[9].QRPNG) == 0 {
		t.Error("the scan steps did not keep the QR image")
	}
	accts := v.Accounts()
	if len(accts) != 2 {
		t.Fatalf("vault holds %d accounts, want the first and the re-enrolled one", len(accts))
	}
	if accts[0].Issuer != platform.DefaultIssuer || !strings.HasPrefix(accts[0].Name, "quinn+") {
		t.Errorf("stored account = %q / %q", accts[0].Issuer, accts[0].Name)
	}
	if string(accts[0].Secret) == string(accts[1].Secret) {
		t.Error("re-enrolment stored the same secret twice")
	}
}

func TestJourneyWithoutTestClockStopsWithAdvice(t *testing.T) {
	t.Parallel()
	clk := newMovableClock()
	c := startPlatform(t, false, clk)
	var last Step
	r := &Runner{Client: c, Decode: scanner.Bytes, Now: clk.Now, Wait: clk.Wait, Report: func(s Step) { last = s }}
	err := r.Run(context.Background(), NewUser())
	if err == nil || !strings.Contains(err.Error(), "--test-clock") {
		t.Fatalf("err = %v, want advice to start with --test-clock", err)
	}
	if last.Index != 8 || last.Err == nil {
		t.Errorf("stopped at step %d (%v), want step 8", last.Index, last.Err)
	}
}

func TestJourneyRefusesAQRCodeThatDisagreesWithThePage(t *testing.T) {
	t.Parallel()
	clk := newMovableClock()
	c := startPlatform(t, true, clk)
	wrong := func([]byte) ([]string, error) {
		return []string{"otpauth://totp/Evil:eve?secret=JBSWY3DPEHPK3PXP&issuer=Evil"}, nil
	}
	r := &Runner{Client: c, Decode: wrong, Now: clk.Now, Wait: clk.Wait}
	err := r.Run(context.Background(), NewUser())
	if err == nil || !strings.Contains(err.Error(), "step 3") || !strings.Contains(err.Error(), "the QR code says") {
		t.Fatalf("err = %v, want a step 3 mismatch", err)
	}
}

func TestClientErrors(t *testing.T) {
	if _, err := NewClient("ftp://example.test"); err == nil {
		t.Error("NewClient accepted an ftp URL")
	}
	c := startPlatform(t, true, newMovableClock())
	ctx := context.Background()
	_, err := c.SignIn(ctx, "nobody@acme.test", "wrong password 123")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 401 || !strings.Contains(apiErr.Message, "incorrect") {
		t.Fatalf("sign-in with unknown user: %v", err)
	}
	if p, err := c.Policy(ctx); err != nil || p.Digits != 6 || p.Algorithm != "SHA1" || p.Period != 30 || p.MaxCodeFailures != 10 || !p.TestClock {
		t.Errorf("Policy: %+v %v", p, err)
	}
	if _, err := c.Me(ctx); !IsStatus(err, 401) {
		t.Errorf("Me before sign-in: %v, want 401", err)
	}
	if err := c.Register(ctx, "Acme", "A", "a@acme.test", "short"); !IsStatus(err, 400) {
		t.Errorf("Register with a short password: %v, want 400", err)
	}
}

func TestGroupKey(t *testing.T) {
	for in, want := range map[string]string{"": "", "ABCD": "ABCD", "ABCDE": "ABCD E", "ABCDEFGHIJKL": "ABCD EFGH IJKL"} {
		if got := groupKey(in); got != want {
			t.Errorf("groupKey(%q) = %q, want %q", in, got, want)
		}
	}
}
