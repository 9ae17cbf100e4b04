// Package vault holds Authdesk's accounts, generates their one-time codes and
// keeps them in an encrypted file whose key lives in the OS keychain, with a
// password as the fallback.
//
// Subpackages parse what comes in from outside: vault/otpauth reads and writes
// otpauth:// URIs, vault/migration decodes Google Authenticator exports, and
// vault/keychain talks to the OS keychain.
//
// # Codes
//
// An account's secret is the raw HMAC key. HOTP (RFC 4226) computes
// HMAC(secret, counter), takes 31 bits at an offset given by the last nibble
// ("dynamic truncation") and keeps the last Digits decimal digits. TOTP (RFC
// 6238) is HOTP with counter = unix time / Period. Steam Guard is TOTP with
// SHA1 and 30 s whose truncated value is written as five characters of
// "23456789BCDFGHJKMNPQRTVWXY" (least significant first). Code takes the time
// as an argument: nothing in this package reads the clock except through
// Options.Now.
//
// # The vault file
//
// The file is text: a first line naming the vault, then two age-armored files
// (https://age-encryption.org):
//
//	authdesk-vault v1 id=<32 hex digits>
//	-----BEGIN AGE ENCRYPTED FILE-----   the vault key (an age X25519 identity),
//	...                                  encrypted with the password (age scrypt,
//	-----END AGE ENCRYPTED FILE-----     work factor 2^18)
//	-----BEGIN AGE ENCRYPTED FILE-----   the accounts as JSON, encrypted to the
//	...                                  vault key's recipient
//	-----END AGE ENCRYPTED FILE-----
//
// The keychain stores the vault key under service "authdesk" and the id, so
// opening with the keychain skips the slow password derivation (about 10 ms
// for 1,000 accounts, against about a second for the password). Without the
// keychain the password unseals the key. Changing the password rewrites only the first block.
//
// Every change locks "<vault>.lock", rereads the file if another program
// changed it, writes a temporary file beside the vault, fsyncs it, renames it
// over the vault and fsyncs the directory: a crash leaves the old or the new
// version, never a mix. The previous ten versions are kept in
// "<vault>.backups/" (hard links, so a backup costs no copying). A damaged
// vault is refused with ErrCorrupt naming the newest backup that opens;
// RestoreBackup puts it back.
//
// # Recovery without Authdesk
//
// The file opens with the age command-line tool (1.1 or later) alone:
//
//	umask 077   # age -o and > would otherwise make files others can read
//	# 1. the vault key, sealed with the password (age asks for it)
//	sed -n '2,/^-----END AGE ENCRYPTED FILE-----$/p' vault.age > key.age
//	age -d -o key.txt key.age
//	# 2. the accounts, encrypted to that key
//	sed '1,/^-----END AGE ENCRYPTED FILE-----$/d' vault.age > accounts.age
//	age -d -i key.txt accounts.age > accounts.json
//	shred -u key.txt
//
// accounts.json lists the accounts; each "secret" is the raw key in base64
// (echo SECRET | base64 -d | base32 gives the form authenticators take).
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
