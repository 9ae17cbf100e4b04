package vault

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortKeys: a key made between two others sorts strictly between them
// and is a valid key; spread keys are valid and in order.
func TestSortKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 6))
	keys := []string{midpoint("", "")}
	for range 2000 {
		i := rng.IntN(len(keys) + 1)
		a, b := "", ""
		if i > 0 {
			a = keys[i-1]
		}
		if i < len(keys) {
			b = keys[i]
		}
		k := midpoint(a, b)
		if !validSortKey(k) || k <= a || (b != "" && k >= b) {
			t.Fatalf("midpoint(%q, %q) = %q", a, b, k)
		}
		keys = slices.Insert(keys, i, k)
	}
	for _, n := range []int{0, 1, 2, 35, 36, 1000, 50000} {
		s := spreadSortKeys(n)
		for i, k := range s {
			if !validSortKey(k) || (i > 0 && s[i-1] >= k) {
				t.Fatalf("spreadSortKeys(%d)[%d] = %q after %q", n, i, k, s[max(i-1, 0)])
			}
		}
	}
}
