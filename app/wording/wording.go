// Package wording writes the counts and lists that the desktop app and the
// CLI show people, so that "1 account" and "2 accounts" are right in every
// message and said one way.
package wording

import (
	"strconv"
	"strings"
)

// Plural returns one when n is 1 and many otherwise.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Count writes n with its noun: "1 account", "0 accounts", "6 QR codes".
func Count(n int, one, many string) string {
	return strconv.Itoa(n) + " " + Plural(n, one, many)
}

// And joins items as a sentence does: "a", "a and b", "a, b and c".
func And(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
