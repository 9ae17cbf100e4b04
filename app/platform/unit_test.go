package platform

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"authdesk/vault/otpauth"
)

// RFC 4226 Appendix D.
func TestHOTPVectors(t *testing.T) {
	key := []byte("12345678901234567890")
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for i, w := range want {
		if got := hotpCode(key, uint64(i)); got != w {
			t.Errorf("HOTP(%d) = %s, want %s", i, got, w)
		}
	}
}

// Cross-check with pquerna/otp at many times, including step boundaries.
func TestTOTPMatchesPquerna(t *testing.T) {
	key := randomBytes(20)
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(key)
	for _, sec := range []int64{0, 29, 30, 59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000} {
		tm := time.Unix(sec, 0)
		want, err := totp.GenerateCodeCustom(secret, tm, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		if got := codeAt(key, tm); got != want {
			t.Errorf("t=%d: %s, pquerna %s", sec, got, want)
		}
		if step, ok := defaultTOTP.match(key, want, sec, -1); !ok || step != sec/30 {
			t.Errorf("t=%d: matchTOTP = %d %v", sec, step, ok)
		}
	}
}

func TestDefaultArgonMeetsOWASP(t *testing.T) {
	def := mustParams(HashCost{}) // what a zero Config.PasswordHash gives
	if def.memKiB < 19*1024 || def.time < 2 || def.threads < 1 {
		t.Fatalf("default Argon2id cost %+v is below OWASP's m=19 MiB, t=2, p=1", def)
	}
	h := newHasher(def, 1, 0)
	enc := h.hash("correct horse battery")
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", enc)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"correct horse battery", true}, {"correct horse batterY", false}, {"", false}} {
		if ok, err := h.verify(tc.pw, enc); err != nil || ok != tc.want {
			t.Errorf("verify(%q) = %v %v", tc.pw, ok, err)
		}
	}
	if ok, err := h.verify("anything", ""); ok || err != nil {
		t.Fatalf("dummy verify = %v %v", ok, err)
	}
}

