package journey

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Policy is what the platform promises about codes and the calendar; the
// scenarios expect accordingly.
type Policy struct {
	Source          string   `json:"source"` // "platform" (GET /api/policy) or "defaults"
	ReenrolAfter    Duration `json:"reenrol_after"`
	RememberFor     Duration `json:"remember_for"`
	Skew            int      `json:"skew"`
	Digits          int      `json:"digits"`
	Algorithm       string   `json:"algorithm"`
	Period          int      `json:"period"`
	MaxCodeFailures int      `json:"max_code_failures"`
}

// DefaultPolicy is the seed's policy, assumed when the platform has no
// GET /api/policy.
func DefaultPolicy() Policy {
	return Policy{Source: "defaults", ReenrolAfter: Duration(720 * time.Hour), RememberFor: Duration(720 * time.Hour),
		Skew: 1, Digits: 6, Algorithm: "SHA1", Period: 30, MaxCodeFailures: 10}
}

// Duration reads a JSON duration written as a Go duration string ("720h")
// or a number of seconds, and writes it as a Go duration string.
type Duration time.Duration

// MarshalJSON writes the duration like "720h0m0s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "720h" or 2592000.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: %w", s, err)
		}
		*d = Duration(v)
		return nil
	}
	n, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("duration %s: want \"720h\" or seconds", b)
	}
	*d = Duration(time.Duration(n * float64(time.Second)))
	return nil
}

// readPolicy asks GET /api/policy; a platform without it (404) gets the
// seed's defaults. Fields the platform leaves out keep their defaults.
func readPolicy(ctx context.Context, c *Client) (Policy, error) {
	p := DefaultPolicy()
	r, err := c.call(ctx, http.MethodGet, "/api/policy", nil)
	if err != nil {
		return p, fmt.Errorf("ask for the policy: %w", err)
	}
	if r.Status == http.StatusNotFound {
		return p, nil
	}
	if r.Status != http.StatusOK {
		return p, fmt.Errorf("GET /api/policy: %s", r)
	}
	raw := r.Raw
	var wrapped struct {
		Policy json.RawMessage `json:"policy"`
	}
	if json.Unmarshal(raw, &wrapped) == nil && len(wrapped.Policy) > 0 {
		raw = wrapped.Policy
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return DefaultPolicy(), fmt.Errorf("GET /api/policy: unexpected answer: %w", err)
	}
	p.Source = "platform"
	return p, nil
}
