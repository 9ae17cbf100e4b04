package scanner

import (
	"github.com/makiuchi-d/gozxing"
	"os"
	"path/filepath"
	"testing"
)

// Component benchmarks on a 1080p screenshot:
//
//	go test -run=^$ -bench=Part ./scanner/
func BenchmarkPart(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "corpus", "s1-1080-light.png"))
	if err != nil {
		b.Fatal(err)
	}
	g, err := pngGrey(data, MaxPixels)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("pngGrey", func(b *testing.B) {
		for b.Loop() {
			_, _ = pngGrey(data, MaxPixels)
		}
	})
	b.Run("hybridBinarize", func(b *testing.B) {
		for b.Loop() {
			_, _, _ = hybridBinarize(g)
		}
	})
	b.Run("half", func(b *testing.B) {
		for b.Loop() {
			_ = g.half()
		}
	})
	m, _, _ := hybridBinarize(g)
	b.Run("detect", func(b *testing.B) {
		for b.Loop() {
			_, _ = detectAndDecode(m, tryHarderHints())
		}
	})
}

func tryHarderHints() map[gozxing.DecodeHintType]any {
	return map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
}