func TestParsePHC(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", true},
		{"$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
		{"$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
		{"$argon2id$v=19$m=999999999,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
		{"$argon2id$v=19$m=19456,t=99,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
		{"$argon2id$v=19$m=19456,t=2,p=0$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
		{"$argon2id$v=19$m=19456,t=2,p=1$!!$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", false},
		{"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$", false},
		{"", false},
		{"$$$$$", false},
	} {
		_, _, _, err := parsePHC(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("parsePHC(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func TestOtpauthURIEscaping(t *testing.T) {
	for _, tc := range []struct{ issuer, account, label string }{
		{"Acme", "alice@example.com", "Acme:alice%40example.com"},
		{"Acme Cloud", "a+b@example.com", "Acme%20Cloud:a%2Bb%40example.com"},
		{"Acme: Dev+Ops @HQ", "x@y.z", "Acme%3A%20Dev%2BOps%20%40HQ:x%40y.z"},
		{"Café & Co / 100%", "o'neil@example.com", "Caf%C3%A9%20%26%20Co%20%2F%20100%25:o%27neil%40example.com"},
	} {
		uri := defaultTOTP.otpauthURI(tc.issuer, tc.account, "JBSWY3DPEHPK3PXP")
		if !strings.HasPrefix(uri, "otpauth://totp/"+tc.label+"?secret=JBSWY3DPEHPK3PXP&issuer=") {
			t.Errorf("%q/%q: %s", tc.issuer, tc.account, uri)
		}
		if strings.Contains(uri, "+") || strings.Contains(uri, " ") {
			t.Errorf("%s: raw '+' or space", uri)
		}
		u, err := url.Parse(uri)
		if err != nil || u.Query().Get("issuer") != tc.issuer || u.Path != "/"+tc.issuer+":"+tc.account {
			t.Errorf("net/url reads %q back as %v %v", uri, u, err)
		}
		a, err := otpauth.Parse(uri)
		if err != nil || a.Issuer != tc.issuer || a.Name != tc.account {
			t.Errorf("otpauth.Parse(%q) = %q/%q %v", uri, a.Issuer, a.Name, err)
		}
	}
}

func TestCodeShapes(t *testing.T) {
	for _, tc := range []struct {
		in       string
		totp, rc bool
	}{
		{"123456", true, false}, {"000000", true, false}, {"12345", false, false}, {"1234567", false, false},
		{"12345a", false, false}, {"１２３４５６", false, false}, {"١٢٣٤٥٦", false, false}, {" 12345", false, false},
		{"abcde-fghij", false, true}, {"ABCDE-FGHIJ", false, true}, {"abcde-fghi1", false, false}, {"abcdefghijk", false, false},
		{"abcde fghij", false, false}, {"", false, false},
	} {
		_, rc := normalizeRecoveryCode(tc.in)
		if defaultTOTP.isCode(tc.in) != tc.totp || rc != tc.rc {
			t.Errorf("%q: totp=%v recovery=%v", tc.in, defaultTOTP.isCode(tc.in), rc)
		}
	}
}

func TestConfigValidation(t *testing.T) {
	dir := t.TempDir()
	if _, err := New(Config{DBPath: dir + "/x.db", Issuer: "bad\x00issuer"}); err == nil {
		t.Fatal("issuer with a NUL accepted")
	}
	for _, hc := range []HashCost{{MemoryKiB: 4, Iterations: 1}, {MemoryKiB: 64}, {MemoryKiB: maxArgonMemKiB + 1, Iterations: 1}, {MemoryKiB: 64, Iterations: maxArgonTime + 1}} {
		if _, err := New(Config{DBPath: dir + "/x.db", PasswordHash: hc}); err == nil || !strings.Contains(err.Error(), "password hash cost") {
			t.Errorf("PasswordHash %+v: %v", hc, err)
		}
	}
	srv, err := New(Config{DBPath: dir + "/cost.db", PasswordHash: HashCost{MemoryKiB: 128, Iterations: 3}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if got := srv.svc.hash.hash("correct horse battery"); !strings.HasPrefix(got, "$argon2id$v=19$m=128,t=3,p=1$") {
		t.Errorf("PasswordHash {128 3} hashed as %q", got)
	}
	if err := writeKeyFile(dir+"/k", []byte("short")); err != nil {
		t.Fatal(err)
	}
	if _, err := loadKeys(dir + "/k"); err == nil || !strings.Contains(err.Error(), "want 64 bytes") {
		t.Fatalf("short key file: %v", err)
	}
}

func TestStartClose(t *testing.T) {
	f := newFixture(t, Config{})
	u := f.start()
	if !strings.HasPrefix(u, "http://127.0.0.1:") || f.srv.URL() != u {
		t.Fatalf("URL %q", u)
	}
	if _, err := f.srv.Start(""); err == nil {
		t.Fatal("second Start succeeded")
	}
	if err := f.srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := f.srv.Start(""); err == nil {
		t.Fatal("Start after Close succeeded")
	}
}

// TestTOTPRFC6238Vectors checks every policy algorithm against RFC 6238's
// appendix B (8 digits, 30 s), with each algorithm's own seed (erratum 2866).
func TestTOTPRFC6238Vectors(t *testing.T) {
	seeds := map[string]string{"SHA1": "12345678901234567890", "SHA256": "12345678901234567890123456789012",
		"SHA512": "1234567890123456789012345678901234567890123456789012345678901234"}
	for _, tc := range []struct {
		sec                  int64
		sha1, sha256, sha512 string
	}{
		{59, "94287082", "46119246", "90693936"},
		{1111111109, "07081804", "68084774", "25091201"},
		{1111111111, "14050471", "67062674", "99943326"},
		{1234567890, "89005924", "91819424", "93441116"},
		{2000000000, "69279037", "90698825", "38618901"},
		{20000000000, "65353130", "77737706", "47863826"},
	} {
		for alg, want := range map[string]string{"SHA1": tc.sha1, "SHA256": tc.sha256, "SHA512": tc.sha512} {
			p := totpParams{alg: alg, digits: 8, period: 30, skew: 0}
			if got := p.code([]byte(seeds[alg]), uint64(p.step(tc.sec))); got != want {
				t.Errorf("%s at %d: %s, want %s", alg, tc.sec, got, want)
			}
			if _, ok := p.match([]byte(seeds[alg]), want, tc.sec, -1); !ok {
				t.Errorf("%s at %d: match refused the RFC code", alg, tc.sec)
			}
		}
	}
}
