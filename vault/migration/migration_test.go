package migration

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"authdesk/vault"
)

// A real-shaped export, built field by field the way Google Authenticator
// writes it: two TOTP accounts and one HOTP, version 1, batch 0 of 1.
func sampleMessage() []byte {
	acct := func(secret []byte, name, issuer string, alg, digits, typ, counter uint64) []byte {
		var m []byte
		m = protowire.AppendTag(m, 1, protowire.BytesType)
		m = protowire.AppendBytes(m, secret)
		m = protowire.AppendTag(m, 2, protowire.BytesType)
		m = protowire.AppendString(m, name)
		if issuer != "" {
			m = protowire.AppendTag(m, 3, protowire.BytesType)
			m = protowire.AppendString(m, issuer)
		}
		m = protowire.AppendTag(m, 4, protowire.VarintType)
		m = protowire.AppendVarint(m, alg)
		m = protowire.AppendTag(m, 5, protowire.VarintType)
		m = protowire.AppendVarint(m, digits)
		m = protowire.AppendTag(m, 6, protowire.VarintType)
		m = protowire.AppendVarint(m, typ)
		if typ == typeHOTP {
			m = protowire.AppendTag(m, 7, protowire.VarintType)
			m = protowire.AppendVarint(m, counter)
		}
		return m
	}
	var msg []byte
	for _, a := range [][]byte{
		acct([]byte("Hello!\xde\xad\xbe\xef"), "GitHub:alice@example.com", "GitHub", algSHA1, digitsSix, typeTOTP, 0),
		acct([]byte("1234567890\xfb\xef\xbe\xfb\xef\xbe\xff\xff\xff\xfc"), "bob", "", algSHA256, digitsEight, typeTOTP, 0),
		acct([]byte("hotp-secret"), "Yubico:carol", "Yubico", algSHA1, digitsSix, typeHOTP, 42),
	} {
		msg = protowire.AppendTag(msg, 1, protowire.BytesType)
		msg = protowire.AppendBytes(msg, a)
	}
	for _, f := range [][2]uint64{{2, 1}, {3, 1}, {4, 0}, {5, 123456789}} {
		msg = protowire.AppendTag(msg, protowire.Number(f[0]), protowire.VarintType)
		msg = protowire.AppendVarint(msg, f[1])
	}
	return msg
}

func checkSample(t *testing.T, b Batch) {
	t.Helper()
	if len(b.Accounts) != 3 || b.Index != 0 || b.Size != 1 || b.BatchID != 123456789 {
		t.Fatalf("batch = %+v", b)
	}
	a := b.Accounts
	if a[0].Issuer != "GitHub" || a[0].Name != "alice@example.com" || !bytes.Equal(a[0].Secret, []byte("Hello!\xde\xad\xbe\xef")) ||
		a[0].Type != vault.TOTP || a[0].Algorithm != vault.SHA1 || a[0].Digits != 6 || a[0].Period != 30 {
		t.Errorf("account 1 = %+v", a[0])
	}
	if a[1].Issuer != "" || a[1].Name != "bob" || a[1].Algorithm != vault.SHA256 || a[1].Digits != 8 {
		t.Errorf("account 2 = %+v", a[1])
	}
	if a[2].Issuer != "Yubico" || a[2].Name != "carol" || a[2].Type != vault.HOTP || a[2].Counter != 42 || a[2].Period != 0 {
		t.Errorf("account 3 = %+v", a[2])
	}
}

