// Package photocorpus makes the scanner's photo corpus: camera-like
// pictures of printed QR codes (a card on wood, cloth, stone or a screen,
// turned and seen at an angle, blurred, unevenly lit, in coloured ink on
// coloured paper, 3–4 pixels a module, sometimes with a thumb over a
// finder pattern), saved as JPEG at quality 40–70. The payloads include
// Shift_JIS and ISO-8859-1 text without an ECI and text with one.
//
// Everything is drawn in Go from a seed, so the same seed writes the same
// bytes (on one architecture: the compiler may fuse floating-point
// multiply-adds on some, which moves a pixel by one level). The corpus in
// scanner/testdata/photos is Generate(DefaultSeed, DefaultCount).
package photocorpus

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"authdesk/scanner/internal/manifest"
)

// DefaultSeed and DefaultCount make the committed corpus.
const (
	DefaultSeed  = 1
	DefaultCount = 160
)

// File is one generated photo: its manifest entry and its JPEG bytes.
type File struct {
	Entry manifest.Entry
	JPEG  []byte
}

// Generate renders n photos from seed, on all cores.
func Generate(seed uint64, n int) ([]File, error) {
	cs, err := Cases(seed, n)
	if err != nil {
		return nil, err
	}
	out := make([]File, len(cs))
	errs := make([]error, len(cs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				b, err := Render(cs[i])
				errs[i] = err
				out[i] = File{JPEG: b, Entry: cs[i].entry()}
			}
		}()
	}
	for i := range cs {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// entry is c's line in the manifest.
func (c Case) entry() manifest.Entry {
	return manifest.Entry{
		File: c.Name + ".jpg", Categories: c.Categories,
		Payloads: []string{c.payload.text}, Width: c.W, Height: c.H,
	}
}

// ManifestJSON is the manifest of fs as written beside the images.
func ManifestJSON(fs []File) ([]byte, error) {
	es := make([]manifest.Entry, len(fs))
	for i, f := range fs {
		es[i] = f.Entry
	}
	b, err := json.MarshalIndent(es, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// Write writes fs and their manifest into dir.
func Write(dir string, fs []File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range fs {
		if err := os.WriteFile(filepath.Join(dir, f.Entry.File), f.JPEG, 0o644); err != nil {
			return err
		}
	}
	m, err := ManifestJSON(fs)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, manifest.Name), m, 0o644)
}
