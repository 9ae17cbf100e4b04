package otpauth

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"authdesk/vault/account"
)

// want is the expected result of a good URI; zero fields take the defaults
// (TOTP, SHA1, 6 digits, 30 s).
type want struct {
	typ     account.Type
	issuer  string
	name    string
	secret  string // base32, unpadded
	alg     account.Algorithm
	digits  int
	period  int
	counter uint64
}

// Shapes of URIs that real services put in their QR codes (secrets are made
// up) and that other authenticators export.
var goodURIs = []struct {
	who string
	uri string
	want
}{
	{"Google Key URI spec example", "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
		want{issuer: "Example", name: "alice@google.com", secret: "JBSWY3DPEHPK3PXP"}},
	{"Google spec, all parameters", "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
		want{issuer: "ACME Co", name: "john.doe@email.com", secret: "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"}},
	{"Google spec HOTP", "otpauth://hotp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&counter=0",
		want{typ: account.HOTP, issuer: "Example", name: "alice@google.com", secret: "JBSWY3DPEHPK3PXP"}},
	{"GitHub", "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
		want{issuer: "GitHub", name: "octocat", secret: "JBSWY3DPEHPK3PXP"}},
	{"GitLab", "otpauth://totp/gitlab.com:alice@example.com?secret=NBSWY3DPO5XXE3DE&issuer=gitlab.com",
		want{issuer: "gitlab.com", name: "alice@example.com", secret: "NBSWY3DPO5XXE3DE"}},
	{"Google account, encoded colon and @", "otpauth://totp/Google%3Aalice%40gmail.com?secret=gezdgnbvgy3tqojqgezdgnbvgy3tqojq&issuer=Google",
		want{issuer: "Google", name: "alice@gmail.com", secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"}},
	{"AWS, no issuer parameter", "otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
		want{issuer: "Amazon Web Services", name: "alice@123456789012", secret: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"}},
	{"AWS IAM MFA device", "otpauth://totp/Amazon%20Web%20Services:root-account-mfa-device@123456789012?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI&issuer=Amazon%20Web%20Services",
		want{issuer: "Amazon Web Services", name: "root-account-mfa-device@123456789012", secret: "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI"}},
	{"Microsoft, lowercase secret", "otpauth://totp/Microsoft:alice%40outlook.com?secret=abcdefghijklmnop&issuer=Microsoft",
		want{issuer: "Microsoft", name: "alice@outlook.com", secret: "ABCDEFGHIJKLMNOP"}},
	{"Azure AD, issuer only in parameter", "otpauth://totp/alice@contoso.com?secret=MZXW6YTBOI&issuer=Microsoft",
		want{issuer: "Microsoft", name: "alice@contoso.com", secret: "MZXW6YTBOI"}},
	{"Dropbox", "otpauth://totp/Dropbox:alice@example.com?secret=KRUGS4ZANFZSAYJAORSXG5A&issuer=Dropbox",
		want{issuer: "Dropbox", name: "alice@example.com", secret: "KRUGS4ZANFZSAYJAORSXG5A"}},
	{"Discord", "otpauth://totp/Discord:alice%231234?secret=MFRGGZDFMZTWQ2LK&issuer=Discord",
		want{issuer: "Discord", name: "alice#1234", secret: "MFRGGZDFMZTWQ2LK"}},
	{"Steam, otpauth://steam (Aegis)", "otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam&digits=5",
		want{typ: account.Steam, issuer: "Steam", name: "gaben", secret: "JBSWY3DPEHPK3PXP", digits: 5}},
	{"Steam, encoder=steam (KeePassXC)", "otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&period=30&digits=5&issuer=Steam&encoder=steam",
		want{typ: account.Steam, issuer: "Steam", name: "gaben", secret: "JBSWY3DPEHPK3PXP", digits: 5}},
	{"Steam, issuer only (steamguard-cli)", "otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam",
		want{typ: account.Steam, issuer: "Steam", name: "gaben", secret: "JBSWY3DPEHPK3PXP", digits: 5}},
	{"Facebook, spaced secret", "otpauth://totp/Facebook:alice?secret=JBSW%20Y3DP%20EHPK%203PXP&issuer=Facebook",
		want{issuer: "Facebook", name: "alice", secret: "JBSWY3DPEHPK3PXP"}},
	{"Twitter/X, padded secret", "otpauth://totp/Twitter:@alice?secret=GEZDGNBV%3D%3D%3D&issuer=Twitter",
		want{issuer: "Twitter", name: "@alice", secret: "GEZDGNBV"}},
	{"padding unescaped", "otpauth://totp/Service:bob?secret=MZXW6===&issuer=Service",
		want{issuer: "Service", name: "bob", secret: "MZXW6"}},
	{"no label, no slash", "otpauth://totp?secret=JBSWY3DPEHPK3PXP&issuer=Okta",
		want{issuer: "Okta", secret: "JBSWY3DPEHPK3PXP"}},
	{"dashed secret", "otpauth://totp/Okta:alice?secret=JBSW-Y3DP-EHPK-3PXP&issuer=Okta",
		want{issuer: "Okta", name: "alice", secret: "JBSWY3DPEHPK3PXP"}},
	{"SHA256 8 digits 60 s", "otpauth://totp/Vault:alice?secret=JBSWY3DPEHPK3PXP&issuer=Vault&algorithm=SHA256&digits=8&period=60",
		want{issuer: "Vault", name: "alice", secret: "JBSWY3DPEHPK3PXP", alg: account.SHA256, digits: 8, period: 60}},
	{"SHA512 lower case", "otpauth://totp/Bank:alice?secret=JBSWY3DPEHPK3PXP&algorithm=sha512&digits=8",
		want{issuer: "Bank", name: "alice", secret: "JBSWY3DPEHPK3PXP", alg: account.SHA512, digits: 8}},
	{"SHA-256 with a dash", "otpauth://totp/Bank:alice?secret=JBSWY3DPEHPK3PXP&algorithm=SHA-256",
		want{issuer: "Bank", name: "alice", secret: "JBSWY3DPEHPK3PXP", alg: account.SHA256}},
	{"7 digits", "otpauth://totp/Odd:alice?secret=JBSWY3DPEHPK3PXP&digits=7",
		want{issuer: "Odd", name: "alice", secret: "JBSWY3DPEHPK3PXP", digits: 7}},
	{"HOTP with counter 42 (YubiKey)", "otpauth://hotp/Yubico:alice?secret=JBSWY3DPEHPK3PXP&counter=42&issuer=Yubico",
		want{typ: account.HOTP, issuer: "Yubico", name: "alice", secret: "JBSWY3DPEHPK3PXP", counter: 42}},
	{"no issuer at all", "otpauth://totp/alice@example.com?secret=JBSWY3DPEHPK3PXP",
		want{name: "alice@example.com", secret: "JBSWY3DPEHPK3PXP"}},
	{"issuer parameter wins over label prefix", "otpauth://totp/OldName:alice?secret=JBSWY3DPEHPK3PXP&issuer=NewName",
		want{issuer: "NewName", name: "alice", secret: "JBSWY3DPEHPK3PXP"}},
	{"space after colon", "otpauth://totp/Example:%20alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
		want{issuer: "Example", name: "alice@example.com", secret: "JBSWY3DPEHPK3PXP"}},
	{"UTF-8 issuer", "otpauth://totp/B%C3%BCro%20M%C3%BCller:j%C3%BCrgen?secret=JBSWY3DPEHPK3PXP&issuer=B%C3%BCro%20M%C3%BCller",
		want{issuer: "Büro Müller", name: "jürgen", secret: "JBSWY3DPEHPK3PXP"}},
	{"raw UTF-8 and spaces", "otpauth://totp/Bank Ω:zoë?secret=JBSWY3DPEHPK3PXP&issuer=Bank Ω",
		want{issuer: "Bank Ω", name: "zoë", secret: "JBSWY3DPEHPK3PXP"}},
	{"issuer with + meaning space in query", "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME+Corp",
		want{issuer: "ACME Corp", name: "alice", secret: "JBSWY3DPEHPK3PXP"}},
	{"issuer with encoded &", "otpauth://totp/AT%26T:alice?secret=JBSWY3DPEHPK3PXP&issuer=AT%26T",
		want{issuer: "AT&T", name: "alice", secret: "JBSWY3DPEHPK3PXP"}},
	{"image parameter ignored (FreeOTP+)", "otpauth://totp/Nextcloud:alice?secret=JBSWY3DPEHPK3PXP&issuer=Nextcloud&image=https%3A%2F%2Fexample.com%2Flogo.png",
		want{issuer: "Nextcloud", name: "alice", secret: "JBSWY3DPEHPK3PXP"}},
	{"unknown parameters ignored", "otpauth://totp/Proton:alice?secret=JBSWY3DPEHPK3PXP&issuer=Proton&color=ff0000&lock=true",
		want{issuer: "Proton", name: "alice", secret: "JBSWY3DPEHPK3PXP"}},
	{"upper-case scheme and type", "OTPAUTH://TOTP/Cloudflare:alice?secret=JBSWY3DPEHPK3PXP&issuer=Cloudflare",
		want{issuer: "Cloudflare", name: "alice", secret: "JBSWY3DPEHPK3PXP"}},
	{"parameter keys in capitals", "otpauth://totp/Atlassian:alice?SECRET=JBSWY3DPEHPK3PXP&Issuer=Atlassian&Digits=8",
		want{issuer: "Atlassian", name: "alice", secret: "JBSWY3DPEHPK3PXP", digits: 8}},
	{"surrounding whitespace and newline", "  otpauth://totp/Slack:alice?secret=JBSWY3DPEHPK3PXP&issuer=Slack\n",
		want{issuer: "Slack", name: "alice", secret: "JBSWY3DPEHPK3PXP"}},
	{"fragment ignored", "otpauth://totp/Heroku:alice?secret=JBSWY3DPEHPK3PXP#frag",
		want{issuer: "Heroku", name: "alice", secret: "JBSWY3DPEHPK3PXP"}},
	{"issuer only, empty account", "otpauth://totp/Tailscale:?secret=JBSWY3DPEHPK3PXP&issuer=Tailscale",
		want{issuer: "Tailscale", secret: "JBSWY3DPEHPK3PXP"}},
	{"no label, issuer parameter", "otpauth://totp/?secret=JBSWY3DPEHPK3PXP&issuer=Bitwarden",
		want{issuer: "Bitwarden", secret: "JBSWY3DPEHPK3PXP"}},
	{"20-byte secret (PyOTP random_base32)", "otpauth://totp/PyOTP:alice@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=PyOTP",
		want{issuer: "PyOTP", name: "alice@example.com", secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}},
	{"period 15", "otpauth://totp/Fast:alice?secret=JBSWY3DPEHPK3PXP&period=15",
		want{issuer: "Fast", name: "alice", secret: "JBSWY3DPEHPK3PXP", period: 15}},
	{"empty optional parameters", "otpauth://totp/Empty:alice?secret=JBSWY3DPEHPK3PXP&issuer=&algorithm=&digits=&period=",
		want{issuer: "Empty", name: "alice", secret: "JBSWY3DPEHPK3PXP"}},
}

func TestParseGood(t *testing.T) {
	if len(goodURIs) < 30 {
		t.Fatalf("only %d good URIs", len(goodURIs))
	}
	for _, tt := range goodURIs {
		a, err := Parse(tt.uri)
		if err != nil {
			t.Errorf("%s: %v", tt.who, err)
			continue
		}
		w := tt.want
		if w.typ == "" {
			w.typ = account.TOTP
		}
		if w.alg == "" {
			w.alg = account.SHA1
		}
		if w.digits == 0 {
			w.digits = 6
		}
		if w.period == 0 && w.typ != account.HOTP {
			w.period = 30
		}
		got := want{typ: a.Type, issuer: a.Issuer, name: a.Name, secret: account.EncodeSecret(a.Secret),
			alg: a.Algorithm, digits: a.Digits, period: a.Period, counter: a.Counter}
		if got != w {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.who, got, w)
		}
		if _, err := a.Code(time.Unix(1700000000, 0)); err != nil {
			t.Errorf("%s: Code: %v", tt.who, err)
		}
	}
}

func TestParseBad(t *testing.T) {
	tests := []struct{ uri, want string }{
		{"https://github.com/settings/two_factor", "not an otpauth URI"},
		{"JBSWY3DPEHPK3PXP", "not an otpauth URI"},
		{"", "not an otpauth URI"},
		{"otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8", "Google Authenticator export"},
		{"otpauth://totp/GitHub:alice?issuer=GitHub", "missing secret parameter"},
		{"otpauth://totp/GitHub:alice?secret=&issuer=GitHub", "missing secret parameter"},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PX1", "invalid base32 secret: not valid base32 (character 16 is not a letter or a digit 2-7)"},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEH!K3PXP", "invalid base32 secret"},
		{"otpauth://totp/GitHub:alice?secret=ABC", "invalid base32 secret: not valid base32 (wrong length 3)"},
		{"otpauth://motp/GitHub:alice?secret=JBSWY3DPEHPK3PXP", `unknown OTP type "motp"`},
		{"otpauth:///GitHub:alice?secret=JBSWY3DPEHPK3PXP", "otpauth URI has no type"},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&algorithm=MD5", `unsupported algorithm "MD5"`},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&digits=4", "digits must be 6, 7 or 8, not 4"},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&digits=10", "digits must be 6, 7 or 8, not 10"},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&digits=six", `digits parameter "six" is not a number`},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&period=0", "period must be between 1 and 86400 seconds, not 0"},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&period=-30", "period must be between 1 and 86400 seconds, not -30"},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&period=30s", `period "30s" is not a whole number`},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&period=9999999", "period must be between 1 and 86400 seconds, not 9999999"},
		{"otpauth://hotp/GitHub:alice?secret=JBSWY3DPEHPK3PXP", "hotp URI has no counter parameter"},
		{"otpauth://hotp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&counter=-1", `counter "-1" is not a non-negative whole number`},
		{"otpauth://totp/?secret=JBSWY3DPEHPK3PXP", "the account needs an issuer, a name or both"},
		{"otpauth://totp/GitHub:al%ZZice?secret=JBSWY3DPEHPK3PXP", `label is not valid URL encoding: bad escape "%ZZ"`},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=%E0%A4", "issuer is not valid UTF-8"},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=%zz", "parameters are not valid URL encoding"},
		{"otpauth://totp/%FF%FE:alice?secret=JBSWY3DPEHPK3PXP", "label is not valid UTF-8"},
		{"otpauth://totp/Git%0AHub:alice?secret=JBSWY3DPEHPK3PXP", "label contains control characters"},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP\x00", "control characters"},
		{"otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP&digits=4", "steam accounts have 5 characters, not 4"},
		{"otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256", "steam accounts use SHA1, not SHA256"},
		{"otpauth://totp/x?secret=" + strings.Repeat("A", MaxLen), "otpauth URI is too long"},
		{"otpauth://totp/x?secret=" + strings.Repeat("A", 1700), "invalid base32 secret: too long"},
		// Found by FuzzImportLines: what follows otpauth:// is not a type
		// and must not be quoted.
		{"otpAuth://secret=00000000", "unknown OTP type (want otpauth://totp/"},
		{"otpauth://JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP/x?secret=MZXW6", "unknown OTP type (want otpauth://totp/"},
		// Found by FuzzParse: invalid UTF-8 before an encoded colon.
		{"otpAuth://totp/\xb3%3A", "label is not valid UTF-8"},
		{"otpauth://totp/\xb3%3Aalice?secret=JBSWY3DPEHPK3PXP", "label is not valid UTF-8"},
		{"otpauth://totp/GitHub:alice?secret=JBSW%ZZY3DPEHPK3PXP", "parameters are not valid URL encoding (a bad %-escape)"},
		{"otpauth://totp/GitHub:alice?secret=jbsw-y3dp-ehpk-3px8", "character 19 is not a letter or a digit 2-7"},
		{"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&Secret=ZZZZ&digits=9", "digits must be 6, 7 or 8, not 9"},
	}
	if len(tests) < 15 {
		t.Fatal("too few bad URIs")
	}
	for _, tt := range tests {
		_, err := Parse(tt.uri)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%.80q) = %v, want error containing %q", tt.uri, err, tt.want)
		}
		// No error quotes any part of the secret, even a malformed one.
		if _, s, ok := strings.Cut(tt.uri, "secret="); ok && err != nil {
			s, _, _ = strings.Cut(s, "&")
			for i := 0; i+5 <= len(s); i++ {
				if strings.Contains(err.Error(), s[i:i+5]) || strings.Contains(strings.ToUpper(err.Error()), strings.ToUpper(s[i:i+5])) {
					t.Errorf("Parse(%.80q) error %q quotes the secret", tt.uri, err)
					break
				}
			}
		}
	}
}