// TestBase64Flavours: the data parameter in every form seen in the wild.
func TestBase64Flavours(t *testing.T) {
	msg := sampleMessage()
	std := base64.StdEncoding.EncodeToString(msg)
	if !strings.ContainsAny(std, "+/") {
		t.Fatal("sample does not exercise '+' and '/'")
	}
	for name, data := range map[string]string{
		"std, percent-encoded":   url.QueryEscape(std),
		"std, raw":               std,
		"std, no padding":        strings.TrimRight(std, "="),
		"url-safe":               base64.URLEncoding.EncodeToString(msg),
		"url-safe, no padding":   base64.RawURLEncoding.EncodeToString(msg),
		"'+' turned into spaces": strings.ReplaceAll(std, "+", " "),
		"'+' as %2B, '/' raw":    strings.ReplaceAll(std, "+", "%2B"),
		"'+' turned into %20":    strings.ReplaceAll(std, "+", "%20"),
	} {
		b, err := Parse("otpauth-migration://offline?data=" + data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		checkSample(t, b)
	}
}

// Exports made by Google Authenticator, as published in the tests of other
// decoders (GNOME Authenticator's Discord vector among them).
func TestRealExports(t *testing.T) {
	tests := []struct {
		uri, issuer, name, secret string
	}{
		{"otpauth-migration://offline?data=CjYKEExyJfPiZeroMa/MdF%2BnkTISE2pvaG5kb2VAZXhhbXBsZS5jb20aB0Rpc2NvcmQgASgBMAIQARgBIAA%3D",
			"Discord", "johndoe@example.com", "JRZCL47CMXVOQMNPZR2F7J4RGI"},
		{"otpauth-migration://offline?data=CjQKFKuOm4V945mpzWoDXUoJMyfferkVEg5qZG9lQGdtYWlsLmNvbRoGQW1hem9uIAEoATACEAIYASAA",
			"Amazon", "jdoe@gmail.com", "VOHJXBL54OM2TTLKANOUUCJTE7PXVOIV"},
	}
	for _, tt := range tests {
		b, err := Parse(tt.uri)
		if err != nil {
			t.Errorf("%s: %v", tt.issuer, err)
			continue
		}
		if len(b.Accounts) != 1 || b.Size != 1 || b.Index != 0 {
			t.Errorf("%s: batch %+v", tt.issuer, b)
			continue
		}
		a := b.Accounts[0]
		if a.Issuer != tt.issuer || a.Name != tt.name || vault.EncodeSecret(a.Secret) != tt.secret ||
			a.Type != vault.TOTP || a.Algorithm != vault.SHA1 || a.Digits != 6 {
			t.Errorf("%s: got %+v (secret %s)", tt.issuer, a, vault.EncodeSecret(a.Secret))
		}
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	b, err := Decode(sampleMessage())
	if err != nil {
		t.Fatal(err)
	}
	uri, err := Encode(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	checkSample(t, b2)
	if _, err := Encode(Batch{Accounts: []vault.Account{{Name: "x", Secret: []byte("x"), Digits: 7}}}); err == nil {
		t.Error("Encode of 7 digits succeeded")
	}
}

func TestSkippedAccounts(t *testing.T) {
	var m []byte
	m = protowire.AppendTag(m, 1, protowire.BytesType)
	m = protowire.AppendBytes(m, []byte("x"))
	m = protowire.AppendTag(m, 2, protowire.BytesType)
	m = protowire.AppendString(m, "md5 account")
	m = protowire.AppendTag(m, 4, protowire.VarintType)
	m = protowire.AppendVarint(m, algMD5)
	msg := protowire.AppendTag(sampleMessage(), 1, protowire.BytesType)
	msg = protowire.AppendBytes(msg, m)
	b, err := Decode(msg)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Accounts) != 3 || len(b.Skipped) != 1 || !strings.Contains(b.Skipped[0].Error(), "account 4 (md5 account): unsupported algorithm MD5") {
		t.Fatalf("accounts %d, skipped %v", len(b.Accounts), b.Skipped)
	}
}

func TestParseBad(t *testing.T) {
	enc := func(b []byte) string {
		return "otpauth-migration://offline?data=" + base64.StdEncoding.EncodeToString(b)
	}
	tests := []struct{ uri, want string }{
		{"otpauth://totp/x?secret=AAAA", "not a Google Authenticator export"},
		{"otpauth-migration://online?data=AAAA", `unknown export kind "online"`},
		{"otpauth-migration://offline?foo=bar", "no data parameter"},
		{"otpauth-migration://offline?data=", "no data parameter"},
		{"otpauth-migration://offline?data=%zz", "not valid URL encoding"},
		{"otpauth-migration://offline?data=!!!!", "not valid base64"},
		{"otpauth-migration://offline?data=A", "not valid base64"},
		{enc([]byte{0x0a, 0x05, 0x01}), "export data is malformed"},
		{enc([]byte{0xff}), "export data is malformed"},
		{enc([]byte{0x10, 0x01}), "export holds no accounts"},
		{enc([]byte{0x0a, 0x02, 0x0a, 0x00}), "account 1 (): the account needs an issuer, a name or both; secret is empty"},
		{enc(protowire.AppendVarint([]byte{0x0a, 0x03, 0x0a, 0x01, 'x', 0x18, 0x05, 0x20}, 7)), "export says it is QR code 8 of 5"},
		{"otpauth-migration://offline?data=" + strings.Repeat("A", MaxLen), "too long"},
		// Found by FuzzImportLines: a skipped account's name is printed
		// with its control characters and bad UTF-8 replaced.
		{"otpAuth-migrAtion://offline?data=CjYaEA000000000000000000000SE000A000A000A000A000A000A00Z00000000000YA0A0CA0", "account 1 (?4?M4?M4?M4?M4?M (M4?M4?M4?M4?M4?M4?M)): name or issuer is not valid UTF-8"},
		// Found by FuzzParse: an index without a size (a single QR code).
		{"otpAuth-migrAtion://offline?data=CjAKEA000000000000000000000aE00000000000000000000000000aB000A000A00gA0A0CA0", "export says it is QR code 4 of 1"},
		{"otpauth-migration://offline?data=%41%zz", "not valid URL encoding (a bad %-escape)"},
		// Seen in another project's tests: the name's length prefix (20) is
		// shorter than the name, so the rest is misread as fields.
		{"otpauth-migration://offline?data=CjkKCkhlbGxvId6tvu8SFEV4YW1wbGU6YWxpY2VAZ21haWwuY29tGgdFeGFtcGxlIAEoATACEAEYASAA", "export data is malformed"},
	}
	for _, tt := range tests {
		b, err := Parse(tt.uri)
		if err == nil && len(b.Skipped) > 0 {
			err = b.Skipped[0]
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%.60q) = %v, want %q", tt.uri, err, tt.want)
		}
	}
	if IsMigration("otpauth://totp/x") || !IsMigration(" OTPAUTH-MIGRATION://offline?data=x") {
		t.Error("IsMigration")
	}
}

func FuzzParse(f *testing.F) {
	f.Add("otpauth-migration://offline?data=" + base64.StdEncoding.EncodeToString(sampleMessage()))
	f.Add("otpauth-migration://offline?data=CjMKCkhlbGxvId6tvu8SEGFsaWNlQGdvb2dsZS5jb20aB0V4YW1wbGUgASgBMAJCEzdiMjdjYjE3MjQ4NTk5NTM4NzcQAhgBIAA%3D")
	f.Fuzz(func(t *testing.T, uri string) {
		b, err := Parse(uri)
		if err != nil {
			return
		}
		for _, a := range b.Accounts {
			if err := a.Validate(); err != nil {
				t.Fatalf("Parse returned an invalid account: %v", err)
			}
		}
		if b.Index < 0 || b.Index >= max(b.Size, 1) {
			t.Fatalf("index %d of %d", b.Index, b.Size)
		}
		if len(b.Accounts) == 0 {
			return // all skipped: nothing to write back
		}
		// What Parse accepts, Encode writes back to the same accounts.
		uri2, err := Encode(b)
		if err != nil {
			t.Fatalf("Encode(Parse(%q)): %v", uri, err)
		}
		b2, err := Parse(uri2)
		if err != nil || len(b2.Accounts) != len(b.Accounts) {
			t.Fatalf("Parse(Encode(Parse(%q))) = %v, %v", uri, b2, err)
		}
		for i, a := range b.Accounts {
			c := b2.Accounts[i]
			if a.Issuer != c.Issuer || a.Name != c.Name || !bytes.Equal(a.Secret, c.Secret) || a.Type != c.Type ||
				a.Algorithm != c.Algorithm || a.Digits != c.Digits || a.Counter != c.Counter || a.Period != c.Period {
				t.Fatalf("round trip changed account %d:\n%+v\n%+v", i, a, c)
			}
		}
	})
}
