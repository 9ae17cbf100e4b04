package platform

import (
	"fmt"
	"sync"
	"time"
)

// clock is the platform's calendar: it decides when sessions, lockouts,
// pending setups, remembered devices and the 30-day re-enrolment run out.
// With --test-clock testers can move it forward; TOTP codes are still checked
// against the real time (Config.Clock, without the offset) so that an
// authenticator app on the same machine keeps producing codes the platform
// accepts.
type clock struct {
	mu     sync.Mutex
	base   func() time.Time
	offset time.Duration
	save   func(time.Duration) error // persists the offset; nil: not persisted
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base().Add(c.offset)
}

// maxAdvance bounds one move of the test clock.
const maxAdvance = 10 * 365 * 24 * time.Hour

// Advance moves the clock forward by d and persists the new offset.
func (c *clock) Advance(d time.Duration) (time.Time, error) {
	if d <= 0 || d > maxAdvance {
		return time.Time{}, invalidf("advance must be a positive duration of at most 3650d, like \"30d\", \"36h\" or \"15m\"")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	off := c.offset + d
	if off > maxAdvance {
		return time.Time{}, invalidf("the test clock cannot run more than 3650d ahead")
	}
	if c.save != nil {
		if err := c.save(off); err != nil {
			return time.Time{}, fmt.Errorf("save test clock: %w", err)
		}
	}
	c.offset = off
	return c.base().Add(off), nil
}
