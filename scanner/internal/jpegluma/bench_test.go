package jpegluma

import (
	"bytes"
	"image/jpeg"
	"os"
	"testing"
)

// BenchmarkDecode compares Decode with image/jpeg on a 1080p screenshot.
func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile("../../testdata/corpus/jpeg35-1080.jpg")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("jpegluma", func(b *testing.B) {
		for b.Loop() {
			if _, err := Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("image-jpeg", func(b *testing.B) {
		for b.Loop() {
			if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
