//go:build linux || freebsd || openbsd || netbsd

package capture

import (
	"errors"
	"image"
	"image/color"
	"strings"
	"testing"
)

// Formats as X servers announce them.
var (
	bgrx     = zpixmap{depth: 24, bpp: 32, pad: 32, red: 0xff0000, green: 0xff00, blue: 0xff}
	xrgb     = zpixmap{depth: 24, bpp: 32, pad: 32, msbFirst: true, red: 0xff0000, green: 0xff00, blue: 0xff}
	argb     = zpixmap{depth: 32, bpp: 32, pad: 32, red: 0xff0000, green: 0xff00, blue: 0xff}
	rgbx     = zpixmap{depth: 24, bpp: 32, pad: 32, red: 0xff, green: 0xff00, blue: 0xff0000}
	bgr24    = zpixmap{depth: 24, bpp: 24, pad: 32, red: 0xff0000, green: 0xff00, blue: 0xff}
	rgb24msb = zpixmap{depth: 24, bpp: 24, pad: 32, msbFirst: true, red: 0xff0000, green: 0xff00, blue: 0xff}
)

// TestZPixmapConvert feeds hand-made GetImage replies of 3×2 pixels (red,
// green, blue / white, black, grey 0x12,0x34,0x56) in each layout.
func TestZPixmapConvert(t *testing.T) {
	want := []color.RGBA{
		{0xff, 0, 0, 0xff}, {0, 0xff, 0, 0xff}, {0, 0, 0xff, 0xff},
		{0xff, 0xff, 0xff, 0xff}, {0, 0, 0, 0xff}, {0x12, 0x34, 0x56, 0xff},
	}
	tests := []struct {
		name string
		f    zpixmap
		data []byte
	}{
		{"BGRX little-endian (the common case)", bgrx, []byte{
			0, 0, 0xff, 0x99, 0, 0xff, 0, 0x99, 0xff, 0, 0, 0x99,
			0xff, 0xff, 0xff, 0x99, 0, 0, 0, 0x99, 0x56, 0x34, 0x12, 0x99}},
		{"XRGB big-endian", xrgb, []byte{
			0x99, 0xff, 0, 0, 0x99, 0, 0xff, 0, 0x99, 0, 0, 0xff,
			0x99, 0xff, 0xff, 0xff, 0x99, 0, 0, 0, 0x99, 0x12, 0x34, 0x56}},
		{"ARGB depth 32 ignores alpha", argb, []byte{
			0, 0, 0xff, 0, 0, 0xff, 0, 0x10, 0xff, 0, 0, 0x80,
			0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0x56, 0x34, 0x12, 0x7f}},
		{"RGBX masks", rgbx, []byte{
			0xff, 0, 0, 0, 0, 0xff, 0, 0, 0, 0, 0xff, 0,
			0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0}},
		{"24 bits per pixel, rows padded to 32 bits", bgr24, []byte{
			0, 0, 0xff, 0, 0xff, 0, 0xff, 0, 0, 0xee, 0xee, 0xee,
			0xff, 0xff, 0xff, 0, 0, 0, 0x56, 0x34, 0x12, 0xee, 0xee, 0xee}},
		{"24 bits per pixel big-endian", rgb24msb, []byte{
			0xff, 0, 0, 0, 0xff, 0, 0, 0, 0xff, 0xee, 0xee, 0xee,
			0xff, 0xff, 0xff, 0, 0, 0, 0x12, 0x34, 0x56, 0xee, 0xee, 0xee}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.f.check(); err != nil {
				t.Fatalf("check: %v", err)
			}
			img := image.NewRGBA(image.Rect(0, 0, 3, 3))
			if err := tt.f.convert(img, 1, tt.data, 3, 2); err != nil {
				t.Fatalf("convert: %v", err)
			}
			for i, w := range want {
				if got := img.RGBAAt(i%3, 1+i/3); got != w {
					t.Errorf("pixel (%d,%d) = %v, want %v", i%3, i/3, got, w)
				}
			}
			if got := img.RGBAAt(0, 0); got != (color.RGBA{}) {
				t.Errorf("row 0, above the band, was written: %v", got)
			}
		})
	}
}

