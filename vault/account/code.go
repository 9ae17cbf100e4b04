package account

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on account fields. They keep a hostile URI or vault file from
// producing absurd entries; real services stay far below them.
const (
	MaxSecretLen  = 1024 // bytes of raw key
	MaxTextLen    = 512  // bytes of issuer, name, each tag
	MaxNoteLen    = 4096 // bytes of note
	MaxPeriod     = 24 * 60 * 60
	DefaultPeriod = 30
	DefaultDigits = 6
	SteamDigits   = 5
)

// Code returns the one-time code of a at time t. TOTP and Steam codes depend
// on t; an HOTP code depends only on a.Counter (the counter of the next code
// to use), so advance it with Update after showing the code.
//
// Code checks only the parameters a code depends on; the vault runs
// Validate once, when an account is added or changed.
func (a Account) Code(t time.Time) (string, error) {
	if err := a.validateCode(); err != nil {
		return "", err
	}
	if a.Type == HOTP {
		return a.codeAt(a.Counter), nil
	}
	c, err := a.timeCounter(t)
	if err != nil {
		return "", err
	}
	return a.codeAt(c), nil
}

// NextCode returns the code that follows Code(t): the code of the next period
// for TOTP and Steam, the code at Counter+1 for HOTP.
func (a Account) NextCode(t time.Time) (string, error) {
	if err := a.validateCode(); err != nil {
		return "", err
	}
	if a.Type == HOTP {
		if a.Counter == ^uint64(0) {
			return "", errors.New("HOTP counter is at its maximum")
		}
		return a.codeAt(a.Counter + 1), nil
	}
	c, err := a.timeCounter(t)
	if err != nil {
		return "", err
	}
	return a.codeAt(c + 1), nil
}

// Remaining returns how long the code shown at t stays valid: the time until
// the next period starts. It is 0 for HOTP accounts and invalid periods.
func (a Account) Remaining(t time.Time) time.Duration {
	if a.Type == HOTP {
		return 0
	}
	p := a.period()
	if p <= 0 || t.Unix() < 0 {
		return 0
	}
	periodNS := int64(p) * int64(time.Second)
	into := (t.Unix()%int64(p))*int64(time.Second) + int64(t.Nanosecond())
	return time.Duration(periodNS - into)
}

func (a Account) period() int {
	if a.Period == 0 {
		return DefaultPeriod
	}
	return a.Period
}

// timeCounter is the RFC 6238 time step T = floor(unix(t) / period).
func (a Account) timeCounter(t time.Time) (uint64, error) {
	if t.Unix() < 0 {
		return 0, fmt.Errorf("time %s is before 1970", t.UTC().Format(time.RFC3339))
	}
	return uint64(t.Unix()) / uint64(a.period()), nil
}

// steamAlphabet holds the characters of Steam Guard codes.
const steamAlphabet = "23456789BCDFGHJKMNPQRTVWXY"

// codeAt runs HOTP (RFC 4226) at counter c with a's parameters, which
// validateCode has checked; Steam maps the truncated value to five
// characters of Steam's alphabet instead of digits.
func (a Account) codeAt(c uint64) string {
	h := sha1.New
	switch a.Algorithm {
	case SHA256:
		h = sha256.New
	case SHA512:
		h = sha512.New
	}
	v := truncatedHMAC(h, a.Secret, c)
	var out [8]byte
	if a.Type == Steam {
		for i := range SteamDigits {
			out[i] = steamAlphabet[v%uint32(len(steamAlphabet))]
			v /= uint32(len(steamAlphabet))
		}
		return string(out[:SteamDigits])
	}
	for i := a.Digits - 1; i >= 0; i-- {
		out[i] = byte('0' + v%10)
		v /= 10
	}
	return string(out[:a.Digits])
}

// truncatedHMAC is RFC 4226's HOTP value before the decimal step:
// HMAC(key, counter as 8 big-endian bytes), then 31 bits read at the offset
// given by the last nibble of the MAC ("dynamic truncation", section 5.3).
func truncatedHMAC(h func() hash.Hash, key []byte, counter uint64) uint32 {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(h, key)
	m.Write(msg[:])
	var buf [sha512.Size]byte
	sum := m.Sum(buf[:0])
	off := sum[len(sum)-1] & 0x0f
	return binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
}

// validateCode reports the first problem with the fields a code depends on:
// type, secret, algorithm, digits and period (the rules are Normalize's).
func (a Account) validateCode() error {
	if err := checkSecret(a.Secret); err != nil {
		return err
	}
	if probs := paramProblems(a, false); len(probs) > 0 {
		return probs[0].Err
	}
	return nil
}

// checkSecret checks the length of a raw secret.
func checkSecret(s []byte) error {
	switch {
	case len(s) == 0:
		return errors.New("secret is empty")
	case len(s) > MaxSecretLen:
		return fmt.Errorf("secret is too long (%d bytes, at most %d)", len(s), MaxSecretLen)
	}
	return nil
}

