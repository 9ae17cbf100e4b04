package scanner

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// greyCases is one screenshot converted to every pixel type toGrey has a
// fast path for, plus one (CMYK) that takes the generic path. Alpha varies
// across each row so that the transparent branches run too.
func greyCases(tb testing.TB) []struct {
	name string
	img  image.Image
} {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "corpus", "s1-1080-light.png"))
	if err != nil {
		tb.Fatal(err)
	}
	src, err := decodeImage(data, MaxPixels)
	if err != nil {
		tb.Fatal(err)
	}
	b := src.Bounds()
	// Translucent: the screenshot with alpha x%256, as straight colour.
	translucent := image.NewNRGBA(b)
	draw.Draw(translucent, b, src, b.Min, draw.Src)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			translucent.Pix[translucent.PixOffset(x, y)+3] = uint8(x)
		}
	}
	into := func(dst draw.Image, from image.Image) image.Image {
		draw.Draw(dst, b, from, b.Min, draw.Src)
		return dst
	}
	ycc := image.NewYCbCr(b, image.YCbCrSubsampleRatio420)
	grey := into(image.NewGray(b), src).(*image.Gray)
	// Same rectangle and stride: the Y plane is the grey image, and
	// neutral chroma keeps it grey.
	copy(ycc.Y, grey.Pix)
	neutral(ycc)
	nycca := image.NewNYCbCrA(b, image.YCbCrSubsampleRatio420)
	copy(nycca.Y, grey.Pix)
	neutral(&nycca.YCbCr)
	for i := range nycca.A {
		nycca.A[i] = translucent.Pix[4*i+3]
	}
	palette := color.Palette{color.White, color.Black, color.Gray{0x80}, color.Transparent}
	return []struct {
		name string
		img  image.Image
	}{
		{"Gray", grey},
		{"YCbCr", ycc},
		{"NYCbCrA", nycca},
		{"RGBA", into(image.NewRGBA(b), translucent)},
		{"NRGBA", translucent},
		{"Paletted", into(image.NewPaletted(b, palette), translucent)},
		{"Gray16", into(image.NewGray16(b), src)},
		{"NRGBA64", into(image.NewNRGBA64(b), translucent)},
		{"RGBA64", into(image.NewRGBA64(b), translucent)},
		{"CMYK", into(image.NewCMYK(b), src)},
	}
}

// neutral sets m's chroma planes to 128: no colour.
func neutral(m *image.YCbCr) {
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = 128, 128
	}
}

// TestToGreyFastPaths: each pixel type's fast path gives what the generic
// path (color.Color per pixel, over white) gives, but for rounding.
func TestToGreyFastPaths(t *testing.T) {
	for _, c := range greyCases(t) {
		t.Run(c.name, func(t *testing.T) {
			g := toGrey(c.img)
			b := c.img.Bounds()
			if g.w != b.Dx() || g.h != b.Dy() {
				t.Fatalf("toGrey is %dx%d, want %dx%d", g.w, g.h, b.Dx(), b.Dy())
			}
			for y := range g.h {
				for x := range g.w {
					want := colorLum(c.img.At(b.Min.X+x, b.Min.Y+y))
					if d := int(g.pix[y*g.w+x]) - int(want); d > 2 || d < -2 {
						t.Fatalf("pixel (%d,%d): toGrey %d, generic %d", x, y, g.pix[y*g.w+x], want)
					}
				}
			}
		})
	}
}

// TestToGreySubImage: a sub-image (whose pixel slice starts before and
// runs past its bounds) converts to the same pixels as the matching part
// of the whole image.
func TestToGreySubImage(t *testing.T) {
	r := image.Rect(101, 37, 331, 290)
	for _, c := range greyCases(t) {
		t.Run(c.name, func(t *testing.T) {
			sub, ok := c.img.(interface {
				SubImage(image.Rectangle) image.Image
			})
			if !ok {
				t.Fatalf("%T has no SubImage", c.img)
			}
			whole, part := toGrey(c.img), toGrey(sub.SubImage(r))
			if part.w != r.Dx() || part.h != r.Dy() {
				t.Fatalf("sub-image is %dx%d, want %dx%d", part.w, part.h, r.Dx(), r.Dy())
			}
			for y := range part.h {
				for x := range part.w {
					if got, want := part.pix[y*part.w+x], whole.pix[(r.Min.Y+y)*whole.w+r.Min.X+x]; got != want {
						t.Fatalf("pixel (%d,%d): %d, whole image has %d", x, y, got, want)
					}
				}
			}
		})
	}
}

// TestSharedGrey: a decoded JPEG whose luma plane has no padding (640
// wide: a whole number of 16-pixel blocks) becomes the grey without a copy,
// one with padding (650 wide) is copied; both give toGrey's pixels, and a
// variant made for a later attempt (inverted) leaves the image alone.
func TestSharedGrey(t *testing.T) {
	for _, c := range []struct {
		w      int
		shared bool
	}{{640, true}, {650, false}} {
		src := image.NewRGBA(image.Rect(0, 0, c.w, 480))
		for y := range 480 {
			for x := range c.w {
				src.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		g, img, err := decodeGreyImage(buf.Bytes(), MaxPixels)
		if err != nil {
			t.Fatal(err)
		}
		y := img.(*image.YCbCr)
		if shared := &g.pix[0] == &y.Y[0]; shared != c.shared {
			t.Errorf("%d wide: grey shares the Y plane: %v, want %v", c.w, shared, c.shared)
		}
		want := toGrey(img)
		if g.w != want.w || g.h != want.h || !bytes.Equal(g.pix, want.pix) {
			t.Fatalf("%d wide: grey differs from toGrey's", c.w)
		}
		before := bytes.Clone(y.Y)
		g.inverted()
		if !bytes.Equal(y.Y, before) {
			t.Errorf("%d wide: inverting the grey changed the image", c.w)
		}
	}
}

// BenchmarkGrey is toGrey alone on a 1080p screenshot in each pixel type:
//
//	go test -run=^$ -bench=Grey -benchmem -count=5 ./scanner/
func BenchmarkGrey(b *testing.B) {
	for _, c := range greyCases(b) {
		b.Run(c.name, func(b *testing.B) {
			px := c.img.Bounds().Dx() * c.img.Bounds().Dy()
			b.SetBytes(int64(px))
			for b.Loop() {
				_ = toGrey(c.img)
			}
		})
	}
}
