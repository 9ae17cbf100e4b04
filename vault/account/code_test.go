package account

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// RFC 4226 Appendix D: HOTP-SHA1, 6 digits, secret "12345678901234567890".
func TestHOTPRFC4226(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	a := Account{Type: HOTP, Name: "rfc", Secret: []byte("12345678901234567890"), Algorithm: SHA1, Digits: 6}
	for c, w := range want {
		a.Counter = uint64(c)
		got, err := a.Code(time.Time{})
		if err != nil || got != w {
			t.Errorf("counter %d: got %q, %v; want %q", c, got, err, w)
		}
		if c+1 < len(want) {
			if next, _ := a.NextCode(time.Time{}); next != want[c+1] {
				t.Errorf("NextCode at counter %d = %q, want %q", c, next, want[c+1])
			}
		}
	}
}

// RFC 6238 Appendix B, with the erratum: each algorithm has a seed of its
// own length (20, 32 and 64 bytes).
func TestTOTPRFC6238(t *testing.T) {
	seeds := map[Algorithm][]byte{
		SHA1:   []byte("12345678901234567890"),
		SHA256: []byte("12345678901234567890123456789012"),
		SHA512: []byte("1234567890123456789012345678901234567890123456789012345678901234"),
	}
	tests := []struct {
		unix                 int64
		sha1, sha256, sha512 string
	}{
		{59, "94287082", "46119246", "90693936"},
		{1111111109, "07081804", "68084774", "25091201"},
		{1111111111, "14050471", "67062674", "99943326"},
		{1234567890, "89005924", "91819424", "93441116"},
		{2000000000, "69279037", "90698825", "38618901"},
		{20000000000, "65353130", "77737706", "47863826"},
	}
	for _, tt := range tests {
		for alg, want := range map[Algorithm]string{SHA1: tt.sha1, SHA256: tt.sha256, SHA512: tt.sha512} {
			a := Account{Type: TOTP, Name: "rfc", Secret: seeds[alg], Algorithm: alg, Digits: 8, Period: 30}
			got, err := a.Code(time.Unix(tt.unix, 0))
			if err != nil || got != want {
				t.Errorf("%s at %d: got %q, %v; want %q", alg, tt.unix, got, err, want)
			}
		}
	}
}

// steamReference is an independent implementation of Steam Guard codes, as
// published by the steam-totp projects: HMAC-SHA1 over the 30-second counter,
// RFC 4226 dynamic truncation, then five characters of the value in base 26
// (least significant first) over Steam's alphabet.
func steamReference(secret []byte, unix int64) string {
	const alphabet = "23456789BCDFGHJKMNPQRTVWXY"
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(unix/30))
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[19] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
	var out []byte
	for range 5 {
		out = append(out, alphabet[v%26])
		v /= 26
	}
	return string(out)
}

func TestSteam(t *testing.T) {
	// Pinned values (computed with steamReference) guard against both
	// implementations drifting together.
	secret := []byte("12345678901234567890")
	pinned := map[int64]string{}
	for _, unix := range []int64{0, 59, 1111111111, 1700000000} {
		pinned[unix] = steamReference(secret, unix)
	}
	a := Account{Type: Steam, Issuer: "Steam", Name: "gaben", Secret: secret, Algorithm: SHA1, Digits: 5, Period: 30}
	for unix, want := range pinned {
		got, err := a.Code(time.Unix(unix, 0))
		if err != nil || got != want {
			t.Errorf("steam at %d: got %q, %v; want %q", unix, got, err, want)
		}
	}
	if got := steamReference(secret, 59); got != "PV9M4" {
		t.Errorf("steamReference(59) = %q, the pinned value changed", got)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		s := make([]byte, 10+r.IntN(30))
		for i := range s {
			s[i] = byte(r.Uint32())
		}
		unix := r.Int64N(4e9)
		a.Secret = s
		got, err := a.Code(time.Unix(unix, 0))
		if want := steamReference(s, unix); err != nil || got != want {
			t.Fatalf("steam %x at %d: got %q, %v; want %q", s, unix, got, err, want)
		}
		if strings.Trim(got, "23456789BCDFGHJKMNPQRTVWXY") != "" || len(got) != 5 {
			t.Fatalf("steam code %q has characters outside the alphabet", got)
		}
	}
}

