package desktop

import (
	"authdesk/vault"
	"image"
	"image/color"
	"testing"
)

func TestDrawAvatar(t *testing.T) {
	fill := color.NRGBA{0x1E, 0x88, 0xE5, 0xff}
	for _, tc := range []struct {
		text      string
		px        int
		wantWhite bool
	}{
		{"GH", 42, true},
		{"W", 84, true},
		{"", 42, false},
	} {
		img := drawAvatar(tc.text, fill, tc.px).(*image.NRGBA)
		if b := img.Bounds(); b.Dx() != tc.px || b.Dy() != tc.px {
			t.Fatalf("%q: bounds %v, want %d px square", tc.text, b, tc.px)
		}
		if c := img.NRGBAAt(0, 0); c.A != 0 {
			t.Errorf("%q: corner %v, want transparent", tc.text, c)
		}
		if c := img.NRGBAAt(tc.px/2, 3); c != fill {
			t.Errorf("%q: top of the disc %v, want %v", tc.text, c, fill)
		}
		white := 0
		for y := range tc.px {
			for x := range tc.px {
				if c := img.NRGBAAt(x, y); c.R > 0xf0 && c.G > 0xf0 && c.B > 0xf0 && c.A == 0xff {
					white++
				}
			}
		}
		if got := white > 0; got != tc.wantWhite {
			t.Errorf("%q: %d white pixels, want text drawn = %v", tc.text, white, tc.wantWhite)
		}
	}
	cache := avatarCache{}
	a, b := cache.get("GH", fill, 42), cache.get("GH", fill, 42)
	if a != b || len(cache) != 1 {
		t.Errorf("avatar not cached: %d entries", len(cache))
	}
}

func TestInitials(t *testing.T) {
	for _, tc := range []struct {
		issuer, name, want string
	}{
		{"GitHub", "alice@example.com", "G"},
		{"Example Bank", "4242", "EB"},
		{"Service 001", "bob", "S"},   // digits never show
		{"1Password", "bob", "P"},     // the first letter of a word
		{"Web3 Auth Co", "bob", "WA"}, // two at most
		{"3 2 1", "carol smith", "CS"},
		{"", "alice_gamer", "AG"},
		{"", "4242", "?"},
		{"", "", "?"},
		{"  --  ", "", "?"},
		{"élan vital", "", "ÉV"},
		{"Яндекс", "", "Я"},
		{"株式会社", "", "株"},
	} {
		if got := initials(vault.Account{Issuer: tc.issuer, Name: tc.name}); got != tc.want {
			t.Errorf("initials(%q, %q) = %q, want %q", tc.issuer, tc.name, got, tc.want)
		}
	}
}
