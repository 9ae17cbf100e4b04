package scanner

import (
	"os"
	"path/filepath"
	"testing"
)

// Benchmarks over representative corpus screenshots:
//
//	go test -run=^$ -bench=. -benchmem ./scanner/
//	go test -run=^$ -bench=File/4k -cpuprofile=/tmp/cpu.out ./scanner/
var benchFiles = []struct{ name, file string }{
	{"1080p", "s1-1080-light.png"},
	{"1080p-jpeg", "jpeg35-1080.jpg"},
	{"1080p-inverted", "inverted-1080-dark.png"},
	{"1440p", "s125-1440-light.png"},
	{"1440p-2px", "px2-1440-dark.png"},
	{"4k", "s2-4k-light.png"},
	{"4k-2px", "px2-4k.png"},
	{"4k-grid", "gaexport-grid-4k-s2.png"},
}

func BenchmarkFile(b *testing.B) {
	for _, bf := range benchFiles {
		data, err := os.ReadFile(filepath.Join("testdata", "corpus", bf.file))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bf.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := Bytes(data); err != nil {
					b.Fatal(err)
				}
			}
			// CPU time per scan (both cores together) is steadier than
			// wall time on a busy machine.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

// BenchmarkDecodeOnly isolates the QR search from the image decoder.
func BenchmarkDecodeOnly(b *testing.B) {
	for _, bf := range benchFiles {
		data, err := os.ReadFile(filepath.Join("testdata", "corpus", bf.file))
		if err != nil {
			b.Fatal(err)
		}
		img, err := decodeImage(data, MaxPixels)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bf.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Image(img); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkImageDecode is the image decoder alone, for comparison.
func BenchmarkImageDecode(b *testing.B) {
	for _, bf := range benchFiles {
		data, err := os.ReadFile(filepath.Join("testdata", "corpus", bf.file))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bf.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := decodeImage(data, MaxPixels); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPhotos scans every photo of the photo corpus (640×480 JPEGs) in
// turn; the CPU time is per photo:
//
//	go test -run=^$ -bench=Photos -cpuprofile=/tmp/cpu.out ./scanner/
func BenchmarkPhotos(b *testing.B) {
	names, err := filepath.Glob(filepath.Join(photosDir, "*.jpg"))
	if err != nil || len(names) == 0 {
		b.Fatalf("no photos in %s: %v", photosDir, err)
	}
	photos := make([][]byte, len(names))
	for i, n := range names {
		if photos[i], err = os.ReadFile(n); err != nil {
			b.Fatal(err)
		}
	}
	cpu0 := cpuTime()
	for b.Loop() {
		for _, p := range photos {
			_, _ = Bytes(p)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N*len(photos))/1e6, "cpu-ms/photo")
}