// TestOathtool cross-checks 200 random parameter sets against oathtool, an
// independent C implementation.
func TestOathtool(t *testing.T) {
	bin, err := exec.LookPath("oathtool")
	if err != nil {
		if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
			t.Fatal("oathtool is required (AUTHDESK_REQUIRE_DESKTOP=1) but not installed: apt-get install oathtool")
		}
		t.Skip("oathtool not installed (apt-get install oathtool)")
	}
	r := rand.New(rand.NewPCG(42, 7))
	algs := []Algorithm{SHA1, SHA256, SHA512}
	modes := map[Algorithm]string{SHA1: "SHA1", SHA256: "SHA256", SHA512: "SHA512"}
	for i := range 200 {
		secret := make([]byte, 10+r.IntN(54))
		for j := range secret {
			secret[j] = byte(r.Uint32())
		}
		a := Account{Name: "x", Secret: secret, Digits: 6 + r.IntN(3), Algorithm: SHA1}
		var args []string
		at := time.Unix(r.Int64N(1<<34), 0)
		if i%4 == 0 {
			a.Type = HOTP // oathtool's HOTP is SHA1 only
			a.Counter = r.Uint64N(1 << 40)
			args = []string{"--hotp", "-c", strconv.FormatUint(a.Counter, 10)}
		} else {
			a.Type = TOTP
			a.Algorithm = algs[r.IntN(3)]
			a.Period = []int{15, 30, 60, 90, 1 + r.IntN(300)}[r.IntN(5)]
			args = []string{"--totp=" + modes[a.Algorithm], "-s", strconv.Itoa(a.Period) + "s", "-N", "@" + strconv.FormatInt(at.Unix(), 10)}
		}
		args = append(args, "-d", strconv.Itoa(a.Digits), "-")
		cmd := exec.Command(bin, args...)
		cmd.Stdin = strings.NewReader(hex.EncodeToString(secret) + "\n") // keep keys off the command line
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("oathtool %v: %v", args, err)
		}
		got, err := a.Code(at)
		if want := strings.TrimSpace(string(out)); err != nil || got != want {
			t.Fatalf("%+v at %d: got %q, %v; oathtool says %q", a, at.Unix(), got, err, want)
		}
	}
}

func TestRemaining(t *testing.T) {
	a := Account{Type: TOTP, Period: 30}
	tests := []struct {
		t    time.Time
		want time.Duration
	}{
		{time.Unix(0, 0), 30 * time.Second},
		{time.Unix(29, 0), time.Second},
		{time.Unix(29, 500e6), 500 * time.Millisecond},
		{time.Unix(30, 0), 30 * time.Second},
		{time.Unix(1111111111, 0), 29 * time.Second},
	}
	for _, tt := range tests {
		if got := a.Remaining(tt.t); got != tt.want {
			t.Errorf("Remaining(%v) = %v, want %v", tt.t.Unix(), got, tt.want)
		}
	}
	if got := (Account{Type: HOTP}).Remaining(time.Unix(5, 0)); got != 0 {
		t.Errorf("HOTP Remaining = %v, want 0", got)
	}
	if got := (Account{Type: TOTP, Period: 60}).Remaining(time.Unix(61, 0)); got != 59*time.Second {
		t.Errorf("60 s period Remaining = %v", got)
	}
}

func TestNextCodeTOTP(t *testing.T) {
	a := Account{Type: TOTP, Name: "x", Secret: []byte("12345678901234567890"), Algorithm: SHA1, Digits: 8, Period: 30}
	next, err := a.NextCode(time.Unix(1111111109-30, 0))
	if err != nil || next != "07081804" {
		t.Errorf("NextCode = %q, %v; want the code of the next period 07081804", next, err)
	}
	if _, err := a.Code(time.Unix(-1, 0)); err == nil {
		t.Error("Code before 1970 succeeded")
	}
}

