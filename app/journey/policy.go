package journey

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"authdesk/app/platform/api"
)

// defaultPolicy is the seed's policy, assumed when the platform has no
// GET /api/policy (it answers 404).
func defaultPolicy() api.Policy {
	day := int64(24 * 3600)
	return api.Policy{ReenrolAfterSeconds: 30 * day, ReenrolGraceSeconds: 7 * day, RememberForSeconds: 30 * day,
		SetupWindowSeconds: 600, Skew: 1, Digits: 6, Algorithm: "SHA1", Period: 30, MaxCodeFailures: 10,
		CodeLockSeconds: []int{900}, RecoveryCodes: 10}
}

// seconds is a policy's count of seconds as a duration.
func seconds(n int64) time.Duration { return time.Duration(n) * time.Second }

// firstLock is how long the first code lock of p lasts.
func firstLock(p api.Policy) time.Duration {
	if len(p.CodeLockSeconds) == 0 || p.CodeLockSeconds[0] <= 0 {
		return 15 * time.Minute
	}
	return seconds(int64(p.CodeLockSeconds[0]))
}

// readPolicy asks GET /api/policy; a platform without it (404) gets the
// seed's defaults, and so do the fields a platform leaves out. source says
// which: "platform" or "defaults".
func readPolicy(ctx context.Context, c *Client) (p api.Policy, source string, err error) {
	p = defaultPolicy()
	r, err := c.call(ctx, http.MethodGet, "/api/policy", nil)
	if err != nil {
		return p, "", fmt.Errorf("ask for the policy: %w", err)
	}
	if r.Status == http.StatusNotFound {
		return p, "defaults", nil
	}
	if r.Status != http.StatusOK {
		return p, "", fmt.Errorf("GET /api/policy: %s", r)
	}
	if err := json.Unmarshal(r.Raw, &p); err != nil {
		return defaultPolicy(), "", fmt.Errorf("GET /api/policy: unexpected answer: %w", err)
	}
	return p, "platform", nil
}
