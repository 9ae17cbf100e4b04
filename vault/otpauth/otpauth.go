// Package otpauth reads and writes otpauth:// URIs, the format inside the QR
// codes that services show when you turn on two-factor authentication
// (Google's "Key Uri Format"):
//
//	otpauth://TYPE/LABEL?secret=SECRET&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
//
// TYPE is totp or hotp (hotp needs &counter=N). LABEL is "Issuer:account" or
// just "account", percent-encoded; the colon may itself be written %3A. The
// issuer parameter, when present, wins over the label's prefix. SECRET is the
// key in base32; Parse accepts it in lower case, grouped with spaces or
// dashes, with or without '=' padding. Missing parameters take the defaults
// every authenticator assumes: SHA1, 6 digits, 30 seconds. Unknown parameters
// (image, color…) are ignored.
//
// Steam Guard accounts are written otpauth://steam/…, or otpauth://totp/… with
// encoder=steam, or come with issuer Steam and no digits (or digits=5): their
// codes are five characters from Steam's own alphabet.
//
// Parse reports what is wrong in words ("missing secret parameter", "digits
// must be 6, 7 or 8, not 10") so that a user looking at a bad QR code knows
// why it was refused.
package otpauth

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"authdesk/vault"
)

// MaxLen is the longest URI Parse accepts. Real ones are under 300 bytes;
// a QR code holds at most about 4,300 characters.
const MaxLen = 8 << 10

