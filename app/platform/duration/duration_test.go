package duration

import (
	"errors"
	"flag"
	"io"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
	}{
		{"30d", 30 * Day},
		{"7d", 7 * Day},
		{" 1d12h ", 36 * time.Hour},
		{"36h", 36 * time.Hour},
		{"90m", 90 * time.Minute},
		{"720h0m0s", 720 * time.Hour},
		{"1h30m", 90 * time.Minute},
		{"0s", 0},
		{"0d", 0},
	} {
		got, err := Parse(c.in)
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "d", "7", "-7d", "7d-1h", "1h7d", "7dd", "seven days", "+3h", "99999999d", "1d 2h"} {
		if _, err := Parse(bad); !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want ErrSyntax", bad, err)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		in   time.Duration
		want string
	}{
		{30 * Day, "30d"},
		{36 * time.Hour, "1d12h"},
		{7 * time.Hour, "7h"},
		{90 * time.Minute, "1h30m"},
		{61 * time.Second, "1m1s"},
		{0, "0s"},
		{-2 * Day, "-2d"},
		{1500 * time.Millisecond, "1s"},
		{500 * time.Millisecond, "500ms"},
	} {
		if got := Format(c.in); got != c.want {
			t.Errorf("Format(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestRoundTrip: whatever Format shows, Parse reads back (whole seconds).
func TestRoundTrip(t *testing.T) {
	for _, d := range []time.Duration{time.Second, time.Minute, 59 * time.Minute, Day, 30*Day + 5*time.Hour + 3*time.Second, 3650 * Day} {
		got, err := Parse(Format(d))
		if err != nil || got != d {
			t.Errorf("Parse(Format(%v)) = %v, %v", d, got, err)
		}
	}
}

func TestFlagValue(t *testing.T) {
	d := 30 * Day
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(Value{&d}, "remember-for", "")
	if got := fs.Lookup("remember-for").DefValue; got != "30d" {
		t.Errorf("default shown as %q, want 30d", got)
	}
	if err := fs.Parse([]string{"--remember-for", "7d"}); err != nil || d != 7*Day {
		t.Fatalf("--remember-for 7d: %v, %v", d, err)
	}
	if err := fs.Parse([]string{"--remember-for", "soon"}); err == nil {
		t.Fatal("--remember-for soon accepted")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"30d", "1d12h", "90m", "720h0m0s", "-1d", "d", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("Parse(%q) = %v, negative", s, d)
		}
		if d%time.Second == 0 {
			if back, err := Parse(Format(d)); err != nil || back != d {
				t.Fatalf("Parse(Format(%v)) = %v, %v", d, back, err)
			}
		}
	})
}
