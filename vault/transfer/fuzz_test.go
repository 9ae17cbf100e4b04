package transfer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var errNoFuzzPassword = errors.New("no password while fuzzing")

// addSeeds adds the testdata fixtures whose names match one of prefixes.
func addSeeds(f *testing.F, prefixes ...string) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		for _, p := range prefixes {
			if !e.IsDir() && strings.HasPrefix(e.Name(), p) {
				b, err := os.ReadFile(filepath.Join("testdata", e.Name()))
				if err != nil {
					f.Fatal(err)
				}
				f.Add(b)
			}
		}
	}
}

// fuzzRead checks what must hold for any input: no panic, an error that
// wraps a sentinel and comes without a result, or only valid accounts.
// The password callback fails, so that no fuzz input runs a KDF (the caps
// allow a second's work, too slow for fuzzing); the parameter checks before
// it still run.
func fuzzRead(t *testing.T, data []byte, format Format) {
	res, err := Read(data, Options{Format: format, Password: func() ([]byte, error) { return nil, errNoFuzzPassword }})
	if err != nil {
		if res != nil {
			t.Fatalf("result with error %v", err)
		}
		if !errors.Is(err, errNoFuzzPassword) && !slices.ContainsFunc(sentinels, func(s error) bool {
			return errors.Is(err, s) && strings.HasPrefix(err.Error(), s.Error())
		}) {
			t.Fatalf("error %v wraps no sentinel", err)
		}
		return
	}
	for _, a := range res.Accounts {
		if err := a.Validate(); err != nil {
			t.Fatalf("invalid account %+v: %v", a, err)
		}
	}
}

func FuzzRead(f *testing.F) {
	addSeeds(f, "")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, "") })
}

func FuzzAegis(f *testing.F) {
	addSeeds(f, "aegis")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, Aegis) })
}

func FuzzTwoFAS(f *testing.F) {
	addSeeds(f, "2fas")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, TwoFAS) })
}

func FuzzAndOTP(f *testing.F) {
	addSeeds(f, "andotp")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, AndOTP) })
}

func FuzzBitwarden(f *testing.F) {
	addSeeds(f, "bitwarden")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, data, Bitwarden) })
}

// FuzzURIList also checks that no message quotes a secret parameter. Its
// seeds include the inputs that once leaked one (from the CLI's former
// line reader).
func FuzzURIList(f *testing.F) {
	addSeeds(f, "ente", "google")
	f.Add([]byte("otpAuth-migrAtion://offline?data=CjYaEA000000000000000000000SE000A000A000A000A000A000A00Z00000000000YA0A0CA0"))
	f.Add([]byte("otpAuth://secret=://hotp/"))
	f.Add([]byte("otpAuth://secret=00000000"))
	f.Add([]byte("otpauth://totp/a?secret=JBSW%ZZY3DP\r\notpauth://hotp/b?secret=MZXW6&counter=x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, data, OTPAuth)
		res, err := Read(data, Options{Format: OTPAuth})
		var msgs []string
		if err != nil {
			msgs = append(msgs, err.Error())
		} else {
			msgs = res.Notes()
		}
		in := string(data)
		for line := range strings.Lines(in) {
			_, s, ok := strings.Cut(line, "secret=")
			if !ok {
				continue
			}
			s, _, _ = strings.Cut(s, "&")
			s = strings.TrimSpace(s)
			// Windows of 16 letters and digits: long enough that no fixed
			// text of a message holds one, short enough to catch a quote.
			for i := 0; i+16 <= len(s); i++ {
				w := s[i : i+16]
				if strings.ContainsFunc(w, func(r rune) bool {
					return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
				}) || strings.Count(in, w) > strings.Count(s, w) {
					continue // the same text is elsewhere in the input: it may be quoted as such
				}
				for _, m := range msgs {
					if strings.Contains(m, w) {
						t.Fatalf("message %q quotes the secret %q", m, s)
					}
				}
			}
		}
	})
}

