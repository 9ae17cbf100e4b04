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

	"authdesk/vault/account"
)

// IsMigration reports whether s looks like a Google Authenticator export
// URI (otpauth-migration://), which vault/migration decodes. It lives here,
// and vault/migration's IsMigration asks it, so that a program which reads
// otpauth URIs can turn such an export away without linking the protobuf
// decoder (authdesk-cli add, whose lean build starts in a few ms).
func IsMigration(s string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "otpauth-migration://")
}

// MaxLen is the longest URI Parse accepts. Real ones are under 300 bytes;
// a QR code holds at most about 4,300 characters.
const MaxLen = 8 << 10

// Parse decodes an otpauth URI into an account with its defaults filled in.
// The account has no ID or timestamps; vault.Add sets them. The URI's
// syntax is read here; the account rules (digits, period, algorithm…) are
// account.Normalize's, through account.Manual.
func Parse(uri string) (account.Account, error) {
	typ, rawLabel, rawQuery, err := split(uri)
	if err != nil {
		return account.Account{}, err
	}
	t, err := parseType(typ)
	if err != nil {
		return account.Account{}, err
	}
	issuer, name, err := parseLabel(rawLabel)
	if err != nil {
		return account.Account{}, err
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		// Not err: it quotes the bad escape, which may sit inside the secret.
		return account.Account{}, errors.New("otpauth URI parameters are not valid URL encoding (a bad %-escape)")
	}
	m, err := params(q).manual(t, issuer, name)
	if err != nil {
		return account.Account{}, err
	}
	a, err := m.Account()
	var me *account.ManualError
	if errors.As(err, &me) {
		return account.Account{}, firstProblem(me)
	}
	return a, err
}

// split cuts an otpauth URI into its type, raw label and raw query.
func split(uri string) (typ, rawLabel, rawQuery string, err error) {
	uri = strings.TrimSpace(uri)
	if len(uri) > MaxLen {
		return "", "", "", fmt.Errorf("otpauth URI is too long (%d bytes, at most %d)", len(uri), MaxLen)
	}
	scheme, rest, ok := strings.Cut(uri, "://")
	switch {
	case ok && strings.EqualFold(scheme, "otpauth"):
	case strings.EqualFold(scheme, "otpauth-migration"):
		return "", "", "", errors.New("not an otpauth URI: this is a Google Authenticator export (otpauth-migration://); import it instead")
	default:
		return "", "", "", errors.New("not an otpauth URI (it must start with otpauth://)")
	}
	if strings.ContainsFunc(rest, unicode.IsControl) {
		return "", "", "", errors.New("otpauth URI contains control characters")
	}
	rest, _, _ = strings.Cut(rest, "#")
	// otpauth://TYPE/LABEL?QUERY; some generators omit the label and its
	// slash (otpauth://totp?secret=…&issuer=…).
	i := strings.IndexAny(rest, "/?")
	switch {
	case i < 0:
		return rest, "", "", nil
	case rest[i] == '/':
		rawLabel, rawQuery, _ = strings.Cut(rest[i+1:], "?")
		return rest[:i], rawLabel, rawQuery, nil
	}
	return rest[:i], "", rest[i+1:], nil
}

// parseType reads the URI's TYPE.
func parseType(typ string) (account.Type, error) {
	if t, ok := account.ParseType(typ); ok {
		return t, nil
	}
	if typ == "" {
		return "", errors.New("otpauth URI has no type (want otpauth://totp/ or otpauth://hotp/)")
	}
	// Quote the type only when it looks like one: a mangled URI may put
	// anything here, the secret included.
	if len(typ) <= 16 && !strings.ContainsFunc(typ, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_')
	}) {
		return "", fmt.Errorf("unknown OTP type %q (want totp, hotp or steam)", typ)
	}
	return "", errors.New("unknown OTP type (want otpauth://totp/, otpauth://hotp/ or otpauth://steam/)")
}

// params are a URI's query parameters.
type params url.Values

// get returns the first value of the parameter, trimmed, matching its name
// without regard to case; an exact match wins, so that the result never
// depends on map order. An empty value counts as absent.
func (q params) get(key string) (string, bool) {
	if vs := q[key]; len(vs) > 0 {
		v := strings.TrimSpace(vs[0])
		return v, v != ""
	}
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if vs := q[k]; strings.EqualFold(k, key) && len(vs) > 0 {
			v := strings.TrimSpace(vs[0])
			return v, v != ""
		}
	}
	return "", false
}