// TestZPixmapRefused: layouts we cannot read, and replies that do not fit,
// are errors that say what was wrong.
func TestZPixmapRefused(t *testing.T) {
	tests := []struct {
		name string
		f    zpixmap
		want string
	}{
		{"depth 16", zpixmap{depth: 16, bpp: 16, pad: 32, red: 0xf800, green: 0x7e0, blue: 0x1f}, "depth 16 at 16 bits per pixel"},
		{"depth 8", zpixmap{depth: 8, bpp: 8, pad: 32}, "depth 8"},
		{"depth 30", zpixmap{depth: 30, bpp: 32, pad: 32, red: 0x3ff00000, green: 0xffc00, blue: 0x3ff}, "depth 30"},
		{"depth 24 at 16 bpp", zpixmap{depth: 24, bpp: 16, pad: 32, red: 0xff0000, green: 0xff00, blue: 0xff}, "only 24 or 32 bits per pixel"},
		{"odd padding", zpixmap{depth: 24, bpp: 32, pad: 12, red: 0xff0000, green: 0xff00, blue: 0xff}, "scanline padding of 12"},
		{"6-bit channels", zpixmap{depth: 24, bpp: 32, pad: 32, red: 0x3f0000, green: 0xff00, blue: 0xff}, "8 bits per channel"},
		{"two channels on one byte", zpixmap{depth: 24, bpp: 32, pad: 32, red: 0xff0000, green: 0xff0000, blue: 0xff}, "overlap"},
		{"masks beyond 24 bits", zpixmap{depth: 24, bpp: 24, pad: 32, red: 0xff000000, green: 0xff0000, blue: 0xff00}, "do not fit 24 bits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.f.check()
			if !errors.Is(err, errPixelFormat) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("check = %v, want errPixelFormat mentioning %q", err, tt.want)
			}
		})
	}

	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	fits := []struct {
		name       string
		data       []byte
		y, w, h    int
		wantErrSub string
	}{
		{"negative width", make([]byte, 16), 0, -4, 1, "do not fit"},
		{"short reply", make([]byte, 4*4*2-1), 0, 4, 2, "short reply"},
		{"empty reply", nil, 0, 4, 1, "short reply"},
		{"rows past the image", make([]byte, 4*4*2), 3, 4, 2, "do not fit"},
		{"wider than the image", make([]byte, 5*4), 0, 5, 1, "do not fit"},
		{"negative row", make([]byte, 4*4), -1, 4, 1, "do not fit"},
	}
	for _, tt := range fits {
		t.Run(tt.name, func(t *testing.T) {
			err := bgrx.convert(img, tt.y, tt.data, tt.w, tt.h)
			if err == nil || !strings.Contains(err.Error(), tt.wantErrSub) {
				t.Fatalf("convert = %v, want an error mentioning %q", err, tt.wantErrSub)
			}
		})
	}
}

// FuzzZPixmapConvert: whatever a server sends, convert errors or fills
// the image; it never panics.
func FuzzZPixmapConvert(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, 2, 1, 0, uint8(0))
	f.Add(make([]byte, 12), 3, 1, 0, uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, w, h, y int, which uint8) {
		formats := []zpixmap{bgrx, xrgb, argb, rgbx, bgr24, rgb24msb}
		fm := formats[int(which)%len(formats)]
		if w > 64 || h > 64 {
			return
		}
		img := image.NewRGBA(image.Rect(0, 0, 16, 16))
		if err := fm.convert(img, y, data, w, h); err == nil && (w < 0 || h < 0 || w > 16 || y < 0 || y+h > 16) {
			t.Fatalf("convert accepted %d×%d at row %d into 16×16", w, h, y)
		}
	})
}

// BenchmarkZPixmapConvert converts one 1920×1080 BGRX reply, the common
// case, without an X server.
func BenchmarkZPixmapConvert(b *testing.B) {
	const w, h = 1920, 1080
	data := make([]byte, w*h*4)
	for i := range data {
		data[i] = byte(i * 7)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := bgrx.convert(img, 0, data, w, h); err != nil {
			b.Fatal(err)
		}
	}
}
