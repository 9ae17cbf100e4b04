package desktop

import (
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
