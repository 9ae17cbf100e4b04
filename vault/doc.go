// Package vault holds Authdesk's accounts, generates their one-time codes and
// keeps them in an encrypted file whose key lives in the OS keychain, with a
// password as the fallback.
//
// An account and its codes are vault/account's, the layer below the store,
// which this package names (vault.Account is account.Account) and which a
// program that only computes codes links alone. Subpackages parse what
// comes in from outside: vault/otpauth reads and writes
// otpauth:// URIs, vault/migration decodes Google Authenticator exports,
// vault/transfer is the one way in for every payload and export file (and
// writes exports), and vault/keychain talks to the OS keychain.
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
// keychain the password unseals the key.
//
// Changing the password (Vault.ChangePassword) retires the old one: a new
// key, sealed with the new password, and every backup re-encrypted to it, so
// that no file in the vault's folder opens with the old password or key.
//
// Every change locks "<vault>.lock", rereads the file if another program
// changed it, writes a temporary file beside the vault, fsyncs it, renames it
// over the vault and fsyncs the directory: a crash leaves the old or the new
// version, never a mix. The previous ten versions are kept in
// "<vault>.backups/" (hard links, so a backup costs no copying); they open
// with the vault's current key and password. A damaged vault is refused
// with ErrCorrupt naming the newest backup that opens; RestoreBackup puts it
// back.
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
