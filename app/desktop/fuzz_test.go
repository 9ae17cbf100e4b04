package desktop

import (
	"strings"
	"testing"
	"unicode/utf8"

	"authdesk/vault"
)

// FuzzText feeds untrusted strings (issuers and names from QR codes, QR
// payloads, search queries, tag lists) through the text helpers of the UI.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "GitHub", "Example Bank", "  ", "ß", "\xff\xfe", "日本語 テスト", "a,b,,c", "https://x.y/z",
		"WIFI:S:x;;", "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP", "\x00\x00", "-_-", "Ǆemo"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := vault.Account{Issuer: s, Name: s, Tags: splitTags(s)}
		in := initials(a)
		if in == "" || utf8.RuneCountInString(in) > 2 {
			t.Fatalf("initials(%q) = %q", s, in)
		}
		_ = avatarColor(a)
		if d := describePayload(s); utf8.RuneCountInString(d) > 80 {
			t.Fatalf("describePayload(%q) is %d runes long", s, utf8.RuneCountInString(d))
		}
		for _, tag := range a.Tags {
			if tag == "" || strings.Contains(tag, ",") || strings.TrimSpace(tag) != tag {
				t.Fatalf("splitTags(%q) gave %q", s, a.Tags)
			}
		}
		if !matches(a, strings.Fields(strings.ToLower(s))) && strings.ToLower(s) == s && utf8.ValidString(s) {
			t.Fatalf("account named %q does not match its own name", s)
		}
	})
}
