package vault

import (
	"time"

	"authdesk/vault/account"
)

// An account and its codes live in vault/account, the layer below the
// store, so that a program computing codes links neither the store nor the
// keychain. The names below are that package's, under the names the rest
// of Authdesk uses.

// Account is one authenticator entry (account.Account).
type Account = account.Account

// Type is the kind of one-time password an account generates.
type Type = account.Type

// Algorithm is the HMAC hash function of an account.
type Algorithm = account.Algorithm

// Manual is an account as a person types it in (account.Manual).
type Manual = account.Manual

// FieldError is a problem with one field of a Manual.
type FieldError = account.FieldError

// ManualError lists every problem Manual.Account or Normalize found.
type ManualError = account.ManualError

// Icon is the icon a person chose for an account (account.Icon).
type Icon = account.Icon

// Stamp dates one edit with a hybrid logical clock (account.Stamp).
type Stamp = account.Stamp

// Stamps date each group of an account's fields (account.Stamps).
type Stamps = account.Stamps

// The account types, algorithms, limits and defaults (see vault/account).
const (
	TOTP  = account.TOTP
	HOTP  = account.HOTP
	Steam = account.Steam

	SHA1   = account.SHA1
	SHA256 = account.SHA256
	SHA512 = account.SHA512

	MaxSecretLen  = account.MaxSecretLen
	MaxTextLen    = account.MaxTextLen
	MaxNoteLen    = account.MaxNoteLen
	MaxPeriod     = account.MaxPeriod
	DefaultPeriod = account.DefaultPeriod
	DefaultDigits = account.DefaultDigits
	SteamDigits   = account.SteamDigits
)

// ParseType is account.ParseType: the Type named s, whatever its case.
func ParseType(s string) (Type, bool) { return account.ParseType(s) }

// ParseAlgorithm is account.ParseAlgorithm: the Algorithm named s.
func ParseAlgorithm(s string) (Algorithm, bool) { return account.ParseAlgorithm(s) }

// Normalize is account.Normalize, the one home of the account rules.
func Normalize(a Account) (Account, error) { return account.Normalize(a) }

// DecodeSecret is account.DecodeSecret: base32 as people write it.
func DecodeSecret(s string) ([]byte, error) { return account.DecodeSecret(s) }

// EncodeSecret is account.EncodeSecret: unpadded upper-case base32.
func EncodeSecret(b []byte) string { return account.EncodeSecret(b) }

// GroupCode is account.GroupCode: a code split for reading.
func GroupCode(code string) string { return account.GroupCode(code) }

// CodeWait is account.CodeWait.
func CodeWait(t time.Time, period, minLeft, last int64) time.Duration {
	return account.CodeWait(t, period, minLeft, last)
}

// PickTime is account.PickTime.
func PickTime(t time.Time, period, minLeft, last int64, sleep func(time.Duration), now func() time.Time) time.Time {
	return account.PickTime(t, period, minLeft, last, sleep, now)
}

func allStamps(s Stamp) Stamps  { return account.AllStamps(s) }
func maxStamp(s, t Stamp) Stamp { return account.MaxStamp(s, t) }