// manual reads the parameters into the account they describe, which
// account.Manual then checks. Absent parameters take their defaults; Steam is
// recognised by the type, encoder=steam, or issuer Steam without other
// digits.
func (q params) manual(t account.Type, issuer, name string) (account.Manual, error) {
	m := account.Manual{Issuer: issuer, Name: name, Type: t}
	var ok bool
	if m.Secret, ok = q.get("secret"); !ok {
		return m, errors.New("missing secret parameter")
	}
	if iss, ok := q.get("issuer"); ok {
		m.Issuer = iss
	}
	if alg, ok := q.get("algorithm"); ok {
		m.Algorithm = account.Algorithm(alg)
	}
	if d, ok := q.get("digits"); ok {
		n, err := strconv.Atoi(d)
		if err != nil {
			return m, fmt.Errorf("digits parameter %.32q is not a number", d)
		}
		m.Digits = n
	}
	if enc, _ := q.get("encoder"); strings.EqualFold(enc, "steam") ||
		t == account.TOTP && strings.EqualFold(m.Issuer, "steam") && (m.Digits == 0 || m.Digits == account.SteamDigits) {
		m.Type = account.Steam
	}
	if m.Type == account.Steam && m.Digits >= 6 && m.Digits <= 8 {
		m.Digits = 0 // some generators write Steam's 5 characters as digits=6
	}
	if m.Type == account.HOTP {
		return m, q.counter(&m)
	}
	return m, q.period(&m)
}

// counter reads an HOTP URI's counter, which it must have.
func (q params) counter(m *account.Manual) error {
	c, ok := q.get("counter")
	if !ok {
		return errors.New("hotp URI has no counter parameter")
	}
	n, err := strconv.ParseUint(c, 10, 64)
	if err != nil {
		return fmt.Errorf("counter %.32q is not a non-negative whole number", c)
	}
	m.Counter = n
	return nil
}

// period reads the period of a TOTP or Steam URI, 30 s when absent.
func (q params) period(m *account.Manual) error {
	m.Period = account.DefaultPeriod
	p, ok := q.get("period")
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return fmt.Errorf("period %.32q is not a whole number of seconds", p)
	}
	m.Period = n
	return nil
}

// firstProblem is the first of the problems account.Manual found, in the
// words of a URI: a bad secret is an "invalid base32 secret".
func firstProblem(me *account.ManualError) error {
	p := me.Problems[0]
	if p.Field == "secret" {
		return fmt.Errorf("invalid base32 secret: %s", strings.TrimPrefix(p.Err.Error(), "secret is "))
	}
	return p.Err
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
func Format(a account.Account) string {
	var b strings.Builder
	typ := string(a.Type)
	if a.Type == account.Steam {
		typ = string(account.TOTP)
	}
	b.WriteString("otpauth://" + typ + "/")
	if a.Issuer != "" || strings.Contains(a.Name, ":") {
		b.WriteString(escape(a.Issuer, "@") + ":")
	}
	b.WriteString(escape(a.Name, "@"))
	b.WriteString("?secret=" + account.EncodeSecret(a.Secret))
	if a.Issuer != "" {
		b.WriteString("&issuer=" + escape(a.Issuer, "@"))
	}
	alg := a.Algorithm
	if alg == "" {
		alg = account.SHA1
	}
	b.WriteString("&algorithm=" + string(alg))
	digits := a.Digits
	switch {
	case a.Type == account.Steam:
		digits = account.SteamDigits
	case digits == 0:
		digits = account.DefaultDigits
	}
	b.WriteString("&digits=" + strconv.Itoa(digits))
	if a.Type == account.HOTP {
		b.WriteString("&counter=" + strconv.FormatUint(a.Counter, 10))
	} else {
		p := a.Period
		if p == 0 {
			p = account.DefaultPeriod
		}
		b.WriteString("&period=" + strconv.Itoa(p))
	}
	if a.Type == account.Steam {
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
// their manual key this way, and Parse and account.DecodeSecret read it back
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
