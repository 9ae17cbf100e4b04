package vault

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// clock issues the stamps of one device.
type clock struct {
	device string // this machine's ID; never written to a replica
	last   Stamp  // the newest stamp issued or seen
	now    func() time.Time
}

// observe makes the clock newer than s.
func (c *clock) observe(s Stamp) { c.last = maxStamp(c.last, s) }

// next issues a stamp newer than every stamp issued or observed.
func (c *clock) next() Stamp {
	wall := c.now().UnixMilli()
	if wall > c.last.Wall {
		c.last = Stamp{Wall: wall, Device: c.device}
	} else {
		c.last = Stamp{Wall: c.last.Wall, Count: c.last.Count + 1, Device: c.device}
	}
	return c.last
}

// NewID returns a random identifier for a new account, or for a device's
// clock (its stamps' Device): 16 hex digits.
func NewID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
