package otpauth

import (
	"bytes"
	"fmt"
	"net/url"
	"testing"

	"authdesk/vault/account"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"GitHub", "GitHub"},
		{"a-b.c_d~e", "a-b.c_d~e"},
		{"ACME Co", "ACME%20Co"},
		{"alice@example.com", "alice%40example.com"},
		{"a:b&c+d?e=f#g/h%i", "a%3Ab%26c%2Bd%3Fe%3Df%23g%2Fh%25i"},
		{"Ünï €", "%C3%9Cn%C3%AF%20%E2%82%AC"},
		{"\x00\x1b\xff", "%00%1B%FF"},
	}
	for _, tt := range tests {
		if got := Escape(tt.in); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Every byte survives both kinds of unescaping: in a path (the label)
	// and in a query (the issuer parameter).
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	e := Escape(string(all))
	for _, unescape := range []func(string) (string, error){url.PathUnescape, url.QueryUnescape} {
		if back, err := unescape(e); err != nil || back != string(all) {
			t.Errorf("Escape of every byte does not read back: %v", err)
		}
	}
	if bytes.ContainsAny([]byte(e), " +:&?=#/@") {
		t.Errorf("Escape left a reserved character in %q", e)
	}
}

func TestFormatKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"ABC", "ABC"},
		{"ABCD", "ABCD"},
		{"ABCDEF", "ABCD EF"},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567"},
	}
	for _, tt := range tests {
		if got := FormatKey(tt.in); got != tt.want {
			t.Errorf("FormatKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// What FormatKey writes, DecodeSecret and Parse read back.
	for n := 1; n <= 40; n++ {
		secret := bytes.Repeat([]byte{0xa5, 0x3c, 0x01}, n)[:n]
		grouped := FormatKey(account.EncodeSecret(secret))
		if got, err := account.DecodeSecret(grouped); err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("DecodeSecret(FormatKey(%x)) = %x, %v", secret, got, err)
		}
		a, err := Parse("otpauth://totp/x?secret=" + Escape(grouped))
		if err != nil || !bytes.Equal(a.Secret, secret) {
			t.Fatalf("Parse with the grouped key %q = %x, %v", grouped, a.Secret, err)
		}
	}
}

func ExampleFormatKey() {
	fmt.Println(FormatKey("JBSWY3DPEHPK3PXP"))
	// Output: JBSW Y3DP EHPK 3PXP
}

func ExampleEscape() {
	fmt.Println("otpauth://totp/" + Escape("ACME Co") + ":" + Escape("alice@example.com"))
	// Output: otpauth://totp/ACME%20Co:alice%40example.com
}
