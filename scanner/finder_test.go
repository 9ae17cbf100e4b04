package scanner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/makiuchi-d/gozxing"
	multidetector "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
)

// TestFindMultiMatchesGozxing: our run-based finder scan finds the same
// finder patterns and triples as gozxing's per-pixel one, on the corpus
// (normal and inverted binarizations, full and half size).
func TestFindMultiMatchesGozxing(t *testing.T) {
	// A light page, a dark page with an inverted code, a grid, and a
	// code at two pixels per module (gozxing's per-pixel scan is slow
	// under -race, so not the whole corpus).
	var files []string
	for _, f := range []string{"s1-1080-light.png", "inverted-1080-dark.png", "gaexport-grid-1080.png", "px2-1080.png"} {
		files = append(files, filepath.Join("testdata", "corpus", f))
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		g, err := decodeGreyBytes(b, MaxPixels)
		if err != nil {
			t.Fatal(err)
		}
		for _, level := range []*grey{g, g.half()} {
			normal, inverted, err := hybridBinarize(level)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range []*gozxing.BitMatrix{normal, inverted} {
				gf := multidetector.NewMultiFinderPatternFinder(m, nil)
				wantInfos, _ := gf.FindMulti(hints)
				f, infos := findMulti(m)
				want, got := gf.GetPossibleCenters(), f.GetPossibleCenters()
				if len(want) != len(got) {
					t.Fatalf("%s %dx%d: %d centres, gozxing finds %d", file, m.GetWidth(), m.GetHeight(), len(got), len(want))
				}
				for i := range want {
					if want[i].GetX() != got[i].GetX() || want[i].GetY() != got[i].GetY() || want[i].GetCount() != got[i].GetCount() {
						t.Fatalf("%s: centre %d = (%v,%v)×%d, gozxing (%v,%v)×%d", file, i,
							got[i].GetX(), got[i].GetY(), got[i].GetCount(), want[i].GetX(), want[i].GetY(), want[i].GetCount())
					}
				}
				if len(infos) != len(wantInfos) {
					t.Fatalf("%s: %d triples, gozxing %d", file, len(infos), len(wantInfos))
				}
			}
		}
	}
}

func TestRunLength(t *testing.T) {
	row := gozxing.NewBitArray(100)
	for _, x := range []int{0, 1, 2, 31, 32, 33, 63, 64, 99} {
		row.Set(x)
	}
	w := row.GetBitArray()
	tests := []struct {
		j     int
		black bool
		want  int
	}{
		{0, true, 3}, {3, false, 28}, {31, true, 3}, {34, false, 29}, {63, true, 2}, {65, false, 34}, {99, true, 1},
	}
	for _, tt := range tests {
		if got := runLength(w, tt.j, 100, tt.black); got != tt.want {
			t.Errorf("runLength(%d, %v) = %d, want %d", tt.j, tt.black, got, tt.want)
		}
	}
}
