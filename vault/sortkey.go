package vault

import "strings"

// The manual order is a sort key per account, a fractional index: a string
// of base-36 digits read as the fraction 0.d1d2d3…, compared byte by byte.
// Between any two keys there is another, so moving one account rewrites
// only its own key, and two machines reordering different accounts do not
// clash. Keys never end in "0" (0.5 and 0.50 would be different strings
// for one number). Equal keys (two machines inserting at the same place)
// are ordered by account ID.

const sortDigits = "0123456789abcdefghijklmnopqrstuvwxyz"

// maxSortKeyLen is the key length past which the vault spreads all keys
// evenly again.
const maxSortKeyLen = 24

func digitValue(c byte) int { return strings.IndexByte(sortDigits, c) }

// validSortKey reports whether k is a key midpoint could make.
func validSortKey(k string) bool {
	if k == "" || k[len(k)-1] == '0' || len(k) > 256 {
		return false
	}
	for i := range len(k) {
		if digitValue(k[i]) < 0 {
			return false
		}
	}
	return true
}

// midpoint is a key after a and before b; a == "" stands for the start of
// the list and b == "" for its end. The caller makes sure a < b.
func midpoint(a, b string) string {
	if b != "" {
		n := 0
		for n < len(b) && digitAt(a, n) == b[n] {
			n++
		}
		if n > 0 {
			rest := ""
			if n < len(a) {
				rest = a[n:]
			}
			return b[:n] + midpoint(rest, b[n:])
		}
	}
	da, db := digitValue(digitAt(a, 0)), len(sortDigits)
	if b != "" {
		db = digitValue(b[0])
	}
	if db-da > 1 {
		return string(sortDigits[(da+db)/2])
	}
	if len(b) > 1 {
		return b[:1]
	}
	rest := ""
	if len(a) > 1 {
		rest = a[1:]
	}
	return string(sortDigits[da]) + midpoint(rest, "")
}

// digitAt is the i-th digit of k, "0" past its end.
func digitAt(k string, i int) byte {
	if i < len(k) {
		return k[i]
	}
	return '0'
}

// spreadSortKeys returns n keys, in order, spread evenly between the start
// and the end of the list: the keys of a list ordered afresh.
func spreadSortKeys(n int) []string {
	width, span := 1, len(sortDigits)
	for span <= n+1 {
		width++
		span *= len(sortDigits)
	}
	keys := make([]string, n)
	for i := range n {
		v := (i + 1) * span / (n + 1)
		b := make([]byte, width)
		for j := width - 1; j >= 0; j-- {
			b[j] = sortDigits[v%len(sortDigits)]
			v /= len(sortDigits)
		}
		keys[i] = strings.TrimRight(string(b), "0")
	}
	return keys
}
