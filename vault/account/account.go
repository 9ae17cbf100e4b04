// Package account is what one authenticator entry is and how it makes its
// codes: the Account type, the rules every way an account comes in ends at
// (Normalize, Manual), HOTP, TOTP and Steam codes (RFC 4226 and 6238), the
// secret's base32, and the stamps that date its edits for merging.
//
// It is the vault's lowest layer and needs nothing of the vault's
// encrypted store or the keychain: package vault names each of its types
// and functions (vault.Account is account.Account), and a program that only
// computes codes, such as authdesk-cli code --uri, links this package
// alone. See package vault for how codes are computed and the vault file.
package account

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Type is the kind of one-time password an account generates.
type Type string

// The account types Authdesk understands.
const (
	TOTP  Type = "totp"  // RFC 6238, time-based
	HOTP  Type = "hotp"  // RFC 4226, counter-based
	Steam Type = "steam" // Steam Guard: TOTP SHA1, 30 s, 5 characters
)

// Algorithm is the HMAC hash function of an account.
type Algorithm string

// The supported HMAC algorithms.
const (
	SHA1   Algorithm = "SHA1"
	SHA256 Algorithm = "SHA256"
	SHA512 Algorithm = "SHA512"
)

// ParseType is the Type named s, whatever its case; ok is false when s
// names none (the empty name included).
func ParseType(s string) (t Type, ok bool) {
	switch t := Type(strings.ToLower(s)); t {
	case TOTP, HOTP, Steam:
		return t, true
	}
	return "", false
}

// ParseAlgorithm is the Algorithm named s, whatever its case and with or
// without a dash ("sha-256"); ok is false when s names none (the empty name
// included).
func ParseAlgorithm(s string) (alg Algorithm, ok bool) {
	switch alg := Algorithm(strings.ToUpper(strings.ReplaceAll(s, "-", ""))); alg {
	case SHA1, SHA256, SHA512:
		return alg, true
	}
	return "", false
}

