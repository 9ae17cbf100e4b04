package jpegluma

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// compareWithImageJPEG decodes b with image/jpeg and with Decode and
// returns what kind of image it was ("gray", "ycbcr", "fallback", "error"),
// failing t where Decode's luminance differs from image/jpeg's.
func compareWithImageJPEG(t *testing.T, name string, b []byte) string {
	t.Helper()
	want, werr := jpeg.Decode(bytes.NewReader(b))
	got, err := Decode(bytes.NewReader(b))
	if werr != nil {
		if err == nil {
			t.Errorf("%s: decoded, but image/jpeg says %v", name, werr)
		}
		return "error"
	}
	switch w := want.(type) {
	case *image.Gray:
		g, ok := got.(*image.Gray)
		if err != nil || !ok {
			t.Fatalf("%s: got %T, %v; image/jpeg gives a grey image", name, got, err)
		}
		if g.Rect != w.Rect || g.Stride != w.Stride || !bytes.Equal(g.Pix, w.Pix) {
			t.Fatalf("%s: grey pixels differ from image/jpeg's", name)
		}
		return "gray"
	case *image.YCbCr:
		g, ok := got.(*image.YCbCr)
		if err != nil || !ok {
			t.Fatalf("%s: got %T, %v; image/jpeg gives a YCbCr image", name, got, err)
		}
		if g.Rect != w.Rect || g.YStride != w.YStride {
			t.Fatalf("%s: bounds %v stride %d, image/jpeg %v stride %d", name, g.Rect, g.YStride, w.Rect, w.YStride)
		}
		for y := w.Rect.Min.Y; y < w.Rect.Max.Y; y++ {
			o := w.YOffset(w.Rect.Min.X, y)
			n := w.Rect.Dx()
			if !bytes.Equal(g.Y[o:o+n], w.Y[o:o+n]) {
				t.Fatalf("%s: luminance of row %d differs from image/jpeg's", name, y)
			}
		}
		return "ycbcr"
	default:
		if !errors.Is(err, ErrFallback) {
			t.Fatalf("%s: image/jpeg gives %T; got %T, %v, want ErrFallback", name, want, got, err)
		}
		return "fallback"
	}
}

func testFiles(t testing.TB) []string {
	var files []string
	for _, pat := range []string{"testdata/*.jpg", "../../testdata/formats/*.jpg", "../../testdata/corpus/*.jpg"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	return files
}

// TestLumaMatchesImageJPEG: on baseline and progressive JPEGs with every
// common subsampling, grey ones, an RGB and a CMYK one, and the scanner's
// corpus, Decode's luminance is exactly image/jpeg's, and the images it
// does not handle say ErrFallback.
func TestLumaMatchesImageJPEG(t *testing.T) {
	kinds := map[string]int{}
	for _, f := range testFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		kinds[compareWithImageJPEG(t, f, b)]++
		// Truncated: both must fail or both succeed, never a panic.
		compareWithImageJPEG(t, f+" (truncated)", b[:len(b)*2/3])
	}
	for _, k := range []string{"gray", "ycbcr", "fallback"} {
		if kinds[k] == 0 {
			t.Errorf("no %s JPEG among the test files (%v)", k, kinds)
		}
	}
}

// FuzzDecode: on any input, Decode agrees with image/jpeg (same luminance,
// or both fail, or ErrFallback where image/jpeg gives RGB or CMYK).
func FuzzDecode(f *testing.F) {
	for _, file := range testFiles(f) {
		if b, err := os.ReadFile(file); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(b)); err != nil || cfg.Width*cfg.Height > 1<<20 {
			return // image/jpeg would spend the time allocating
		}
		compareWithImageJPEG(t, "input", b)
	})
}
