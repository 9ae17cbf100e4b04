package vault

import "testing"

func TestParseType(t *testing.T) {
	tests := []struct {
		in   string
		want Type
		ok   bool
	}{
		{"totp", TOTP, true},
		{"TOTP", TOTP, true},
		{"Hotp", HOTP, true},
		{"steam", Steam, true},
		{"STEAM", Steam, true},
		{"", "", false},
		{" totp", "", false},
		{"motp", "", false},
		{"totp\x00", "", false},
	}
	for _, tt := range tests {
		if got, ok := ParseType(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseType(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseAlgorithm(t *testing.T) {
	tests := []struct {
		in   string
		want Algorithm
		ok   bool
	}{
		{"SHA1", SHA1, true},
		{"sha1", SHA1, true},
		{"sha-256", SHA256, true},
		{"Sha512", SHA512, true},
		{"SHA-512", SHA512, true},
		{"", "", false},
		{"-", "", false},
		{"MD5", "", false},
		{"SHA384", "", false},
		{" SHA1", "", false},
	}
	for _, tt := range tests {
		if got, ok := ParseAlgorithm(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseAlgorithm(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
