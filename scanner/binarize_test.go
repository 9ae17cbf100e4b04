package scanner

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestHybridBinarizeMatchesGozxing checks our fast binarizer against
// gozxing's on random and structured images of awkward sizes (not
// multiples of the block size, just over the minimum).
func TestHybridBinarizeMatchesGozxing(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][2]int{{40, 40}, {41, 57}, {64, 64}, {100, 37 + 8}, {333, 211}, {1025, 77}, {30, 30}} {
		for kind := 0; kind < 3; kind++ {
			g := &grey{pix: make([]byte, sz[0]*sz[1]), w: sz[0], h: sz[1]}
			for i := range g.pix {
				switch kind {
				case 0: // noise
					g.pix[i] = byte(rng.UintN(256))
				case 1: // flat areas with a few edges: exercises the neighbour rule
					x, y := i%g.w, i/g.w
					g.pix[i] = 200
					if (x/13+y/9)%4 == 0 {
						g.pix[i] = 40
					}
				case 2: // low contrast
					g.pix[i] = byte(120 + rng.IntN(20))
				}
			}
			got, gotInv, err := hybridBinarize(g)
			for _, c := range []struct {
				name string
				src  *grey
				got  *gozxing.BitMatrix
			}{{"normal", g, got}, {"inverted", g.inverted(), gotInv}} {
				want, werr := gozxing.NewHybridBinarizer(newGreySource(c.src)).GetBlackMatrix()
				if (err != nil) != (werr != nil) {
					t.Fatalf("%dx%d kind %d %s: error %v, gozxing says %v", g.w, g.h, kind, c.name, err, werr)
				}
				if err != nil {
					continue
				}
				for y := 0; y < g.h; y++ {
					for x := 0; x < g.w; x++ {
						if c.got.Get(x, y) != want.Get(x, y) {
							t.Fatalf("%dx%d kind %d %s: pixel (%d,%d) = %v, gozxing says %v", g.w, g.h, kind, c.name, x, y, c.got.Get(x, y), want.Get(x, y))
						}
					}
				}
			}
		}
	}
}

// TestGlobalBinarizeMatchesGozxing checks globalBinarize against gozxing's
// GlobalHistogramBinarizer, for the image and (from the same grey) its
// inverse, on random and structured images of awkward widths, and on a
// photo of the corpus.
func TestGlobalBinarizeMatchesGozxing(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var imgs []*grey
	for _, sz := range [][2]int{{21, 21}, {31, 40}, {32, 32}, {33, 50}, {100, 45}, {333, 211}, {1025, 77}} {
		for kind := 0; kind < 4; kind++ {
			g := &grey{pix: make([]byte, sz[0]*sz[1]), w: sz[0], h: sz[1]}
			for i := range g.pix {
				x, y := i%g.w, i/g.w
				switch kind {
				case 0: // noise
					g.pix[i] = byte(rng.UintN(256))
				case 1: // two levels
					g.pix[i] = 200
					if (x/5+y/3)%3 == 0 {
						g.pix[i] = 40
					}
				case 2: // low contrast: no black point
					g.pix[i] = byte(120 + rng.IntN(20))
				case 3: // a gradient with dark marks
					g.pix[i] = byte(x * 255 / g.w)
					if (x+y)%7 == 0 {
						g.pix[i] = byte(rng.IntN(60))
					}
				}
			}
			imgs = append(imgs, g)
		}
	}
	b, _ := readPhoto(t, "photo-019-otpauth.jpg")
	photo, err := decodeGreyBytes(b, MaxPixels)
	if err != nil {
		t.Fatal(err)
	}
	imgs = append(imgs, photo)
	for _, g := range imgs {
		for _, invert := range []bool{false, true} {
			src := g
			if invert {
				src = g.inverted()
			}
			got, err := globalBinarize(g, invert)
			want, werr := gozxing.NewGlobalHistgramBinarizer(newGreySource(src)).GetBlackMatrix()
			if (err != nil) != (werr != nil) {
				t.Fatalf("%dx%d invert %v: error %v, gozxing says %v", g.w, g.h, invert, err, werr)
			}
			if err != nil {
				continue
			}
			for y := 0; y < g.h; y++ {
				for x := 0; x < g.w; x++ {
					if got.Get(x, y) != want.Get(x, y) {
						t.Fatalf("%dx%d invert %v: pixel (%d,%d) = %v, gozxing says %v", g.w, g.h, invert, x, y, got.Get(x, y), want.Get(x, y))
					}
				}
			}
		}
	}
}
