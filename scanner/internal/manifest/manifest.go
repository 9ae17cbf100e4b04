// Package manifest is the index of a screenshot corpus: the manifest.json
// beside the images, which lists each image with the payloads of its QR
// codes. internal/cmd/gencorpus writes it; the scanner's corpus test and
// internal/cmd/benchscan read it.
package manifest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Name is the manifest's file name in the corpus folder.
const Name = "manifest.json"

// Entry is one manifest line: an image of the corpus and what it holds.
type Entry struct {
	File       string   `json:"file"`       // the image's name in the corpus folder
	Categories []string `json:"categories"` // what the image tests (scale, theme, degradation…)
	Payloads   []string `json:"payloads"`   // the QR codes' contents, in reading order
	Width      int      `json:"width"`
	Height     int      `json:"height"`
}

// Read returns the entries of the manifest in dir.
func Read(dir string) ([]Entry, error) {
	b, err := os.ReadFile(filepath.Join(dir, Name))
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var es []Entry
	if err := json.Unmarshal(b, &es); err != nil {
		return nil, fmt.Errorf("parse manifest: %w", err)
	}
	return es, nil
}
