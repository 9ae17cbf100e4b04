package scanner

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// formatsPayload is the code in every testdata/formats image: one crop of
// the corpus's s1-1080-light.png, converted by ImageMagick to each format
// and variant (see the commands in testdata/formats/README).
const formatsPayload = "otpauth://totp/Dropbox:user5527@example.com?issuer=Dropbox&secret=G4BCPU5ZR3D6G6JN"

func TestFormats(t *testing.T) {
	tests := []struct {
		file string
		want error // nil: formatsPayload is read
	}{
		{"rgb8.png", nil},
		{"rgb16.png", nil},
		{"rgba-transparent.png", nil},
		{"palette.png", nil},
		{"gray8.png", nil},
		{"gray16.png", nil},
		{"interlaced.png", nil},
		{"photo.jpg", nil},
		{"gray.jpg", nil},
		{"progressive.jpg", nil},
		{"gif.gif", nil},
		{"rgb24.bmp", nil},
		{"palette8.bmp", nil},
		{"palette4.bmp", nil},
		{"rgb24-topdown.bmp", nil},
		{"rle8.bmp", nil},
		{"rle8-topdown.bmp", nil},
		{"rle4.bmp", nil},
		{"lossless.webp", nil},
		{"lossy.webp", nil},
		{"tiff-lzw.tif", nil},
		{"tiff-gray.tif", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := File(filepath.Join("testdata", "formats", tt.file))
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("File = %q, %v; want %v", got, err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("File: %v", err)
			}
			if !slices.Equal(got, []string{formatsPayload}) {
				t.Fatalf("File = %q, want %q", got, formatsPayload)
			}
		})
	}
}

// TestBMPVariants: compressed and top-down BMP files decode to the very
// pixels of their uncompressed bottom-up twins (ImageMagick agrees: see
// testdata/formats/README).
func TestBMPVariants(t *testing.T) {
	for _, pair := range [][2]string{
		{"rle4.bmp", "palette4.bmp"},
		{"rle8-topdown.bmp", "rle8.bmp"},
		{"rgb24-topdown.bmp", "rgb24.bmp"},
	} {
		var g [2]*grey
		for i, name := range pair {
			b, err := os.ReadFile(filepath.Join("testdata", "formats", name))
			if err != nil {
				t.Fatal(err)
			}
			if g[i], err = decodeGreyBytes(b, MaxPixels); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if g[0].w != g[1].w || g[0].h != g[1].h || !slices.Equal(g[0].pix, g[1].pix) {
			t.Errorf("%s and %s decode to different pixels", pair[0], pair[1])
		}
	}
}

// TestPNGFastPathMatchesStdlib: the PNG fast path gives the same grey
// image as image/png followed by toGrey, on every PNG we have.
func TestPNGFastPathMatchesStdlib(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "formats", "*.png"))
	if len(files) < 6 {
		t.Fatalf("only %d PNG files found", len(files))
	}
	// Screenshots: RGB and grey, with every filter type ImageMagick picks.
	for _, f := range []string{"s1-1080-light.png", "inverted-1440-s15.png", "rot3-1080.png"} {
		files = append(files, filepath.Join("testdata", "corpus", f))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		comparePNGPaths(t, f, b)
	}
}

// comparePNGPaths fails when pngGrey and image/png disagree on b by more
// than rounding.
func comparePNGPaths(t *testing.T, name string, b []byte) {
	t.Helper()
	fast, ferr := pngGrey(b, 1<<22)
	if errors.Is(ferr, errPNGFallback) {
		return
	}
	img, serr := decodeImage(b, 1<<22)
	if ferr != nil {
		// The fast path may refuse what image/png accepts only when it
		// checks more (chunk CRCs are checked by both; the Adler-32
		// trailer by neither of us).
		if serr == nil && !errors.Is(ferr, ErrImageTooLarge) {
			t.Errorf("%s: fast path: %v; image/png decodes it", name, ferr)
		}
		return
	}
	if serr != nil {
		// image/png checks the zlib trailer and trailing data; we do not.
		return
	}
	slow := toGrey(img)
	if fast.w != slow.w || fast.h != slow.h {
		t.Fatalf("%s: fast %dx%d, image/png %dx%d", name, fast.w, fast.h, slow.w, slow.h)
	}
	for i := range fast.pix {
		if d := int(fast.pix[i]) - int(slow.pix[i]); d > 2 || d < -2 {
			t.Fatalf("%s: pixel %d: fast %d, image/png %d", name, i, fast.pix[i], slow.pix[i])
		}
	}
}
