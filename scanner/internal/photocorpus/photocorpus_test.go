package photocorpus

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// committed is the corpus in the repository.
var committed = filepath.Join("..", "..", "testdata", "photos")

// TestCommittedCorpusIsReproducible regenerates the committed photo corpus
// from its seed and wants every image and the manifest byte for byte: the
// corpus in the repository is what the generator in the repository makes.
// (On amd64 only: other compilers may fuse floating-point multiply-adds,
// which moves a pixel by a level; the race detector's build is slow, so
// it regenerates every tenth photo.)
func TestCommittedCorpusIsReproducible(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("the corpus is made on amd64; %s may round differently", runtime.GOARCH)
	}
	cs, err := Cases(DefaultSeed, DefaultCount)
	if err != nil {
		t.Fatal(err)
	}
	step := 1
	if raceEnabled || testing.Short() {
		step = 10
	}
	for i := 0; i < len(cs); i += step {
		c := cs[i]
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			got, err := Render(c)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(committed, c.Name+".jpg"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s.jpg differs from the generator's output (%d bytes, want %d): run go run ./scanner/internal/cmd/genphotos", c.Name, len(got), len(want))
			}
		})
	}
	t.Run("manifest", func(t *testing.T) {
		fs := make([]File, len(cs))
		for i, c := range cs {
			fs[i] = File{Entry: c.entry()}
		}
		got, err := ManifestJSON(fs)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(committed, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Error("manifest.json differs from the generator's: run go run ./scanner/internal/cmd/genphotos")
		}
	})
}

// TestCasesCoverTheIssue: every kind of photo the corpus must have is in it.
func TestCasesCoverTheIssue(t *testing.T) {
	cs, err := Cases(DefaultSeed, DefaultCount)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]int{}
	for _, c := range cs {
		for _, k := range c.Categories {
			have[k]++
		}
		if c.Quality < 40 || c.Quality > 70 {
			t.Errorf("%s: JPEG quality %d, want 40–70", c.Name, c.Quality)
		}
	}
	for _, k := range []string{"rotate", "perspective", "gaussblur", "motionblur", "jpeg", "uneven", "colour",
		"3px", "4px", "texture", "occluded", "sjis", "latin1", "eci", "utf8", "otpauth", "lowcontrast"} {
		if have[k] == 0 {
			t.Errorf("no %q photo in the corpus", k)
		}
	}
	if len(cs) < 150 {
		t.Errorf("%d photos, want at least 150", len(cs))
	}
}
