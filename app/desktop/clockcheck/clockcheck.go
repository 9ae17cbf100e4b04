// Package clockcheck tells whether this machine's clock can be trusted for
// TOTP codes: a wrong clock is the first reason codes "don't work".
//
// On Linux it asks systemd's org.freedesktop.timedate1 over D-Bus whether
// the clock is synchronised (NTPSynchronized). Elsewhere, and everywhere
// when the user opts in, it asks an SNTP server for the offset. Warning
// turns the result into the sentence the desktop app shows in its banner.
// The package knows nothing of Fyne.
package clockcheck

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/beevik/ntp"
	"github.com/godbus/dbus/v5"
)

// Threshold is the offset beyond which codes may be refused: a platform
// allows about one 30 s step of skew, and the code a person types is often
// already a few seconds old.
const Threshold = 10 * time.Second

// DefaultServer is the SNTP server used when the user opts in without
// naming one.
const DefaultServer = "pool.ntp.org"

// Result is what a check found out. Unknown parts stay unset.
type Result struct {
	// Synchronized is timedate1's NTPSynchronized; nil when not asked or
	// not available.
	Synchronized *bool
	// Offset is the SNTP server's time minus ours (positive: our clock is
	// behind); valid when HaveOffset.
	Offset     time.Duration
	HaveOffset bool
	// Server is the SNTP server asked.
	Server string
	// Errs are the checks that could not be made, for a Details view.
	Errs []error
}

// Warning returns the banner text, or "" when nothing is wrong (or nothing
// could be found out).
func (r Result) Warning() string {
	if r.HaveOffset && (r.Offset > Threshold || r.Offset < -Threshold) {
		s := int(math.Round(math.Abs(r.Offset.Seconds())))
		dir := "slow"
		if r.Offset < 0 {
			dir = "fast"
		}
		return fmt.Sprintf("Your clock is %s %s: codes may be refused. Turn on automatic time in your system settings.", seconds(s), dir)
	}
	if r.Synchronized != nil && !*r.Synchronized && !r.HaveOffset {
		return "Your clock is not synchronised with a time server: codes may be refused if it drifts. Turn on automatic time in your system settings."
	}
	return ""
}

func seconds(s int) string {
	switch {
	case s >= 7200:
		return fmt.Sprintf("%d hours", s/3600)
	case s >= 120:
		return fmt.Sprintf("%d minutes", s/60)
	default:
		return fmt.Sprintf("%d s", s)
	}
}

// Checker checks the clock. The zero value asks timedate1 on Linux only.
type Checker struct {
	// SNTP asks Server for the offset (opt-in; always on where timedate1
	// does not exist).
	SNTP   bool
	Server string // "" : DefaultServer; "host" or "host:port"
	// SystemBus connects to the bus that carries timedate1; nil: the
	// system bus. Tests pass a private bus.
	SystemBus func() (*dbus.Conn, error)
	// GOOS is runtime.GOOS unless a test says otherwise.
	GOOS string
}

// ErrNoTimedate is returned when timedate1 cannot be asked (not Linux, no
// system bus, no systemd-timedated).
var ErrNoTimedate = errors.New("the system does not say whether its clock is synchronised")

// Check runs the checks; it never fails as a whole, it reports what it
// could not find out in Result.Errs.
func (c Checker) Check(ctx context.Context) Result {
	var r Result
	goos := c.GOOS
	if goos == "" {
		goos = runtime.GOOS
	}
	if goos == "linux" {
		sync, err := c.ntpSynchronized(ctx)
		if err != nil {
			r.Errs = append(r.Errs, err)
		} else {
			r.Synchronized = &sync
		}
	}
	if c.SNTP || goos != "linux" {
		r.Server = c.Server
		if r.Server == "" {
			r.Server = DefaultServer
		}
		off, err := Offset(ctx, r.Server)
		if err != nil {
			r.Errs = append(r.Errs, err)
		} else {
			r.Offset, r.HaveOffset = off, true
		}
	}
	return r
}

// ntpSynchronized reads org.freedesktop.timedate1's NTPSynchronized.
func (c Checker) ntpSynchronized(ctx context.Context) (bool, error) {
	connect := c.SystemBus
	if connect == nil {
		connect = func() (*dbus.Conn, error) { return dbus.ConnectSystemBus(dbus.WithContext(ctx)) }
	}
	conn, err := connect()
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrNoTimedate, err)
	}
	defer conn.Close()
	obj := conn.Object("org.freedesktop.timedate1", "/org/freedesktop/timedate1")
	v, err := obj.GetProperty("org.freedesktop.timedate1.NTPSynchronized")
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrNoTimedate, err)
	}
	b, ok := v.Value().(bool)
	if !ok {
		return false, fmt.Errorf("%w: NTPSynchronized is a %s, not a boolean", ErrNoTimedate, v.Signature())
	}
	return b, nil
}

// Offset asks an SNTP server for its time and returns the server's time
// minus ours. The answer is validated (stratum, leap, dispersion) by the
// NTP library.
func Offset(ctx context.Context, server string) (time.Duration, error) {
	timeout := 5 * time.Second
	if dl, ok := ctx.Deadline(); ok {
		timeout = time.Until(dl)
		if timeout <= 0 {
			return 0, fmt.Errorf("ask %s for the time: %w", server, context.DeadlineExceeded)
		}
	}
	resp, err := ntp.QueryWithOptions(server, ntp.QueryOptions{Timeout: timeout})
	if err != nil {
		return 0, fmt.Errorf("ask %s for the time: %w", server, err)
	}
	if err := resp.Validate(); err != nil {
		return 0, fmt.Errorf("%s answered an unusable time: %w", server, err)
	}
	return resp.ClockOffset, nil
}
