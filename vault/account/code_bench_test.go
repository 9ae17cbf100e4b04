package account

import (
	"testing"
	"time"
)

// BenchmarkCode is the work of one visible row per second: the current and
// the next code of a TOTP account (make bench-vault; README has the figures).
func BenchmarkCode(b *testing.B) {
	for _, bc := range []struct {
		name string
		a    Account
	}{
		{"TOTP-SHA1", Account{Type: TOTP, Name: "x", Secret: []byte("12345678901234567890"), Algorithm: SHA1, Digits: 6, Period: 30}},
		{"TOTP-SHA512", Account{Type: TOTP, Name: "x", Secret: []byte("1234567890123456789012345678901234567890123456789012345678901234"), Algorithm: SHA512, Digits: 8, Period: 30}},
		{"Steam", Account{Type: Steam, Name: "x", Secret: []byte("12345678901234567890"), Algorithm: SHA1, Digits: SteamDigits, Period: 30}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			t := time.Unix(1111111111, 0)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.a.Code(t); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
