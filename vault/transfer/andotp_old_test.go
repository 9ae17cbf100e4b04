package transfer

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"
)

// andotpOld encrypts plain as andOTP's older backups are: a random IV, then
// AES-256-GCM under SHA-256(password), no key derivation. The fixture is
// made here with our own code, not copied from anywhere.
func andotpOld(t *testing.T, plain []byte, password string) []byte {
	t.Helper()
	iv := make([]byte, gcmNonceLen)
	rand.Read(iv)
	// A first word that would read as a plausible iteration count makes
	// the reader try PBKDF2 first: cover that path too.
	iv[0], iv[1], iv[2], iv[3] = 0, 0x02, 0x22, 0xe0 // 140,000
	sealed, err := sealGCM(sha256Sum([]byte(password)), iv, plain)
	if err != nil {
		t.Fatal(err)
	}
	return append(iv, sealed...)
}

// TestAndOTPOldEncrypted: the older encrypted format reads as the same
// accounts as the plain backup; a wrong password says so.
func TestAndOTPOldEncrypted(t *testing.T) {
	plain := readFixture(t, "andotp_plain.json")
	want, err := Read(plain, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"random IV", func() []byte {
			d := andotpOld(t, plain, fixturePassword)
			d[0] = 0xff // not an iteration count
			sealed, _ := sealGCM(sha256Sum([]byte(fixturePassword)), d[:gcmNonceLen], plain)
			return append(d[:gcmNonceLen:gcmNonceLen], sealed...)
		}()},
		{"IV like an iteration count", andotpOld(t, plain, fixturePassword)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Read(tt.data, Options{Format: AndOTP, Password: pw(fixturePassword)})
			if err != nil {
				t.Fatal(err)
			}
			sameAccounts(t, res.Accounts, want.Accounts)
			if !res.Encrypted || res.Format != AndOTP {
				t.Errorf("encrypted %v, format %s", res.Encrypted, res.Format)
			}
			if _, err := Read(tt.data, Options{Format: AndOTP, Password: pw("not it")}); !errors.Is(err, ErrWrongPassword) {
				t.Errorf("wrong password: %v", err)
			}
			if bytes.Contains(tt.data, []byte("otpauth")) || bytes.Contains(tt.data, []byte("secret")) {
				t.Error("the fixture is not encrypted")
			}
		})
	}
}