// Parse decodes an otpauth URI into an account with its defaults filled in.
// The account has no ID or timestamps; vault.Add sets them.
func Parse(uri string) (vault.Account, error) {
	var a vault.Account
	uri = strings.TrimSpace(uri)
	if len(uri) > MaxLen {
		return a, fmt.Errorf("otpauth URI is too long (%d bytes, at most %d)", len(uri), MaxLen)
	}
	scheme, rest, ok := strings.Cut(uri, "://")
	if !ok || !strings.EqualFold(scheme, "otpauth") {
		if strings.EqualFold(scheme, "otpauth-migration") {
			return a, errors.New("not an otpauth URI: this is a Google Authenticator export (otpauth-migration://); import it instead")
		}
		return a, errors.New("not an otpauth URI (it must start with otpauth://)")
	}
	if strings.ContainsFunc(rest, unicode.IsControl) {
		return a, errors.New("otpauth URI contains control characters")
	}
	rest, _, _ = strings.Cut(rest, "#")
	// otpauth://TYPE/LABEL?QUERY; some generators omit the label and its
	// slash (otpauth://totp?secret=…&issuer=…).
	var typ, rawLabel, rawQuery string
	if i := strings.IndexAny(rest, "/?"); i < 0 {
		typ = rest
	} else if typ = rest[:i]; rest[i] == '/' {
		rawLabel, rawQuery, _ = strings.Cut(rest[i+1:], "?")
	} else {
		rawQuery = rest[i+1:]
	}

	if a.Type, ok = vault.ParseType(typ); !ok {
		if typ == "" {
			return a, errors.New("otpauth URI has no type (want otpauth://totp/ or otpauth://hotp/)")
		}
		// Quote the type only when it looks like one: a mangled URI may
		// put anything here, the secret included.
		if len(typ) <= 16 && !strings.ContainsFunc(typ, func(r rune) bool {
			return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_')
		}) {
			return a, fmt.Errorf("unknown OTP type %q (want totp, hotp or steam)", typ)
		}
		return a, errors.New("unknown OTP type (want otpauth://totp/, otpauth://hotp/ or otpauth://steam/)")
	}

	labelIssuer, name, err := parseLabel(rawLabel)
	if err != nil {
		return a, err
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		// Not err: it quotes the bad escape, which may sit inside the secret.
		return a, errors.New("otpauth URI parameters are not valid URL encoding (a bad %-escape)")
	}
	// get returns the first value of the parameter, matching its name
	// without regard to case; an exact match wins, so that the result never
	// depends on map order.
	get := func(key string) (string, bool) {
		if vs := q[key]; len(vs) > 0 {
			return strings.TrimSpace(vs[0]), true
		}
		keys := slices.Sorted(maps.Keys(q))
		for _, k := range keys {
			if vs := q[k]; strings.EqualFold(k, key) && len(vs) > 0 {
				return strings.TrimSpace(vs[0]), true
			}
		}
		return "", false
	}

	secret, ok := get("secret")
	if !ok || secret == "" {
		return a, errors.New("missing secret parameter")
	}
	if a.Secret, err = vault.DecodeSecret(secret); err != nil {
		return a, fmt.Errorf("invalid base32 secret: %v", strings.TrimPrefix(err.Error(), "secret is "))
	}

	a.Issuer, a.Name = labelIssuer, name
	if iss, ok := get("issuer"); ok && iss != "" {
		if !utf8.ValidString(iss) {
			return a, errors.New("issuer parameter is not valid UTF-8")
		}
		if strings.ContainsFunc(iss, unicode.IsControl) {
			return a, errors.New("issuer parameter contains control characters")
		}
		a.Issuer = iss
	}

	a.Algorithm = vault.SHA1
	if alg, ok := get("algorithm"); ok && alg != "" {
		if a.Algorithm, ok = vault.ParseAlgorithm(alg); !ok {
			return a, fmt.Errorf("unsupported algorithm %.32q (want SHA1, SHA256 or SHA512)", alg)
		}
	}

	digits, hasDigits := 0, false
	if d, ok := get("digits"); ok && d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			return a, fmt.Errorf("digits parameter %.32q is not a number", d)
		}
		digits, hasDigits = n, true
	}

	if enc, ok := get("encoder"); ok && strings.EqualFold(enc, "steam") {
		a.Type = vault.Steam
	}
	if a.Type == vault.TOTP && strings.EqualFold(a.Issuer, "steam") && (!hasDigits || digits == vault.SteamDigits) {
		a.Type = vault.Steam
	}

	switch {
	case a.Type == vault.Steam:
		if hasDigits && digits != vault.SteamDigits && (digits < 6 || digits > 8) {
			return a, fmt.Errorf("digits must be 5 for Steam, not %d", digits)
		}
		if a.Algorithm != vault.SHA1 {
			return a, fmt.Errorf("steam codes use SHA1, not %s", a.Algorithm)
		}
		a.Digits = vault.SteamDigits
	case !hasDigits:
		a.Digits = vault.DefaultDigits
	case digits < 6 || digits > 8:
		return a, fmt.Errorf("digits must be 6, 7 or 8, not %d", digits)
	default:
		a.Digits = digits
	}

	if a.Type == vault.HOTP {
		c, ok := get("counter")
		if !ok || c == "" {
			return a, errors.New("hotp URI has no counter parameter")
		}
		n, err := strconv.ParseUint(c, 10, 64)
		if err != nil {
			return a, fmt.Errorf("counter %.32q is not a non-negative whole number", c)
		}
		a.Counter = n
	} else {
		a.Period = vault.DefaultPeriod
		if p, ok := get("period"); ok && p != "" {
			n, err := strconv.Atoi(p)
			switch {
			case err != nil && strings.HasPrefix(p, "-"):
				return a, fmt.Errorf("period must be a positive number of seconds, not %.32s", p)
			case err != nil:
				return a, fmt.Errorf("period %.32q is not a whole number of seconds", p)
			case n <= 0:
				return a, fmt.Errorf("period must be a positive number of seconds, not %d", n)
			case n > vault.MaxPeriod:
				return a, fmt.Errorf("period %d is too long (at most %d seconds)", n, vault.MaxPeriod)
			}
			a.Period = n
		}
	}

	if a.Name == "" && a.Issuer == "" {
		return a, errors.New("otpauth URI has no account name in its label")
	}
	if err := a.Validate(); err != nil {
		return a, err
	}
	return a, nil
}

