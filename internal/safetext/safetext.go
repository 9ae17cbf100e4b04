// Package safetext makes text from untrusted files (names in an export, a
// backup, an icon pack) safe to print on a terminal or show in a window.
package safetext

import "strings"

// Printable is s as valid UTF-8 with control characters (C0, DEL, C1)
// replaced by '?', cut to max runes with "…" when max > 0.
func Printable(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if max > 0 {
		if r := []rune(s); len(r) > max {
			s = string(r[:max]) + "…"
		}
	}
	return s
}
