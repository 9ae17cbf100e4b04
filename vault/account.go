// Package vault holds Authdesk's accounts, generates their one-time codes and
// keeps them in an encrypted file whose key lives in the OS keychain, with a
// password as the fallback.
//
// Subpackages parse what comes in from outside: vault/otpauth reads and writes
// otpauth:// URIs, vault/migration decodes Google Authenticator exports, and
// vault/keychain talks to the OS keychain.
package vault

import "time"

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
}
