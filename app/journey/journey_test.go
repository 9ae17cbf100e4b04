package journey

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
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
	c, err := NewClient(startServer(t, testClock, clk))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientErrors(t *testing.T) {
	if _, err := NewClient("ftp://example.test"); err == nil {
		t.Error("NewClient accepted an ftp URL")
	}
	c := startPlatform(t, true, newMovableClock())
	ctx := context.Background()
	_, err := c.SignIn(ctx, "nobody@acme.test", "wrong password 123")
	var apiErr *apiError
	if !errors.As(err, &apiErr) || apiErr.Status != 401 || !strings.Contains(apiErr.Message, "incorrect") {
		t.Fatalf("sign-in with unknown user: %v", err)
	}
	if p, err := c.Policy(ctx); err != nil || p.Digits != 6 || p.Algorithm != "SHA1" || p.Period != 30 || p.MaxCodeFailures != 10 || !p.TestClock {
		t.Errorf("Policy: %+v %v", p, err)
	}
	if _, err := c.Me(ctx); !isStatus(err, 401) {
		t.Errorf("Me before sign-in: %v, want 401", err)
	}
	if err := c.Register(ctx, "Acme", "A", "a@acme.test", "short"); !isStatus(err, 400) {
		t.Errorf("Register with a short password: %v, want 400", err)
	}
}
