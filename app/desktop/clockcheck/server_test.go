package clockcheck

import (
	"errors"
	"strings"
	"testing"
)

func TestValidServer(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"", true},
		{"pool.ntp.org", true},
		{"pool.ntp.org.", true},
		{"time.example.com:123", true},
		{"localhost", true},
		{"127.0.0.1", true},
		{"127.0.0.1:1123", true},
		{"::1", true},
		{"[::1]:123", true},
		{"[2001:db8::1]", false}, // brackets without a port
		{"time.example.com:0", false},
		{"time.example.com:65536", false},
		{"time.example.com:0123", false},
		{"time.example.com:", false},
		{"time.example.com:ntp", false},
		{":123", false},
		{"[::1:123", false},
		{"[nothost]:123", false},
		{"a:b:c", false},
		{"exa mple.com", false},
		{"-bad.example.com", false},
		{"bad-.example.com", false},
		{"a..b", false},
		{"ntp://pool.ntp.org", false},
		{"pool.ntp.org/x", false},
		{"héllo.example", false},
		{strings.Repeat("a", 64) + ".com", false},
		{strings.Repeat("a.", 127) + "com", false},
	} {
		err := ValidServer(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ValidServer(%q) = %v, want ok %v", tc.in, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrBadServer) {
			t.Errorf("ValidServer(%q) = %v, not ErrBadServer", tc.in, err)
		}
	}
}

// FuzzValidServer: never panics, and what it accepts has no spaces or
// slashes, and fits in a DNS name with a port.
func FuzzValidServer(f *testing.F) {
	for _, s := range []string{"", "pool.ntp.org", "[::1]:123", "1.2.3.4:123", "a:b", "[", "x:99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidServer(s) != nil {
			return
		}
		if strings.ContainsAny(s, " /\t\n") || len(s) > 253+6 {
			t.Errorf("accepted %q", s)
		}
	})
}
