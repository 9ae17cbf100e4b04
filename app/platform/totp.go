package platform

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
)

// otpauthURI builds the Key URI for issuer, account and secret. Both parts
// of the label and the issuer parameter are percent-encoded (RFC 3986, with
// spaces as %20, never '+'), so names with spaces, ':', '@' or '+' survive.
func otpauthURI(issuer, account, secret string) string {
	return "otpauth://totp/" + escapeURI(issuer) + ":" + escapeURI(account) +
		"?secret=" + secret + "&issuer=" + escapeURI(issuer) +
		fmt.Sprintf("&algorithm=SHA1&digits=%d&period=%d", totpDigits, totpPeriod)
}

// escapeURI percent-encodes every byte outside RFC 3986's unreserved set.
func escapeURI(s string) string {
	const hex = "0123456789ABCDEF"
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			sb.WriteByte(c)
			continue
		}
		sb.WriteByte('%')
		sb.WriteByte(hex[c>>4])
		sb.WriteByte(hex[c&15])
	}
	return sb.String()
}

// qrPath is where the setup page's QR image is served.
const qrPath = "/mfa/qr.png"

// b32 is RFC 4648 base32 without padding, as authenticator apps expect.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// TOTP parameters: the defaults every authenticator app understands.
const (
	totpPeriod = 30
	totpDigits = 6
	totpSkew   = 1 // accepted time steps either side of the current one
)

// hotpCode is RFC 4226 HOTP with HMAC-SHA1 and 6 digits.
func hotpCode(key []byte, counter uint64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000)
}

// timeStep is the RFC 6238 counter for unix time sec.
func timeStep(sec int64) int64 { return sec / totpPeriod }

// matchTOTP reports the time step whose code equals code among the steps
// within ±totpSkew of now and later than after. Every candidate is compared
// in constant time, without an early exit.
func matchTOTP(key []byte, code string, nowUnix, after int64) (int64, bool) {
	cur := timeStep(nowUnix)
	found := int64(-1)
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		st := cur + d
		if st < 0 {
			continue
		}
		eq := subtle.ConstantTimeCompare([]byte(hotpCode(key, uint64(st))), []byte(code))
		if eq == 1 && st > after && found < 0 {
			found = st
		}
	}
	return found, found >= 0
}

// isTOTPCode reports whether s is exactly six ASCII digits.
func isTOTPCode(s string) bool {
	if len(s) != totpDigits {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// groupKey formats a base32 secret in groups of four for manual entry.
func groupKey(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(s[i:min(i+4, len(s))])
	}
	return sb.String()
}
