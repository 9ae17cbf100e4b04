package transfer

import (
	"bytes"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"authdesk/vault"
)

//go:generate go run ./internal/cmd/genfixtures testdata

// fixturePassword opens every encrypted fixture (see genfixtures).
const fixturePassword = "Passwört 1"

// fixtureAccounts are the accounts every fixture holds, as genfixtures
// wrote them to testdata/accounts.json.
func fixtureAccounts(t testing.TB) []vault.Account {
	t.Helper()
	var fx []struct {
		Issuer, Name, Type, Algo string
		Digits, Period           int
		Counter                  uint64
		Secret                   string
	}
	b, err := os.ReadFile(filepath.Join("testdata", "accounts.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	var out []vault.Account
	for _, f := range fx {
		s, err := vault.DecodeSecret(f.Secret)
		if err != nil {
			t.Fatal(err)
		}
		a := vault.Account{Issuer: f.Issuer, Name: f.Name, Type: vault.Type(f.Type), Algorithm: vault.Algorithm(f.Algo),
			Digits: f.Digits, Period: f.Period, Counter: f.Counter, Secret: s}
		if a.Type == vault.HOTP {
			a.Period = 0
		}
		out = append(out, a)
	}
	return out
}

// gaAccounts are the fixture accounts Google's format carries.
func gaAccounts(t testing.TB) []vault.Account {
	var out []vault.Account
	for _, a := range fixtureAccounts(t) {
		if migrationProblem(a) == "" {
			out = append(out, a)
		}
	}
	return out
}

// key is what must survive an import: everything that makes codes and
// names, not IDs, tags or notes.
func key(a vault.Account) string {
	return fmt.Sprintf("%s|%s|%s|%s|%d|%d|%d|%X", a.Issuer, a.Name, a.Type, alg(a), digits(a), period(a), a.Counter, a.Secret)
}

func keys(accts []vault.Account) []string {
	out := make([]string, len(accts))
	for i, a := range accts {
		out[i] = key(a)
	}
	return out
}

func sameAccounts(t *testing.T, got, want []vault.Account) {
	t.Helper()
	g, w := keys(got), keys(want)
	if !slices.Equal(g, w) {
		t.Errorf("accounts:\n got %q\nwant %q", g, w)
	}
}

func pw(s string) func() ([]byte, error) {
	return func() ([]byte, error) { return []byte(s), nil }
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadFixtures(t *testing.T) {
	all, ga := fixtureAccounts(t), gaAccounts(t)
	tests := []struct {
		file      string
		password  string
		format    Format
		encrypted bool
		want      []vault.Account
		skipped   int
		missing   []string
	}{
		{"aegis_plain.json", "", Aegis, false, all, 1, nil},
		{"aegis_encrypted.json", fixturePassword, Aegis, true, all, 1, nil},
		{"2fas_plain.2fas", "", TwoFAS, false, all, 0, nil},
		{"2fas_encrypted.2fas", fixturePassword, TwoFAS, true, all, 0, nil},
		{"andotp_plain.json", "", AndOTP, false, all, 0, nil},
		{"andotp_encrypted.json.aes", fixturePassword, AndOTP, true, all, 0, nil},
		{"bitwarden.json", "", Bitwarden, false, all, 1, nil},
		{"ente_auth.txt", "", OTPAuth, false, all, 0, nil},
		{"google_migration.txt", "", GoogleMig, false, ga, 0, nil},
		{"google_migration_partial.txt", "", GoogleMig, false, ga[3:], 0, []string{"missing batch 1 of 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			asked := 0
			opts := Options{Password: func() ([]byte, error) { asked++; return []byte(tt.password), nil }}
			res, err := Read(readFixture(t, tt.file), opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != tt.format || res.Encrypted != tt.encrypted {
				t.Errorf("format %q encrypted %v, want %q %v", res.Format, res.Encrypted, tt.format, tt.encrypted)
			}
			if want := map[bool]int{true: 1, false: 0}[tt.encrypted]; asked != want {
				t.Errorf("password asked %d times, want %d", asked, want)
			}
			sameAccounts(t, res.Accounts, tt.want)
			if len(res.Skipped) != tt.skipped {
				t.Errorf("skipped %q, want %d", res.Skipped, tt.skipped)
			}
			var missing []string
			for _, m := range res.Missing {
				missing = append(missing, m.String())
			}
			if !slices.Equal(missing, tt.missing) {
				t.Errorf("missing %q, want %q", missing, tt.missing)
			}
			if len(res.Duplicates) != 0 {
				t.Errorf("duplicates %v", res.Duplicates)
			}
		})
	}
}

func TestReadKeepsGroupsAsTags(t *testing.T) {
	res, err := Read(readFixture(t, "aegis_plain.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Accounts[0].Tags; !slices.Equal(got, []string{"Work"}) {
		t.Errorf("tags %q, want [Work]", got)
	}
	if !strings.Contains(res.Skipped[0], "Yandex") {
		t.Errorf("skipped %q, want the Yandex entry named", res.Skipped)
	}
}

// TestReadBroken: each way a file can be bad is refused with its reason,
// and no accounts.
func TestReadBroken(t *testing.T) {
	random := make([]byte, 5<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	var fixtures = func(name string) []byte { return readFixture(t, name) }
	aegisPlain := fixtures("aegis_plain.json")
	var tooMany bytes.Buffer
	for i := range MaxAccounts + 1 {
		fmt.Fprintf(&tooMany, "otpauth://totp/Issuer:user%d?secret=%s&issuer=Issuer\n", i, base32.StdEncoding.EncodeToString(fmt.Appendf(nil, "secret-%06d", i)))
	}
	tests := []struct {
		name     string
		data     []byte
		format   Format
		password string
		want     error
		msg      string
	}{
		{"aegis truncated", fixtures("aegis_encrypted_truncated.json"), "", fixturePassword, ErrMalformed, "ends early"},
		{"aegis plain truncated", aegisPlain[:len(aegisPlain)-40], "", "", ErrMalformed, "ends early"},
		{"aegis bit flipped", fixtures("aegis_encrypted_bitflip.json"), "", fixturePassword, ErrDamaged, "fail authentication"},
		{"aegis wrong password", fixtures("aegis_encrypted.json"), "", "Passwort 1", ErrWrongPassword, ""},
		{"aegis no password", fixtures("aegis_encrypted.json"), "", "", ErrPasswordRequired, ""},
		{"aegis content version 4", fixtures("aegis_version4.json"), "", "", ErrUnsupportedVersion, "content version 4"},
		{"aegis file version 2", bytes.Replace(aegisPlain, []byte(`"version": 1`), []byte(`"version": 2`), 1), "", "", ErrUnsupportedVersion, "file version 2"},
		{"aegis scrypt N 2^30", fixtures("aegis_scrypt_huge.json"), "", fixturePassword, ErrMalformed, "above the limit of 2^20"},
		{"aegis scrypt r 2^20", bytes.Replace(fixtures("aegis_encrypted.json"), []byte(`"r": 8`), []byte(`"r": 1048576`), 1), "", fixturePassword, ErrMalformed, "out of range"},
		{"aegis scrypt p 1000", bytes.Replace(fixtures("aegis_encrypted.json"), []byte(`"p": 1`), []byte(`"p": 1000`), 1), "", fixturePassword, ErrMalformed, "out of range"},
		{"aegis scrypt N not a power of two", bytes.Replace(fixtures("aegis_encrypted.json"), []byte(`"n": 32768`), []byte(`"n": 32767`), 1), "", fixturePassword, ErrMalformed, "power of two"},
		{"aegis 100 password slots", aegisManySlots(t, 100), "", fixturePassword, ErrMalformed, "key slots"},
		// The review's file: 215 s of CPU and 2.1 GiB before "wrong password".
		{"aegis 4 slots N 2^20 p 16", aegisSlots(t, 4, 1<<20, 8, 16), "", fixturePassword, ErrMalformed, "scrypt work"},
		{"aegis N 2^20", aegisSlots(t, 1, 1<<20, 8, 1), "", fixturePassword, ErrMalformed, "above the limit of 4194304"},
		{"aegis 4 slots N 2^18 p 2", aegisSlots(t, 4, 1<<18, 8, 2), "", fixturePassword, ErrMalformed, "up to slot 2"},
		{"aegis secret not base32", bytes.Replace(aegisPlain, []byte(`"secret": "`), []byte(`"secret": "1`), 1), "", "", ErrMalformed, "entry 1"},
		{"aegis entry wrong kind", bytes.Replace(aegisPlain, []byte(`"digits": 6`), []byte(`"digits": "6"`), 1), "", "", ErrMalformed, "digits"},
		{"2fas bit flipped", fixtures("2fas_encrypted_bitflip.2fas"), "", fixturePassword, ErrDamaged, ""},
		{"2fas wrong password", fixtures("2fas_encrypted.2fas"), "", "passwort", ErrWrongPassword, ""},
		{"2fas schema 5", fixtures("2fas_schema5.2fas"), "", "", ErrUnsupportedVersion, "schema version 5"},
		{"andotp wrong password", fixtures("andotp_encrypted.json.aes"), "", "nope", ErrWrongPassword, ""},
		{"andotp truncated", fixtures("andotp_encrypted.json.aes")[:200], "", fixturePassword, ErrWrongPassword, ""},
		// Above 10^7 iterations the header is not andOTP's PBKDF2 one: the
		// file is tried as the older format (SHA-256, no KDF), which is cheap.
		{"andotp iterations 2·10^9", fixtures("andotp_iterations_huge.json.aes"), AndOTP, fixturePassword, ErrWrongPassword, "andOTP"},
		{"bitwarden encrypted", fixtures("bitwarden_encrypted.json"), "", "", ErrUnsupportedVersion, ".json (Encrypted)"},
		{"otpauth list of 10,001", tooMany.Bytes(), "", "", ErrTooMany, "too many accounts: 10,001; at most 10,000"},
		{"otpauth list bad line", []byte("otpauth://totp/a?secret=MZXW6\notpauth://totp/b?digits=6\n"), "", "", ErrMalformed, "line 2: missing secret"},
		{"migration bad data", []byte("otpauth-migration://offline?data=!!!\n"), "", "", ErrMalformed, "line 1"},
		{"random bytes", random, "", "", ErrUnknownFormat, ""},
		{"random bytes as aegis", random, Aegis, "", ErrMalformed, ""},
		{"random json object", []byte(`{"hello": "world"}`), "", "", ErrUnknownFormat, ""},
		{"empty", nil, "", "", ErrUnknownFormat, ""},
		{"too large", make([]byte, MaxSize+1), "", "", ErrTooLarge, "larger than 32 MiB"},
		// A Duo export: a JSON array, but not of andOTP entries.
		{"duo json array", []byte(`[{"name": "GitHub", "otpSecret": "JBSWY3DPEHPK3PXP", "otpGenerator": {"counter": 0}}]`), "", "", ErrUnknownFormat, "Authdesk reads"},
		{"array of strings", []byte(`["otpauth", "x"]`), "", "", ErrUnknownFormat, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Format: tt.format}
			if tt.password != "" {
				opts.Password = pw(tt.password)
			}
			start := time.Now()
			res, err := Read(tt.data, opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if res != nil {
				t.Errorf("result %v with an error", res)
			}
			if !strings.HasPrefix(err.Error(), tt.want.Error()) && !strings.Contains(strings.SplitN(err.Error(), "\n", 2)[0], tt.want.Error()) {
				t.Errorf("error %q does not say %q on its first line", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q, want it to say %q", err, tt.msg)
			}
			if d := time.Since(start); d > 30*time.Second {
				// Not a benchmark (BenchmarkAegisWorstAccepted measures): a
				// hang bound against a KDF run with the file's parameters.
				t.Errorf("took %v", d)
			}
		})
	}
}

// aegisManySlots repeats the encrypted fixture's slot n times: each would
// cost an scrypt run.
func aegisManySlots(t *testing.T, n int) []byte {
	return aegisSlots(t, n, 1<<15, 8, 1)
}

// aegisSlots is the encrypted fixture with n copies of its password slot,
// each asking for scrypt N, r and p.
func aegisSlots(t testing.TB, n int, sn int64, r, p int) []byte {
	t.Helper()
	var f map[string]any
	if err := json.Unmarshal(readFixture(t, "aegis_encrypted.json"), &f); err != nil {
		t.Fatal(err)
	}
	h := f["header"].(map[string]any)
	slot := h["slots"].([]any)[0].(map[string]any)
	slot["n"], slot["r"], slot["p"] = sn, r, p
	var slots []any
	for range n {
		slots = append(slots, slot)
	}
	h["slots"] = slots
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 240_000: "240,000", 1_234_567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestHostileNames: a name with terminal escape sequences is skipped, and
// the note naming it carries no control character.
func TestHostileNames(t *testing.T) {
	data := bytes.Replace(readFixture(t, "aegis_plain.json"), []byte(`"name": "alice@example.com"`), []byte(`"name": "\u001b[2J\u001b]0;pwned\u0007"`), 1)
	res, err := Read(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Accounts) != 7 || len(res.Skipped) != 2 {
		t.Fatalf("%d accounts, skipped %q", len(res.Accounts), res.Skipped)
	}
	if !strings.Contains(res.Skipped[0], "control characters") || strings.ContainsAny(res.Skipped[0], "\x1b\x07") {
		t.Errorf("note %q", res.Skipped[0])
	}
}

func TestDuplicates(t *testing.T) {
	all := fixtureAccounts(t)
	existing := []vault.Account{all[0], all[3]}
	existing[1].Counter = 99 // a counter that moved on is still the same account
	data := readFixture(t, "ente_auth.txt")
	data = append(data, readFixture(t, "ente_auth.txt")[:200]...) // half a line more: malformed
	if _, err := Read(data, Options{Existing: existing}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("error %v, want malformed", err)
	}
	data = append(readFixture(t, "ente_auth.txt"), strings.SplitAfter(string(readFixture(t, "ente_auth.txt")), "\n")[1]...)
	res, err := Read(data, Options{Existing: existing})
	if err != nil {
		t.Fatal(err)
	}
	sameAccounts(t, res.Accounts, slices.Concat(all[1:3], all[4:]))
	if len(res.Duplicates) != 3 || res.Duplicates[0].InFile || !res.Duplicates[2].InFile {
		t.Fatalf("duplicates %+v, want 2 of the vault and 1 of the file", res.Duplicates)
	}
	// Same secret, other parameters: not a duplicate.
	other := all[0]
	other.Digits = 8
	if Same(all[0], other) {
		t.Error("accounts with different digits are the same")
	}
}

// TestReadPayloads: single payloads, as scanned or pasted, take the same
// way in.
func TestReadPayloads(t *testing.T) {
	for _, p := range []string{
		"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP",
		"  otpauth://steam/Steam:x?secret=JBSWY3DPEHPK3PXP\r\n",
		"otpauth-migration://offline?data=CjYKEExyJfPiZeroMa/MdF%2BnkTISE2pvaG5kb2VAZXhhbXBsZS5jb20aB0Rpc2NvcmQgASgBMAIQARgBIAA%3D",
	} {
		res, err := Read([]byte(p), Options{})
		if err != nil || len(res.Accounts) != 1 {
			t.Errorf("%q: %v, %v", p, res, err)
		}
	}
	if _, err := Read([]byte("https://example.com/"), Options{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("web link: %v", err)
	}
}