// FuzzExportRoundTrip: whatever a URI list imports, the otpauth, Aegis and
// (for what it carries) migration exports bring back unchanged.
func FuzzExportRoundTrip(f *testing.F) {
	addSeeds(f, "ente", "google")
	f.Add([]byte("otpauth://totp/%3A:%3A?secret=MZXW6&issuer=%20x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Read(data, Options{Format: OTPAuth})
		if err != nil || len(res.Accounts) == 0 {
			return
		}
		var b bytes.Buffer
		if err := WriteOTPAuth(&b, res.Accounts); err != nil {
			t.Fatal(err)
		}
		back, err := Read(b.Bytes(), Options{})
		if err != nil {
			t.Fatalf("otpauth export does not read back: %v\n%s", err, b.String())
		}
		if !slices.Equal(keys(back.Accounts), keys(res.Accounts)) {
			t.Fatalf("otpauth round trip changed the accounts:\n%q\n%q", keys(back.Accounts), keys(res.Accounts))
		}
		b.Reset()
		if err := WriteAegis(&b, res.Accounts, nil); err != nil {
			t.Fatal(err)
		}
		back, err = Read(b.Bytes(), Options{})
		if err != nil {
			t.Fatalf("Aegis export does not read back: %v", err)
		}
		if !slices.Equal(keys(back.Accounts), keys(res.Accounts)) {
			t.Fatalf("Aegis round trip changed the accounts:\n%q\n%q", keys(back.Accounts), keys(res.Accounts))
		}
	})
}

// FuzzAegisKDF fuzzes the key derivation fields of an encrypted Aegis
// file: the number of password slots and each one's scrypt N, r, p and
// salt. No input gets past the caps to the password (which would run
// scrypt) unless its total work N·r·p is within maxScryptWork.
func FuzzAegisKDF(f *testing.F) {
	f.Add(uint8(1), int64(1<<15), 8, 1, "62df01e5")
	f.Add(uint8(4), int64(1<<20), 8, 16, "00")
	f.Add(uint8(2), int64(1<<20), 8, 1, "aa")
	f.Add(uint8(3), int64(1<<19), 1, 5, "")
	f.Add(uint8(1), int64(-1), -8, 0, "zz")
	f.Fuzz(func(t *testing.T, slots uint8, n int64, r, p int, salt string) {
		data := aegisSlots(t, int(slots%8), n, r, p)
		data = bytes.Replace(data, []byte(`"salt":"62df01e5d3cd4d6ce623b7564b8e67bf34f34c109bf262f331a08ccd816a6f54"`), []byte(`"salt":"`+salt+`"`), 1)
		fuzzRead(t, data, Aegis)
		_, err := Read(data, Options{Format: Aegis, Password: func() ([]byte, error) { return nil, errNoFuzzPassword }})
		if errors.Is(err, errNoFuzzPassword) && (n*int64(r)*int64(p)*int64(slots%8) > maxScryptWork || n > maxScryptN || p > maxScryptP) {
			t.Fatalf("%d slots of N=%d r=%d p=%d reached the password", slots%8, n, r, p)
		}
	})
}

// FuzzAndOTPIterations fuzzes the PBKDF2 iteration count and salt of an
// encrypted andOTP backup. A count above the cap is no PBKDF2 header: the
// file is tried as andOTP's older format (SHA-256 of the password, no
// KDF), and pbkdf2Key refuses such counts itself.
func FuzzAndOTPIterations(f *testing.F) {
	f.Add(uint32(140_000), []byte("saltsaltsalt"))
	f.Add(uint32(2_000_000_000), []byte("x"))
	f.Add(uint32(0), []byte{})
	f.Fuzz(func(t *testing.T, iter uint32, salt []byte) {
		data := make([]byte, andotpHeader+gcmTagLen+8)
		binary.BigEndian.PutUint32(data, iter)
		copy(data[andotpIterLen:andotpIterLen+andotpSaltLen], salt)
		fuzzRead(t, data, AndOTP)
		_, err := Read(data, Options{Format: AndOTP, Password: pw("fuzz password")})
		if !errors.Is(err, ErrWrongPassword) && !errors.Is(err, ErrMalformed) {
			t.Fatalf("%d iterations: %v", iter, err)
		}
		if _, err := pbkdf2Key(sha1New, []byte("pw"), []byte("salt"), int64(iter)); int64(iter) > maxIterations && !errors.Is(err, ErrMalformed) {
			t.Fatalf("pbkdf2Key ran %d iterations", iter)
		}
	})
}
