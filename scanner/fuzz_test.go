package scanner

import (
	"bytes"
	"errors"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// fuzzMaxPixels keeps fuzzed images small so each run is quick; the
// header check is the same code as with MaxPixels.
const fuzzMaxPixels = 1 << 18

// addSeeds adds small images in every format: the fuzzer minimizes each
// new interesting input, which is slow for big ones.
func addSeeds(f *testing.F) {
	f.Helper()
	qr, err := qrcode.Encode("otpauth://totp/F:z?secret=JBSWY3DPEHPK3PXP", qrcode.Low, 64)
	if err != nil {
		f.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(qr))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(qr)
	for _, enc := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return jpeg.Encode(b, img, nil) },
		func(b *bytes.Buffer) error { return gif.Encode(b, img, nil) },
		func(b *bytes.Buffer) error { return bmp.Encode(b, img) },
		func(b *bytes.Buffer) error { return tiff.Encode(b, img, nil) },
		func(b *bytes.Buffer) error { return png.Encode(b, toNRGBA(img)) },
	} {
		var b bytes.Buffer
		if err := enc(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	for _, name := range []string{"lossless.webp", "lossy.webp", "gray16.png", "palette.png", "rle8.bmp", "rle4.bmp", "rle8-topdown.bmp"} {
		b, err := os.ReadFile(filepath.Join("testdata", "formats", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add(pngBomb(60000, 60000, 0))
	f.Add(pngBomb(30, 30, 0))
	f.Add(pngBomb(30, 30, 1))
}

func toNRGBA(img image.Image) *image.NRGBA {
	b := img.Bounds()
	out := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	out.Pix[3] = 0x80 // some transparency
	return out
}

// FuzzBytes feeds malformed images to the image entry point: no panic, a
// sentinel error for everything that is not a readable code, and no
// allocation beyond the pixel limit.
//
//	go test -run=^$ -fuzz=FuzzBytes -fuzztime=60s ./scanner/
func FuzzBytes(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := decodeGreyBytes(b, fuzzMaxPixels)
		if err != nil {
			if !errors.Is(err, ErrUnsupportedImage) && !errors.Is(err, ErrImageTooLarge) {
				t.Fatalf("error %v is neither ErrUnsupportedImage nor ErrImageTooLarge", err)
			}
			return
		}
		if g.w*g.h > fuzzMaxPixels || len(g.pix) != g.w*g.h {
			t.Fatalf("decoded %dx%d with %d bytes", g.w, g.h, len(g.pix))
		}
		// The QR search itself runs on small images only, to keep the
		// fuzzer fast on what it is for: malformed files.
		if g.w*g.h <= 1<<14 {
			_ = decodeGrey(g, nil)
		}
	})
}

// FuzzPNGGrey compares the PNG fast path with image/png on malformed PNGs.
//
//	go test -run=^$ -fuzz=FuzzPNGGrey -fuzztime=60s ./scanner/
func FuzzPNGGrey(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		comparePNGPaths(t, "fuzz", b)
	})
}
