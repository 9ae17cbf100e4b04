package platform

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
)

// otpauthURI builds the Key URI for issuer, account and secret. Both parts
// of the label and the issuer parameter are percent-encoded (RFC 3986, with
// spaces as %20, never '+'), so names with spaces, ':', '@' or '+' survive.
func (p totpParams) otpauthURI(issuer, account, secret string) string {
	return "otpauth://totp/" + escapeURI(issuer) + ":" + escapeURI(account) +
		"?secret=" + secret + "&issuer=" + escapeURI(issuer) +
		fmt.Sprintf("&algorithm=%s&digits=%d&period=%d", p.alg, p.digits, p.period)
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

// totpParams are the code rules of the platform's Policy.
type totpParams struct {
	alg    string // SHA1, SHA256 or SHA512
	digits int    // 6 or 8
	period int64  // seconds per time step
	skew   int64  // accepted time steps either side of the current one
}

// defaultTOTP is what every authenticator app understands.
var defaultTOTP = totpParams{alg: "SHA1", digits: 6, period: 30, skew: 1}

// code is RFC 4226 HOTP (RFC 6238's algorithm choice) for counter.
func (p totpParams) code(key []byte, counter uint64) string {
	h := sha1.New
	switch p.alg {
	case "SHA256":
		h = sha256.New
	case "SHA512":
		h = sha512.New
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(h, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1_000_000)
	if p.digits == 8 {
		mod = 100_000_000
	}
	return fmt.Sprintf("%0*d", p.digits, v%mod)
}

// step is the RFC 6238 counter for unix time sec.
func (p totpParams) step(sec int64) int64 { return sec / p.period }

// match reports the time step whose code equals code among the steps
// within ±skew of now and later than after. Every candidate is compared in
// constant time, without an early exit.
func (p totpParams) match(key []byte, code string, nowUnix, after int64) (int64, bool) {
	cur := p.step(nowUnix)
	found := int64(-1)
	for d := -p.skew; d <= p.skew; d++ {
		st := cur + d
		if st < 0 {
			continue
		}
		eq := subtle.ConstantTimeCompare([]byte(p.code(key, uint64(st))), []byte(code))
		if eq == 1 && st > after && found < 0 {
			found = st
		}
	}
	return found, found >= 0
}

// isCode reports whether s is exactly digits ASCII digits.
func (p totpParams) isCode(s string) bool {
	if len(s) != p.digits {
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
