package scanner

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// TestLaneHelpers checks the SWAR helpers against byte-by-byte arithmetic
// for every pair of byte values, in every lane, next to random lanes (a
// borrow or carry leaking between lanes shows as a wrong neighbour).
func TestLaneHelpers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for x := range 256 {
		for y := range 256 {
			lane := rng.IntN(8)
			a, b := rng.Uint64(), rng.Uint64()
			a = a&^(0xff<<(8*lane)) | uint64(x)<<(8*lane)
			b = b&^(0xff<<(8*lane)) | uint64(y)<<(8*lane)
			ge := geLanes(a, b)
			lo, hi := minMaxLanes(a, b)
			for l := range 8 {
				ab, bb := byte(a>>(8*l)), byte(b>>(8*l))
				if got, want := ge>>(8*l)&0xff, uint64(b2u(ab >= bb))<<7; got != want {
					t.Fatalf("geLanes(%#x, %#x) lane %d = %#x, want %#x", a, b, l, got, want)
				}
				if got, want := byte(lo>>(8*l)), min(ab, bb); got != want {
					t.Fatalf("minMaxLanes(%#x, %#x) lane %d min = %d, want %d", a, b, l, got, want)
				}
				if got, want := byte(hi>>(8*l)), max(ab, bb); got != want {
					t.Fatalf("minMaxLanes(%#x, %#x) lane %d max = %d, want %d", a, b, l, got, want)
				}
			}
			if got, want := packLanes(ge), func() uint32 {
				var m uint32
				for l := range 8 {
					m |= b2u(byte(a>>(8*l)) >= byte(b>>(8*l))) << l
				}
				return m
			}(); got != want {
				t.Fatalf("packLanes(geLanes(%#x, %#x)) = %08b, want %08b", a, b, got, want)
			}
		}
	}
}

// TestBlockStats: the SWAR block statistics equal the plain loop's, on
// random blocks and on blocks of one or two values.
func TestBlockStats(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const stride = 13
	pix := make([]byte, 8*stride)
	for i := range 20000 {
		switch i % 3 {
		case 0:
			for j := range pix {
				pix[j] = byte(rng.UintN(256))
			}
		case 1:
			v := byte(rng.UintN(256))
			for j := range pix {
				pix[j] = v
			}
		case 2:
			v, w := byte(rng.UintN(256)), byte(rng.UintN(256))
			for j := range pix {
				pix[j] = v
				if rng.IntN(5) == 0 {
					pix[j] = w
				}
			}
		}
		var sum int32
		lo, hi := uint8(255), uint8(0)
		for y := range 8 {
			for _, p := range pix[y*stride : y*stride+8] {
				sum += int32(p)
				lo, hi = min(lo, p), max(hi, p)
			}
		}
		gs, gl, gh := blockStats(pix, stride)
		if gs != sum || gl != lo || gh != hi {
			t.Fatalf("blockStats = %d, %d, %d; want %d, %d, %d (block %v)", gs, gl, gh, sum, lo, hi, pix)
		}
	}
}

// unfilterReference is the PNG specification's unfiltering, byte by byte.
func unfilterReference(ft byte, cdat, pdat []byte, bpp int) {
	for i := range cdat {
		var a, b, c int
		if i >= bpp {
			a, c = int(cdat[i-bpp]), int(pdat[i-bpp])
		}
		b = int(pdat[i])
		var pred int
		switch ft {
		case 1:
			pred = a
		case 2:
			pred = b
		case 3:
			pred = (a + b) / 2
		case 4:
			p := a + b - c
			pa, pb, pc := abs(p-a), abs(p-b), abs(p-c)
			switch {
			case pa <= pb && pa <= pc:
				pred = a
			case pb <= pc:
				pred = b
			default:
				pred = c
			}
		}
		cdat[i] += byte(pred)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestUnfilterMatchesReference: every filter type, every pixel size, row
// lengths that are and are not multiples of eight.
func TestUnfilterMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, bpp := range []int{1, 2, 3, 4, 6, 8} {
		for _, n := range []int{1, 7, 8, 9, 63, 64, 65, 333} {
			n := n * bpp
			for ft := byte(0); ft <= 4; ft++ {
				for range 20 {
					cur, prev := make([]byte, n), make([]byte, n)
					for i := range cur {
						cur[i], prev[i] = byte(rng.UintN(256)), byte(rng.UintN(256))
					}
					want := slices.Clone(cur)
					unfilterReference(ft, want, prev, bpp)
					if err := unfilter(ft, cur, prev, bpp); err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(cur, want) {
						t.Fatalf("filter %d, bpp %d, %d bytes: got %v, want %v", ft, bpp, n, cur, want)
					}
				}
			}
		}
	}
}

// TestSearchStops: the search ends at the first phase that reads every
// code it saw. On a 4K grid of six codes, the half-size pass reads one
// and sees more, the full-size pass reads the other five; the patterns the
// inverted full-size pass cannot explain lie inside those five codes, so
// nothing after the full-size phase runs. A 1080p screenshot is read by the
// first phase alone.
func TestSearchStops(t *testing.T) {
	for _, c := range []struct {
		file  string
		codes int
		want  []attempt
	}{
		{"gaexport-grid-4k-s2.png", 6, []attempt{{level: 1}, {level: 1, invert: true}, {level: 0}, {level: 0, invert: true}}},
		{"s1-1080-light.png", 1, []attempt{{level: 0}, {level: 0, invert: true}}},
		{"inverted-1080-dark.png", 1, []attempt{{level: 0}, {level: 0, invert: true}}},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", "corpus", c.file))
		if err != nil {
			t.Fatal(err)
		}
		var (
			mu  sync.Mutex
			ran []attempt
		)
		g, err := decodeGreyBytes(b, MaxPixels)
		if err != nil {
			t.Fatal(err)
		}
		got := decodeGrey(g, func(a attempt, _ attemptResult) {
			mu.Lock()
			defer mu.Unlock()
			ran = append(ran, a)
		})
		if len(got) != c.codes {
			t.Fatalf("%s: %d payloads, want %d", c.file, len(got), c.codes)
		}
		key := func(a attempt) int { return a.level*4 + 2*int(b2u(a.invert)) + int(b2u(a.global)) }
		byKey := func(x, y attempt) int { return key(y) - key(x) }
		slices.SortFunc(ran, byKey)
		slices.SortFunc(c.want, byKey)
		if !slices.Equal(ran, c.want) {
			t.Errorf("%s: attempts %+v, want %+v", c.file, ran, c.want)
		}
	}
}
