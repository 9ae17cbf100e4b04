package scanner

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"authdesk/scanner/internal/manifest"
)

// photosDir is the photo corpus of internal/photocorpus.
var photosDir = filepath.Join("testdata", "photos")

// minPhotosRead is how many of the 160 photos the scanner read when the
// corpus was made (ZXingReader reads fewer: README, Scanner). A change
// that reads fewer is a regression; one that reads more raises this.
const minPhotosRead = 118

// TestPhotos reads every photo of the corpus and wants no wrong payload
// and at least minPhotosRead right ones; it logs the rate per category.
func TestPhotos(t *testing.T) {
	es := loadCorpus(t, photosDir)
	var (
		mu     sync.Mutex
		read   int
		perCat = map[string][2]int{}
	)
	t.Run("files", func(t *testing.T) {
		for _, e := range es {
			t.Run(e.File, func(t *testing.T) {
				t.Parallel()
				got, err := File(filepath.Join(photosDir, e.File))
				ok := err == nil && slices.Equal(got, e.Payloads)
				if err == nil && !ok {
					t.Errorf("wrong payload (categories %v):\n got %q\nwant %q", e.Categories, got, e.Payloads)
				}
				mu.Lock()
				defer mu.Unlock()
				if ok {
					read++
				}
				for _, c := range e.Categories {
					n := perCat[c]
					n[1]++
					if ok {
						n[0]++
					}
					perCat[c] = n
				}
			})
		}
	})
	logCategories(t, perCat)
	t.Logf("read %d of %d photos", read, len(es))
	if read < minPhotosRead {
		t.Errorf("read %d of %d photos, want at least %d", read, len(es), minPhotosRead)
	}
}

func logCategories(t *testing.T, perCat map[string][2]int) {
	cats := make([]string, 0, len(perCat))
	for c := range perCat {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	for _, c := range cats {
		t.Logf("%-12s %d/%d", c, perCat[c][0], perCat[c][1])
	}
}

// multiOnly is the scanner before the single-code path: every attempt of
// the plan, the multi-code finder's triples alone.
func multiOnly(g *grey) []string {
	pyr := &pyramid{}
	pyr.levels[0] = g
	var out []string
	for _, phase := range plan(g.w, g.h) {
		for _, a := range phase {
			m, err := pyr.matrix(a)
			if err != nil {
				continue
			}
			_, infos := findMulti(m)
			for _, info := range infos {
				if c, ok := decodeInfo(m, info, decodeHints); ok {
					out = append(out, c.text)
				}
			}
		}
	}
	return out
}

func readPhoto(t *testing.T, name string) ([]byte, manifest.Entry) {
	t.Helper()
	for _, e := range loadCorpus(t, photosDir) {
		if e.File == name {
			b, err := os.ReadFile(filepath.Join(photosDir, name))
			if err != nil {
				t.Fatal(err)
			}
			return b, e
		}
	}
	t.Fatalf("%s is not in the corpus", name)
	return nil, manifest.Entry{}
}

// TestSingleCodePath: in this photo (a code turned 30° on granite, its
// sides foreshortened past the multi-code finder's 10 % tolerance) no
// triple of the multi-code finder decodes in any attempt, and the
// single-code choice on the same binarised image does.
func TestSingleCodePath(t *testing.T) {
	b, e := readPhoto(t, "photo-019-otpauth.jpg")
	g, err := decodeGreyBytes(b, MaxPixels)
	if err != nil {
		t.Fatal(err)
	}
	if got := multiOnly(g); len(got) > 0 {
		t.Fatalf("the multi-code finder alone reads %q: the photo no longer tests the single-code path", got)
	}
	if got := decodeGrey(g, nil); !slices.Equal(got, e.Payloads) {
		t.Errorf("decodeGrey = %q; want %q", got, e.Payloads)
	}
}

// TestColourSecondLook: a blue code on a kraft card, whose luma is too
// flat to read, is read in another grey conversion.
func TestColourSecondLook(t *testing.T) {
	b, e := readPhoto(t, "photo-002-otpauth.jpg")
	g, err := decodeGreyBytes(b, MaxPixels)
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeGrey(g, nil); len(got) > 0 {
		t.Fatalf("the luma alone reads %q: the photo no longer tests the second look", got)
	}
	got, err := Bytes(b)
	if err != nil || !slices.Equal(got, e.Payloads) {
		t.Errorf("Bytes = %q, %v; want %q", got, err, e.Payloads)
	}
}

// TestNoSecondLookForGrey: a grey image has no other conversion to try.
func TestNoSecondLookForGrey(t *testing.T) {
	img := drawModules(rawByteCode(t, []byte("x")), 4)
	if gs := otherGreys(img); len(gs) != 0 {
		t.Errorf("otherGreys of a grey image: %d conversions, want none", len(gs))
	}
}

// TestPhotoAttempts: which attempts a photo costs. A code read in the
// first phase (dark on light, full size) costs no single-code search of
// the inverted image; a code that only the global binarizer reads at full
// size with the single-code path (photo-019) is read without a half-size
// pass first.
func TestPhotoAttempts(t *testing.T) {
	for _, c := range []struct {
		file string
		want []attempt
	}{
		{"photo-156-latin1.jpg", []attempt{{}, {invert: true}}},
		{"photo-019-otpauth.jpg", []attempt{
			{}, {invert: true}, {single: true}, {invert: true, single: true},
			{global: true}, {global: true, invert: true},
			{global: true, single: true}, {global: true, invert: true, single: true},
		}},
	} {
		t.Run(c.file, func(t *testing.T) {
			b, e := readPhoto(t, c.file)
			g, err := decodeGreyBytes(b, MaxPixels)
			if err != nil {
				t.Fatal(err)
			}
			var (
				mu  sync.Mutex
				ran []attempt
			)
			got := decodeGrey(g, func(a attempt, _ attemptResult) {
				mu.Lock()
				defer mu.Unlock()
				ran = append(ran, a)
			})
			if !slices.Equal(got, e.Payloads) {
				t.Fatalf("decodeGrey = %q; want %q", got, e.Payloads)
			}
			key := func(a attempt) string { return fmt.Sprintf("%+v", a) }
			slices.SortFunc(ran, func(x, y attempt) int { return strings.Compare(key(x), key(y)) })
			want := slices.Clone(c.want)
			slices.SortFunc(want, func(x, y attempt) int { return strings.Compare(key(x), key(y)) })
			if !slices.Equal(ran, want) {
				t.Errorf("attempts run:\n%v\nwant\n%v", ran, want)
			}
		})
	}
}