func TestFormatRoundTrip(t *testing.T) {
	accts := []account.Account{
		{Type: account.TOTP, Issuer: "GitHub", Name: "alice", Secret: []byte("hello"), Algorithm: account.SHA1, Digits: 6, Period: 30},
		{Type: account.TOTP, Issuer: "ACME Co", Name: "john doe@example.com", Secret: []byte{0, 1, 2, 255}, Algorithm: account.SHA256, Digits: 8, Period: 60},
		{Type: account.TOTP, Issuer: "A:B", Name: "c:d", Secret: []byte("x"), Algorithm: account.SHA512, Digits: 7, Period: 15},
		{Type: account.TOTP, Issuer: "Plus+Sign", Name: "a+b@c.d", Secret: []byte("x"), Algorithm: account.SHA1, Digits: 6, Period: 30},
		{Type: account.TOTP, Issuer: "", Name: "colon:name", Secret: []byte("x"), Algorithm: account.SHA1, Digits: 6, Period: 30},
		{Type: account.TOTP, Issuer: "Q?&=#%", Name: "ü ñ 漢字", Secret: []byte("x"), Algorithm: account.SHA1, Digits: 6, Period: 30},
		{Type: account.TOTP, Issuer: "OnlyIssuer", Secret: []byte("x"), Algorithm: account.SHA1, Digits: 6, Period: 30},
		{Type: account.HOTP, Issuer: "Yubico", Name: "alice", Secret: []byte("12345678901234567890"), Algorithm: account.SHA1, Digits: 6, Counter: 1 << 40},
		{Type: account.Steam, Issuer: "Steam", Name: "gaben", Secret: []byte("steam"), Algorithm: account.SHA1, Digits: 5, Period: 30},
	}
	for _, a := range accts {
		u := Format(a)
		b, err := Parse(u)
		if err != nil {
			t.Errorf("Parse(Format(%+v)) = %v (URI %s)", a, err, u)
			continue
		}
		if b.Type != a.Type || b.Issuer != a.Issuer || b.Name != a.Name || !bytes.Equal(b.Secret, a.Secret) ||
			b.Algorithm != a.Algorithm || b.Digits != a.Digits || b.Period != a.Period || b.Counter != a.Counter {
			t.Errorf("round trip of %s:\n got %+v\nwant %+v", u, b, a)
		}
		if strings.ContainsAny(strings.TrimPrefix(u, "otpauth://"), " +") {
			t.Errorf("Format left a space or '+' unescaped: %s", u)
		}
	}
	if got := Format(accts[0]); got != "otpauth://totp/GitHub:alice?secret=NBSWY3DP&issuer=GitHub&algorithm=SHA1&digits=6&period=30" {
		t.Errorf("Format = %s", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, tt := range goodURIs {
		f.Add(tt.uri)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		a, err := Parse(uri)
		if err != nil {
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("Parse accepted an invalid account: %v", err)
		}
		b, err := Parse(Format(a))
		if err != nil {
			t.Fatalf("Format(Parse(%q)) = %q does not parse: %v", uri, Format(a), err)
		}
		if b.Type != a.Type || b.Name != a.Name || b.Issuer != a.Issuer || !bytes.Equal(a.Secret, b.Secret) ||
			b.Digits != a.Digits || b.Period != a.Period || b.Counter != a.Counter || b.Algorithm != a.Algorithm {
			t.Fatalf("round trip of %q changed it:\n%+v\n%+v", uri, a, b)
		}
	})
}
