// Package duration reads and writes the platform's durations the way people
// say them: "30d", "36h", "90m", "1d12h". Policies, the test clock, the CLI
// flags and the workbench all go through Parse and Format, so that a
// duration shown anywhere can be typed back anywhere.
package duration

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Day is 24 hours: the platform's calendar has no daylight saving.
const Day = 24 * time.Hour

// ErrSyntax is wrapped by Parse's errors.
var ErrSyntax = errors.New("not a duration")

// maxLen bounds the input Parse reads (a duration is a few characters).
const maxLen = 64

// Parse reads a duration: Go's syntax ("90m", "36h", "1h30m", "720h0m0s")
// with whole days in front ("7d", "1d12h"). Negative durations are refused
// here; callers check their own ranges.
func Parse(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" || len(in) > maxLen {
		return 0, fmt.Errorf("%w: %q (use e.g. 30d, 36h or 90m)", ErrSyntax, s)
	}
	var d time.Duration
	rest := in
	if i := strings.IndexByte(rest, 'd'); i >= 0 {
		n, err := strconv.ParseUint(rest[:i], 10, 32)
		if err != nil || n > 100*365 {
			return 0, fmt.Errorf("%w: %q (use e.g. 30d, 36h or 90m)", ErrSyntax, s)
		}
		d = time.Duration(n) * Day
		rest = rest[i+1:]
	}
	if rest != "" {
		if rest[0] == '-' || rest[0] == '+' {
			return 0, fmt.Errorf("%w: %q (use e.g. 30d, 36h or 90m)", ErrSyntax, s)
		}
		r, err := time.ParseDuration(rest)
		if err != nil || r > math.MaxInt64-d {
			return 0, fmt.Errorf("%w: %q (use e.g. 30d, 36h or 90m)", ErrSyntax, s)
		}
		d += r
	}
	return d, nil
}

// Format writes d as Parse reads it, shortest first: "30d", "1d12h",
// "36m", "1h30m", "45s", "0s". A negative d gets a leading "-".
func Format(d time.Duration) string {
	if d < 0 {
		return "-" + Format(-d)
	}
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{Day, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.unit; n > 0 {
			b.WriteString(strconv.FormatInt(int64(n), 10) + u.name)
			d -= n * u.unit
		}
	}
	if d > 0 {
		// Below a second: Go's own notation ("1.5s" would lose nothing,
		// but no policy or clock move is that fine).
		if b.Len() == 0 {
			return d.String()
		}
	}
	return b.String()
}

// Value is a flag.Value for a duration in Parse's syntax, shown by Format.
type Value struct{ D *time.Duration }

// String formats the flag's value.
func (v Value) String() string {
	if v.D == nil {
		return ""
	}
	return Format(*v.D)
}

// Set parses s into the flag's value.
func (v Value) Set(s string) error {
	d, err := Parse(s)
	if err != nil {
		return err
	}
	*v.D = d
	return nil
}