// Account is one authenticator entry.
type Account struct {
	ID        string    `json:"id"`               // stable random identifier
	Issuer    string    `json:"issuer,omitempty"` // service name, e.g. "GitHub"
	Name      string    `json:"name"`             // account name, e.g. "alice@example.com"
	Secret    []byte    `json:"secret"`           // raw key bytes (not base32)
	Type      Type      `json:"type"`
	Algorithm Algorithm `json:"algorithm"`
	Digits    int       `json:"digits"`            // 6–8; 5 for Steam
	Period    int       `json:"period,omitempty"`  // seconds, TOTP and Steam
	Counter   uint64    `json:"counter,omitempty"` // next HOTP counter
	Tags      []string  `json:"tags,omitempty"`
	Note      string    `json:"note,omitempty"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
	// Favorite stars the account: it sorts first in the list and in quick
	// access, and is listed in the tray's quick-copy menu.
	Favorite bool `json:"favorite,omitempty"`
	// LastUsed is when a code of this account was last copied; quick
	// access lists the recent ones after the favourites.
	LastUsed time.Time `json:"last_used,omitzero"`
	// Icon is the icon chosen for the account; nil shows the one its
	// issuer matches, or initials.
	Icon *Icon `json:"icon,omitempty"`
	// SortKey places the account in the manual order and Stamps date its
	// field groups for Merge; the vault sets both (format2.go).
	SortKey string `json:"sort,omitempty"`
	Stamps  Stamps `json:"rev,omitzero"`
}

// Manual is an account as a person types it in: the desktop app's "Enter
// key manually" form and authdesk-cli add's flags both fill one in and call
// Account, so both accept and refuse the same things.
type Manual struct {
	Issuer, Name string    // trimmed; one of them is needed
	Secret       string    // base32 as services show it (see DecodeSecret)
	Type         Type      // "" is TOTP; case does not matter
	Algorithm    Algorithm // "" is SHA1; case and a dash ("sha-256") do not matter
	Digits       int       // 0 is the type's default: 6, or 5 for Steam
	Period       int       // seconds, 1 to MaxPeriod, for TOTP; 0 or 30 for Steam; 0 for HOTP
	Counter      uint64    // HOTP only
}

// FieldError is a problem with one field of a Manual.
type FieldError struct {
	// Field is "issuer" (issuer and name), "secret", "type", "algorithm",
	// "digits", "period", "counter", or "" for the account as a whole.
	Field string
	Err   error
}

// ManualError lists every problem Manual.Account found, in field order.
type ManualError struct{ Problems []FieldError }

// Error joins the problems.
func (e *ManualError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Err.Error()
	}
	return strings.Join(msgs, "; ")
}

// For returns the problem with the named field, or nil.
func (e *ManualError) For(field string) error {
	for _, p := range e.Problems {
		if p.Field == field {
			return p.Err
		}
	}
	return nil
}

// Account checks m and returns the account it describes, with the defaults
// filled in, ready for Vault.Add. When something is wrong the error is a
// *ManualError naming every field at fault. The rules are Normalize's.
func (m Manual) Account() (Account, error) {
	secret, secretErr := DecodeSecret(m.Secret)
	a := Account{Issuer: m.Issuer, Name: m.Name, Secret: secret, Type: m.Type,
		Algorithm: m.Algorithm, Digits: m.Digits, Period: m.Period, Counter: m.Counter}
	a, probs := normalize(a, secretErr, false)
	if len(probs) > 0 {
		return Account{}, &ManualError{probs}
	}
	return a, nil
}

// Normalize is the one home of the account rules: every way an account
// comes in (Manual, otpauth.Parse, each import format) ends here. It trims
// the issuer and name, reads the type and algorithm whatever their case
// ("" is TOTP and SHA1), fills in the defaults (6 digits, or 5 for Steam;
// 30 s for TOTP and Steam) and checks every parameter: digits 6, 7 or 8
// (Steam 5), algorithm SHA1, SHA256 or SHA512 (Steam SHA1), period 1 to
// MaxPeriod seconds for TOTP (Steam 30, HOTP none), a counter only for
// HOTP, then what Validate checks. The error is a *ManualError naming every
// field at fault.
func Normalize(a Account) (Account, error) {
	a, probs := normalize(a, nil, true)
	if len(probs) > 0 {
		return Account{}, &ManualError{probs}
	}
	return a, nil
}

// normalize is Normalize; secretErr is the problem a caller found decoding
// the secret, reported in the secret's place. A TOTP period of 0 is the
// default when zeroPeriod is set, and an error otherwise: a person who
// types 0 seconds meant something else.
func normalize(a Account, secretErr error, zeroPeriod bool) (Account, []FieldError) {
	var probs []FieldError
	a.Issuer, a.Name = strings.TrimSpace(a.Issuer), strings.TrimSpace(a.Name)
	if a.Issuer == "" && a.Name == "" {
		probs = append(probs, FieldError{"issuer", errors.New("the account needs an issuer, a name or both")})
	}
	if secretErr == nil {
		secretErr = checkSecret(a.Secret)
	}
	if secretErr != nil {
		probs = append(probs, FieldError{"secret", secretErr})
	}
	if t, ok := ParseType(string(a.Type)); ok {
		a.Type = t
	} else if a.Type == "" {
		a.Type = TOTP
	}
	if alg, ok := ParseAlgorithm(string(a.Algorithm)); ok {
		a.Algorithm = alg
	} else if strings.Trim(string(a.Algorithm), "-") == "" { // "" and dashes alone are the default
		a.Algorithm = SHA1
	}
	keepZero := !zeroPeriod && a.Type == TOTP && a.Period == 0
	a = a.WithDefaults()
	if keepZero {
		a.Period = 0
	}
	probs = append(probs, paramProblems(a, true)...)
	if len(probs) == 0 {
		// What the fields above do not cover: lengths, control characters.
		if err := a.Validate(); err != nil {
			probs = append(probs, FieldError{"", err})
		}
	}
	return a, probs
}

// paramProblems lists what is wrong with the parameters of a, whose
// defaults are filled in, in field order. strict adds the rules an account
// must meet to come in but that a stored one needs not for its codes: a
// Steam period of 30 s, no period for HOTP, no counter but for HOTP.
func paramProblems(a Account, strict bool) []FieldError {
	var probs []FieldError
	bad := func(field, format string, args ...any) {
		probs = append(probs, FieldError{field, fmt.Errorf(format, args...)})
	}
	switch a.Type {
	case TOTP, HOTP, Steam:
	case "":
		bad("type", "account type is missing (want totp, hotp or steam)")
	default:
		bad("type", "unknown account type %.32q (want totp, hotp or steam)", string(a.Type))
	}
	switch a.Algorithm {
	case SHA1:
	case SHA256, SHA512:
		if a.Type == Steam {
			bad("algorithm", "steam accounts use SHA1, not %s", a.Algorithm)
		}
	default:
		bad("algorithm", "unsupported algorithm %.32q (want SHA1, SHA256 or SHA512)", string(a.Algorithm))
	}
	switch {
	case a.Type == Steam && a.Digits != SteamDigits:
		bad("digits", "steam accounts have %d characters, not %d", SteamDigits, a.Digits)
	case a.Type != Steam && (a.Digits < 6 || a.Digits > 8):
		bad("digits", "digits must be 6, 7 or 8, not %d", a.Digits)
	}
	switch {
	case a.Type == HOTP && a.Period != 0 && strict:
		bad("period", "the period is not for hotp accounts")
	case a.Type == Steam && a.Period != DefaultPeriod && strict:
		bad("period", "steam accounts use a %d s period, not %d", DefaultPeriod, a.Period)
	case a.Type != HOTP && (a.Period < 1 || a.Period > MaxPeriod):
		bad("period", "period must be between 1 and %d seconds, not %d", MaxPeriod, a.Period)
	}
	if a.Type != HOTP && a.Counter != 0 && strict {
		bad("counter", "the counter is only for hotp accounts")
	}
	return probs
}