func TestValidate(t *testing.T) {
	good := Account{Type: TOTP, Name: "a", Secret: []byte{1}, Algorithm: SHA1, Digits: 6, Period: 30}
	tests := []struct {
		name   string
		change func(*Account)
		want   string
		code   bool // Code fails too: the field is one a code depends on
	}{
		{"ok", func(*Account) {}, "", false},
		{"no type", func(a *Account) { a.Type = "" }, "account type is missing", true},
		{"bad type", func(a *Account) { a.Type = "motp" }, `unknown account type "motp"`, true},
		{"empty secret", func(a *Account) { a.Secret = nil }, "secret is empty", true},
		{"huge secret", func(a *Account) { a.Secret = make([]byte, MaxSecretLen+1) }, "secret is too long", true},
		{"bad alg", func(a *Account) { a.Algorithm = "MD5" }, `unsupported algorithm "MD5"`, true},
		{"zero alg", func(a *Account) { a.Algorithm = "" }, `unsupported algorithm ""`, true},
		{"digits 5", func(a *Account) { a.Digits = 5 }, "digits must be 6, 7 or 8, not 5", true},
		{"digits 100", func(a *Account) { a.Digits = 100 }, "digits must be 6, 7 or 8, not 100", true},
		{"hotp digits 0", func(a *Account) { a.Type, a.Digits = HOTP, 0 }, "digits must be 6, 7 or 8, not 0", true},
		{"digits 9", func(a *Account) { a.Digits = 9 }, "digits must be 6, 7 or 8, not 9", true},
		{"period 0", func(a *Account) { a.Period = 0 }, "period must be between 1 and", true},
		{"period negative", func(a *Account) { a.Period = -30 }, "period must be between 1 and", true},
		{"hotp no period", func(a *Account) { a.Type, a.Period = HOTP, 0 }, "", false},
		{"no names", func(a *Account) { a.Name = "" }, "account needs an issuer or a name", false},
		{"issuer only", func(a *Account) { a.Name, a.Issuer = "", "X" }, "", false},
		{"steam digits", func(a *Account) { a.Type = Steam }, "steam accounts have 5 characters, not 6", true},
		{"steam ok", func(a *Account) { a.Type, a.Digits = Steam, 5 }, "", false},
		{"steam sha256", func(a *Account) { a.Type, a.Digits, a.Algorithm = Steam, 5, SHA256 }, "steam accounts use SHA1", true},
		{"bad utf8", func(a *Account) { a.Name = "\xff" }, "account name is not valid UTF-8", false},
		{"long issuer", func(a *Account) { a.Issuer = strings.Repeat("x", MaxTextLen+1) }, "issuer is too long", false},
		{"long note", func(a *Account) { a.Note = strings.Repeat("x", MaxNoteLen+1) }, "note is too long", false},
		{"escape in issuer", func(a *Account) { a.Issuer = "Git\x1b[31mHub" }, "issuer contains control characters", false},
		{"newline in name", func(a *Account) { a.Name = "al\nice" }, "account name contains control characters", false},
		{"C1 in name", func(a *Account) { a.Name = "a\u009bb" }, "account name contains control characters", false},
		{"tab in tag", func(a *Account) { a.Tags = []string{"a\tb"} }, "contains control characters", false},
		{"unicode ok", func(a *Account) { a.Issuer, a.Name = "Ünïcode €", "名前 😀" }, "", false},
	}
	for _, tt := range tests {
		a := good
		tt.change(&a)
		err := a.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
		// Code checks the code's parameters only: names and notes are
		// Validate's business, run once when the account is saved.
		_, cerr := a.Code(time.Unix(0, 0))
		if _, nerr := a.NextCode(time.Unix(0, 0)); (nerr != nil) != (cerr != nil) {
			t.Errorf("%s: Code error %v but NextCode error %v", tt.name, cerr, nerr)
		}
		switch {
		case tt.code && cerr == nil:
			t.Errorf("%s: Code succeeded on an account whose code parameters are invalid", tt.name)
		case tt.code && cerr.Error() != err.Error():
			t.Errorf("%s: Code error %q, Validate error %q", tt.name, cerr, err)
		case !tt.code && cerr != nil:
			t.Errorf("%s: Code failed on a field codes do not depend on: %v", tt.name, cerr)
		}
	}
}

// The control characters Validate refuses are unicode.IsControl's: C0, DEL
// and C1, exactly the set the hand-written check it replaced listed.
func TestControlCharacters(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		want := r < 0x20 || (r >= 0x7f && r < 0xa0)
		if got := unicode.IsControl(r); got != want {
			t.Fatalf("unicode.IsControl(%U) = %v, want %v", r, got, want)
		}
	}
}

