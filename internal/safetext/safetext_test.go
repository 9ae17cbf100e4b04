package safetext

import (
	"strings"
	"testing"
)

func TestPrintable(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"GitHub", 64, "GitHub"},
		{"evil\x1b[2Jname\r\n", 0, "evil?[2Jname??"},
		{"del\x7f c1\u009b", 0, "del? c1?"},
		{"bad\xffutf8", 0, "bad?utf8"},
		{strings.Repeat("é", 70), 64, strings.Repeat("é", 64) + "…"},
		{strings.Repeat("a", 70), 0, strings.Repeat("a", 70)},
		{"", 64, ""},
	} {
		if got := Printable(c.in, c.max); got != c.want {
			t.Errorf("Printable(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"GitHub", "a\x1bb", "\xff\xfe", strings.Repeat("x", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Printable(s, 64)
		if strings.ContainsFunc(got, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }) {
			t.Fatalf("control character left in %q", got)
		}
		if n := len([]rune(got)); n > 65 {
			t.Fatalf("%d runes, want at most 65", n)
		}
	})
}
