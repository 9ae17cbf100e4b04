package scanner

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"authdesk/scanner/internal/manifest"
)

func loadCorpus(t testing.TB, dir string) []manifest.Entry {
	t.Helper()
	es, err := manifest.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) == 0 {
		t.Fatal("empty manifest")
	}
	return es
}

// TestCorpus decodes every screenshot of the generated corpus and wants
// exactly the payloads the generator encoded, in reading order.
func TestCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "corpus")
	if d := os.Getenv("AUTHDESK_SCAN_CORPUS"); d != "" {
		dir = d // a bigger corpus from internal/cmd/gencorpus -out
	}
	es := loadCorpus(t, dir)
	have := map[string]bool{}
	for _, e := range es {
		for _, c := range e.Categories {
			have[c] = true
		}
	}
	for _, c := range []string{"scale1", "scale1.25", "scale1.5", "scale2", "1080p", "1440p", "4k", "light", "dark",
		"2px", "jpeg", "half", "blur", "rotate3", "rotate90", "lowcontrast", "inverted", "logo", "gaexport", "multi"} {
		if !have[c] {
			t.Errorf("the corpus has no %q screenshot", c)
		}
	}
	var (
		mu     sync.Mutex
		perCat = map[string][2]int{}
	)
	t.Run("files", func(t *testing.T) {
		for _, e := range es {
			t.Run(e.File, func(t *testing.T) {
				t.Parallel()
				checkCorpusFile(t, dir, e, func(ok bool) {
					mu.Lock()
					defer mu.Unlock()
					for _, c := range e.Categories {
						n := perCat[c]
						n[1]++
						if ok {
							n[0]++
						}
						perCat[c] = n
					}
				})
			})
		}
	})
	cats := make([]string, 0, len(perCat))
	for c := range perCat {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	for _, c := range cats {
		t.Logf("%-12s %d/%d", c, perCat[c][0], perCat[c][1])
	}
}

// checkCorpusFile decodes one corpus file and reports whether it gave
// exactly the expected payloads.
func checkCorpusFile(t *testing.T, dir string, e manifest.Entry, report func(ok bool)) {
	got, err := File(filepath.Join(dir, e.File))
	ok := err == nil && slices.Equal(got, e.Payloads)
	report(ok)
	if err != nil {
		t.Fatalf("File: %v (categories %v)", err, e.Categories)
	}
	if !ok {
		t.Errorf("payloads (categories %v):\n got %q\nwant %q", e.Categories, got, e.Payloads)
	}
}