// Validate reports the first problem with a's fields, with a message that
// names the field. A zero Algorithm, Digits or Period is not valid here: Add
// fills in the defaults before validating.
func (a Account) Validate() error {
	if err := a.validateCode(); err != nil {
		return err
	}
	if a.Name == "" && a.Issuer == "" {
		return errors.New("account needs an issuer or a name")
	}
	for _, f := range []struct{ name, v string }{{"issuer", a.Issuer}, {"account name", a.Name}} {
		if len(f.v) > MaxTextLen {
			return fmt.Errorf("%s is too long (%d bytes, at most %d)", f.name, len(f.v), MaxTextLen)
		}
		if !utf8.ValidString(f.v) {
			return fmt.Errorf("%s is not valid UTF-8", f.name)
		}
		// Names are printed on terminals: no escape sequences, no line
		// breaks.
		if strings.ContainsFunc(f.v, unicode.IsControl) {
			return fmt.Errorf("%s contains control characters", f.name)
		}
	}
	for _, t := range a.Tags {
		if len(t) > MaxTextLen || !utf8.ValidString(t) || strings.ContainsFunc(t, unicode.IsControl) {
			return fmt.Errorf("tag %.20q is too long, not valid UTF-8 or contains control characters", t)
		}
	}
	if len(a.Note) > MaxNoteLen {
		return fmt.Errorf("note is too long (%d bytes, at most %d)", len(a.Note), MaxNoteLen)
	}
	return a.Icon.Validate()
}

// WithDefaults fills the zero Algorithm, Digits and Period of a with the
// values every authenticator assumes.
func (a Account) WithDefaults() Account {
	if a.Algorithm == "" {
		a.Algorithm = SHA1
	}
	switch {
	case a.Type == Steam && a.Digits == 0:
		a.Digits = SteamDigits
	case a.Digits == 0:
		a.Digits = DefaultDigits
	}
	if a.Type != HOTP && a.Period == 0 {
		a.Period = DefaultPeriod
	}
	return a
}

// Title is how a is named in lists: "Issuer (name)", or whichever of the two
// is non-empty.
func (a Account) Title() string {
	switch {
	case a.Issuer != "" && a.Name != "":
		return a.Issuer + " (" + a.Name + ")"
	case a.Issuer != "":
		return a.Issuer
	default:
		return a.Name
	}
}

// DecodeSecret decodes a base32 secret as people and services write it:
// upper or lower case, grouped with spaces or dashes, with or without '='
// padding. Its errors never quote the secret.
func DecodeSecret(s string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		if isSecretSeparator(r) {
			return -1
		}
		return r
	}, s)
	clean = strings.TrimRight(strings.ToUpper(clean), "=")
	if clean == "" {
		return nil, errors.New("secret is empty")
	}
	if len(clean) > MaxSecretLen*8/5+8 {
		return nil, errors.New("secret is too long")
	}
	switch len(clean) % 8 {
	case 1, 3, 6: // no whole number of bytes ends there
		return nil, fmt.Errorf("secret is not valid base32 (wrong length %d)", len(clean))
	}
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(clean)
	if err != nil {
		var ce base32.CorruptInputError
		if errors.As(err, &ce) && int(ce) < len(clean) {
			// Name the position, never the character: it is part of the secret.
			return nil, fmt.Errorf("secret is not valid base32 (character %d is not a letter or a digit 2-7)", position(s, int(ce)))
		}
		return nil, fmt.Errorf("secret is not valid base32 (wrong length %d)", len(clean))
	}
	if len(b) == 0 {
		return nil, errors.New("secret is empty")
	}
	return b, nil
}

func isSecretSeparator(r rune) bool {
	switch r {
	case ' ', '-', '\t', '\n', '\r':
		return true
	}
	return false
}

// position returns the 1-based position, counted in characters of s as the
// user wrote it, of the i-th character that is not a separator.
func position(s string, i int) int {
	n := 0
	for pos, r := range []rune(s) {
		if isSecretSeparator(r) {
			continue
		}
		if n == i {
			return pos + 1
		}
		n++
	}
	return i + 1
}

// EncodeSecret encodes a raw secret as RFC 4648 base32, upper case, without
// padding: the form otpauth URIs use.
func EncodeSecret(b []byte) string {
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// GroupCode splits a code for reading: "123456" → "123 456", "1234567" →
// "123 4567", "12345678" → "1234 5678". Other lengths (Steam's five
// characters) are returned unchanged.
func GroupCode(code string) string {
	switch len(code) {
	case 6, 7:
		return code[:3] + " " + code[3:]
	case 8:
		return code[:4] + " " + code[4:]
	}
	return code
}