func TestDecodeSecret(t *testing.T) {
	tests := []struct {
		in   string
		want []byte // nil: error
		err  string
	}{
		{"JBSWY3DPEHPK3PXP", []byte("Hello!\xde\xad\xbe\xef"), ""},
		{"jbswy3dpehpk3pxp", []byte("Hello!\xde\xad\xbe\xef"), ""},
		{"jbsw y3dp ehpk 3pxp", []byte("Hello!\xde\xad\xbe\xef"), ""},
		{"JBSW-Y3DP-EHPK-3PXP", []byte("Hello!\xde\xad\xbe\xef"), ""},
		{"GEZDGNBV", []byte("12345"), ""},
		{"GEZDGNA=", []byte("1234"), ""},
		{"GEZDGNA", []byte("1234"), ""},
		{"MZXW6===", []byte("foo"), ""},
		{"MZXW6", []byte("foo"), ""},
		{"", nil, "secret is empty"},
		{"  ", nil, "secret is empty"},
		{"====", nil, "secret is empty"},
		{"JBSWY3DPEHPK3PX1", nil, `(character 16 is not a letter or a digit 2-7)`},
		{"ABC!", nil, `character 4 is not a letter`},
		{"A", nil, "wrong length"},
		{"ABC", nil, "wrong length"},
		{strings.Repeat("A", 4000), nil, "too long"},
	}
	for _, tt := range tests {
		got, err := DecodeSecret(tt.in)
		if tt.want != nil {
			if err != nil || !bytes.Equal(got, tt.want) {
				t.Errorf("DecodeSecret(%q) = %x, %v; want %x", tt.in, got, err, tt.want)
			}
			if back, _ := DecodeSecret(EncodeSecret(got)); !bytes.Equal(back, got) {
				t.Errorf("EncodeSecret(%x) does not round-trip", got)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("DecodeSecret(%q) error = %v, want %q", tt.in, err, tt.err)
		}
	}
	if got := EncodeSecret([]byte("foo")); got != "MZXW6" {
		t.Errorf("EncodeSecret(foo) = %q, want unpadded MZXW6", got)
	}
}

func TestGroupCode(t *testing.T) {
	for in, want := range map[string]string{
		"123456": "123 456", "1234567": "123 4567", "12345678": "1234 5678", "2BC4F": "2BC4F", "": "",
	} {
		if got := GroupCode(in); got != want {
			t.Errorf("GroupCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTitle(t *testing.T) {
	for _, tt := range []struct{ iss, name, want string }{
		{"GitHub", "alice", "GitHub (alice)"}, {"GitHub", "", "GitHub"}, {"", "alice", "alice"},
	} {
		if got := (Account{Issuer: tt.iss, Name: tt.name}).Title(); got != tt.want {
			t.Errorf("Title = %q, want %q", got, tt.want)
		}
	}
}

// FuzzCode feeds Code accounts no Validate has seen (a vault written by
// another program, an account built in memory): it must refuse bad
// parameters with an error, never panic, and otherwise return a code of the
// account's length in its alphabet.
func FuzzCode(f *testing.F) {
	f.Add("totp", []byte("12345678901234567890"), "SHA1", 6, 30, uint64(0), int64(59))
	f.Add("hotp", []byte{1}, "SHA512", 8, 0, ^uint64(0), int64(0))
	f.Add("steam", []byte("k"), "SHA1", 5, 30, uint64(0), int64(1700000000))
	f.Add("totp", []byte{}, "MD5", 100, -1, uint64(0), int64(-1))
	f.Fuzz(func(t *testing.T, typ string, secret []byte, alg string, digits, period int, counter uint64, unix int64) {
		a := Account{Type: Type(typ), Secret: secret, Algorithm: Algorithm(alg), Digits: digits, Period: period, Counter: counter}
		for _, code := range []func(time.Time) (string, error){a.Code, a.NextCode} {
			c, err := code(time.Unix(unix, 0))
			if err != nil {
				continue
			}
			alphabet, n := "0123456789", a.Digits
			if a.Type == Steam {
				alphabet, n = steamAlphabet, SteamDigits
			}
			if len(c) != n || strings.Trim(c, alphabet) != "" {
				t.Fatalf("%+v: code %q", a, c)
			}
		}
	})
}
