//go:build !front

package cli

import "testing"

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"GitHub":        "GitHub",
		"a\tb\nc\rd":    "a b c d",
		"x\x1b[31my":    "x [31my",
		"C1\u009bthere": "C1 there",
		"Ünïcode €":     "Ünïcode €",
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}