// parseLabel splits the label "Issuer:account" (or "Issuer%3Aaccount", or
// "account") and decodes it. A literal colon wins over an encoded one, so an
// account name containing an encoded colon survives Format and Parse.
func parseLabel(raw string) (issuer, name string, err error) {
	rawIssuer, rawName, ok := strings.Cut(raw, ":")
	if !ok {
		// Not strings.ToUpper(raw): it rewrites invalid UTF-8 and shifts
		// the indexes.
		if i := indexFold(raw, "%3A"); i >= 0 {
			rawIssuer, rawName, ok = raw[:i], raw[i+3:], true
		}
	}
	if !ok {
		rawIssuer, rawName = "", raw
	}
	if issuer, err = url.PathUnescape(rawIssuer); err != nil {
		return "", "", fmt.Errorf("label is not valid URL encoding: %v", unwrapURLError(err))
	}
	if name, err = url.PathUnescape(rawName); err != nil {
		return "", "", fmt.Errorf("label is not valid URL encoding: %v", unwrapURLError(err))
	}
	if !utf8.ValidString(issuer) || !utf8.ValidString(name) {
		return "", "", errors.New("label is not valid UTF-8")
	}
	if strings.ContainsFunc(issuer+name, unicode.IsControl) {
		return "", "", errors.New("label contains control characters")
	}
	return strings.TrimSpace(issuer), strings.TrimSpace(name), nil
}

// indexFold returns the index of the first instance of the ASCII string sub
// in s, ignoring ASCII case, or -1.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

func unwrapURLError(err error) string {
	var ee url.EscapeError
	if errors.As(err, &ee) {
		return fmt.Sprintf("bad escape %q", string(ee))
	}
	return err.Error()
}

// Format writes a as an otpauth URI, secret included: treat the result like
// a password. Steam accounts are written as otpauth://totp/… with
// encoder=steam, which other Steam-aware authenticators read.
func Format(a vault.Account) string {
	var b strings.Builder
	typ := string(a.Type)
	if a.Type == vault.Steam {
		typ = string(vault.TOTP)
	}
	b.WriteString("otpauth://" + typ + "/")
	if a.Issuer != "" || strings.Contains(a.Name, ":") {
		b.WriteString(escape(a.Issuer, "@") + ":")
	}
	b.WriteString(escape(a.Name, "@"))
	b.WriteString("?secret=" + vault.EncodeSecret(a.Secret))
	if a.Issuer != "" {
		b.WriteString("&issuer=" + escape(a.Issuer, "@"))
	}
	alg := a.Algorithm
	if alg == "" {
		alg = vault.SHA1
	}
	b.WriteString("&algorithm=" + string(alg))
	digits := a.Digits
	switch {
	case a.Type == vault.Steam:
		digits = vault.SteamDigits
	case digits == 0:
		digits = vault.DefaultDigits
	}
	b.WriteString("&digits=" + strconv.Itoa(digits))
	if a.Type == vault.HOTP {
		b.WriteString("&counter=" + strconv.FormatUint(a.Counter, 10))
	} else {
		p := a.Period
		if p == 0 {
			p = vault.DefaultPeriod
		}
		b.WriteString("&period=" + strconv.Itoa(p))
	}
	if a.Type == vault.Steam {
		b.WriteString("&encoder=steam")
	}
	return b.String()
}

// Escape percent-encodes every byte of s outside RFC 3986's unreserved
// characters (letters, digits, '-', '.', '_', '~'), spaces as %20, never
// '+': the result can go anywhere in a URI, label or query, and every
// parser reads back s.
func Escape(s string) string { return escape(s, "") }

// escape is Escape keeping the bytes in keep as they are. Format keeps '@'
// in labels and issuers (alice@example.com), as Google's examples write it;
// ':', '&', '+', '?' and spaces are always escaped, so they can never be
// misread.
func escape(s, keep string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', strings.IndexByte(keep, c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// FormatKey writes a base32 key for typing by hand, in groups of four
// characters: "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP". Services show
// their manual key this way, and Parse and vault.DecodeSecret read it back
// (they skip spaces). Treat the result like a password.
func FormatKey(key string) string {
	var b strings.Builder
	b.Grow(len(key) + len(key)/4)
	n := 0
	for _, r := range key {
		if n > 0 && n%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
