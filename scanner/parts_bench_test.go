package scanner

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/makiuchi-d/gozxing"
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
			_, _, _ = detectAndDecode(m, tryHarderHints())
		}
	})
}

func tryHarderHints() map[gozxing.DecodeHintType]any {
	return map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
}

// pngRawRows inflates a PNG's image data: the filtered rows, each led by
// its filter type byte.
func pngRawRows(tb testing.TB, file string) (raw []byte, rowLen, bpp int) {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "corpus", file))
	if err != nil {
		tb.Fatal(err)
	}
	var idat []byte
	var w, channels int
	for p := b[8:]; len(p) >= 12; {
		n := int(binary.BigEndian.Uint32(p))
		typ, data := string(p[4:8]), p[8:8+n]
		switch typ {
		case "IHDR":
			w = int(binary.BigEndian.Uint32(data))
			channels = map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[data[9]]
		case "IDAT":
			idat = append(idat, data...)
		}
		p = p[12+n:]
	}
	zr, err := zlib.NewReader(bytes.NewReader(idat))
	if err != nil {
		tb.Fatal(err)
	}
	raw, err = io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return raw, 1 + w*channels, channels
}

// BenchmarkUnfilter is the PNG unfiltering alone, on the rows of a
// screenshot (RGB, mostly up and Paeth filters), per filter type: each
// row is unfiltered again on top of the correctly unfiltered row above.
func BenchmarkUnfilter(b *testing.B) {
	for _, file := range []string{"s1-1080-light.png", "gaexport-grid-4k-s2.png"} {
		raw, rowLen, bpp := pngRawRows(b, file)
		plain := append([]byte(nil), raw...)
		prev := make([]byte, rowLen)
		var rows [5][]int // row offsets by filter type
		for o := 0; o+rowLen <= len(plain); o += rowLen {
			rows[plain[o]] = append(rows[plain[o]], o)
			row := plain[o : o+rowLen]
			if err := unfilter(row[0], row[1:], prev[1:], bpp); err != nil {
				b.Fatal(err)
			}
			prev = row
		}
		for ft, name := range []string{"none", "sub", "up", "average", "paeth"} {
			if len(rows[ft]) == 0 {
				continue
			}
			b.Run(file+"/"+name, func(b *testing.B) {
				cur := make([]byte, rowLen)
				zero := make([]byte, rowLen-1)
				b.SetBytes(int64(len(rows[ft]) * rowLen))
				for b.Loop() {
					for _, o := range rows[ft] {
						copy(cur, raw[o:o+rowLen])
						above := zero
						if o >= rowLen {
							above = plain[o-rowLen+1 : o]
						}
						_ = unfilter(cur[0], cur[1:], above, bpp)
					}
				}
			})
		}
	}
}
