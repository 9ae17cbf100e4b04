package scanner

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// pngBomb is a valid PNG whose header claims w×h pixels, with a little
// compressed data behind it.
func pngBomb(w, h uint32, interlace byte) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9], ihdr[12] = 8, 2, interlace
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write(make([]byte, 1<<20))
	_ = zw.Close()
	out := append([]byte(nil), pngSignature...)
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", z.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}

func small() image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	img.Set(3, 3, color.Black)
	return img
}

func encode(t *testing.T, f func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// patchJPEGSize sets the frame size in a JPEG's SOF0 segment.
func patchJPEGSize(t *testing.T, b []byte, w, h uint16) []byte {
	i := bytes.Index(b, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	b = bytes.Clone(b)
	binary.BigEndian.PutUint16(b[i+5:], h)
	binary.BigEndian.PutUint16(b[i+7:], w)
	return b
}

// patchTIFFSize sets ImageWidth and ImageLength in a little-endian TIFF.
func patchTIFFSize(t *testing.T, b []byte, w, h uint32) []byte {
	b = bytes.Clone(b)
	if string(b[:2]) != "II" {
		t.Fatal("want a little-endian TIFF")
	}
	ifd := binary.LittleEndian.Uint32(b[4:])
	n := int(binary.LittleEndian.Uint16(b[ifd:]))
	for i := 0; i < n; i++ {
		e := b[int(ifd)+2+12*i:]
		tag, typ := binary.LittleEndian.Uint16(e), binary.LittleEndian.Uint16(e[2:])
		v := w
		if tag == 257 {
			v = h
		}
		if tag == 256 || tag == 257 {
			if typ == 3 { // SHORT
				binary.LittleEndian.PutUint16(e[8:], uint16(min(v, 65535)))
			} else {
				binary.LittleEndian.PutUint32(e[8:], v)
			}
		}
	}
	return b
}

// TestBadInput: every kind of bad input gets its specific error, fast,
// without allocating what a lying header claims.
func TestBadInput(t *testing.T) {
	pngFile, err := os.ReadFile(filepath.Join("testdata", "corpus", "s1-1080-light.png"))
	if err != nil {
		t.Fatal(err)
	}
	jpgFile, err := os.ReadFile(filepath.Join("testdata", "corpus", "jpeg35-1080.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	gifFile := encode(t, func(b *bytes.Buffer) error { return gif.Encode(b, small(), nil) })
	gifBomb := bytes.Clone(gifFile)
	binary.LittleEndian.PutUint16(gifBomb[6:], 60000)
	binary.LittleEndian.PutUint16(gifBomb[8:], 60000)
	bmpBomb := encode(t, func(b *bytes.Buffer) error { return bmp.Encode(b, small()) })
	binary.LittleEndian.PutUint32(bmpBomb[18:], 60000)
	binary.LittleEndian.PutUint32(bmpBomb[22:], 60000)
	rle8, err := os.ReadFile(filepath.Join("testdata", "formats", "rle8.bmp"))
	if err != nil {
		t.Fatal(err)
	}
	// BMP headers: width at 18, height at 22 (negative: top-down), bit
	// count at 28, compression at 30 (1 RLE8, 2 RLE4).
	patchBMP := func(off int, v uint32) []byte {
		b := bytes.Clone(rle8)
		binary.LittleEndian.PutUint32(b[off:], v)
		return b
	}
	rle8Bomb := patchBMP(18, 60000)
	binary.LittleEndian.PutUint32(rle8Bomb[22:], 60000)
	rle8TopDownBomb := patchBMP(18, 60000)
	binary.LittleEndian.PutUint32(rle8TopDownBomb[22:], uint32(0x100000000-60000))
	tiffFile := encode(t, func(b *bytes.Buffer) error { return tiff.Encode(b, small(), nil) })
	jpegSmall := encode(t, func(b *bytes.Buffer) error { return jpeg.Encode(b, small(), nil) })
	webpFile, err := os.ReadFile(filepath.Join("testdata", "formats", "lossless.webp"))
	if err != nil {
		t.Fatal(err)
	}
	webpBomb := bytes.Clone(webpFile)
	if string(webpBomb[12:16]) != "VP8L" {
		t.Fatalf("lossless.webp has a %q chunk, want VP8L", webpBomb[12:16])
	}
	binary.LittleEndian.PutUint32(webpBomb[21:], 0x0fffffff) // 16384×16384
	badCRC := bytes.Clone(pngFile)
	badCRC[30] ^= 0xff // inside IHDR

	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"zero bytes", nil, ErrUnsupportedImage},
		{"text", []byte("otpauth://totp/not-an-image?secret=JBSWY3DPEHPK3PXP"), ErrUnsupportedImage},
		{"png signature only", pngSignature, ErrUnsupportedImage},
		{"png truncated at half", pngFile[:len(pngFile)/2], ErrUnsupportedImage},
		{"png truncated in IHDR", pngFile[:20], ErrUnsupportedImage},
		{"png bad checksum", badCRC, ErrUnsupportedImage},
		{"jpeg truncated at half", jpgFile[:len(jpgFile)/2], ErrUnsupportedImage},
		{"jpeg header only", jpgFile[:200], ErrUnsupportedImage},
		{"gif truncated", gifFile[:len(gifFile)-20], ErrUnsupportedImage},
		{"png bomb 60000x60000", pngBomb(60000, 60000, 0), ErrImageTooLarge},
		{"interlaced png bomb", pngBomb(60000, 60000, 1), ErrImageTooLarge},
		{"png bomb 2^31-1 wide", pngBomb(1<<31-1, 1, 0), ErrImageTooLarge},
		{"png zero width", pngBomb(0, 10, 0), ErrUnsupportedImage},
		{"jpeg bomb", patchJPEGSize(t, jpegSmall, 60000, 60000), ErrImageTooLarge},
		{"gif bomb", gifBomb, ErrImageTooLarge},
		{"bmp bomb", bmpBomb, ErrImageTooLarge},
		{"rle8 bmp bomb", rle8Bomb, ErrImageTooLarge},
		{"top-down rle8 bmp bomb", rle8TopDownBomb, ErrImageTooLarge},
		{"rle8 bmp of 2^31-1 columns", patchBMP(18, 1<<31-1), ErrImageTooLarge},
		{"rle8 bmp of negative width", patchBMP(18, uint32(0x100000000-420)), ErrUnsupportedImage},
		{"rle8 bmp claiming rle4", patchBMP(30, 2), ErrUnsupportedImage},
		{"bmp of unknown compression", patchBMP(30, 9), ErrUnsupportedImage},
		{"rle8 bmp cut in its header", rle8[:40], ErrUnsupportedImage},
		{"tiff bomb", patchTIFFSize(t, tiffFile, 60000, 60000), ErrImageTooLarge},
		{"webp bomb", webpBomb, ErrImageTooLarge},
		{"blank image", encode(t, func(b *bytes.Buffer) error { return png.Encode(b, small()) }), ErrNoQRCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			got, err := Bytes(tt.data)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Bytes = %q, %v; want %v", got, err, tt.want)
			}
			// A hang bound only: decoding the pixels a bomb claims would
			// run for minutes. BenchmarkRefuseBombs measures.
			if elapsed > 30*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("allocated %d MiB", alloc>>20)
			}
		})
	}
}

func TestImageAndFileErrors(t *testing.T) {
	if _, err := Image(nil); !errors.Is(err, ErrUnsupportedImage) {
		t.Errorf("Image(nil) = %v", err)
	}
	if _, err := Image(image.NewGray(image.Rect(0, 0, 0, 0))); !errors.Is(err, ErrUnsupportedImage) {
		t.Errorf("Image(empty) = %v", err)
	}
	if _, err := Image(image.NewGray(image.Rect(0, 0, 100, 100))); !errors.Is(err, ErrNoQRCode) {
		t.Errorf("Image(blank) = %v", err)
	}
	// A huge image.Image is refused before converting it.
	if _, err := Image(image.NewUniform(color.White)); !errors.Is(err, ErrImageTooLarge) {
		t.Errorf("Image(uniform, unbounded) = %v", err)
	}
	dir := t.TempDir()
	if _, err := File(filepath.Join(dir, "missing.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("File(missing) = %v", err)
	}
	if _, err := File(dir); !errors.Is(err, ErrUnsupportedImage) {
		t.Errorf("File(dir) = %v", err)
	}
	empty := filepath.Join(dir, "empty.png")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := File(empty); !errors.Is(err, ErrUnsupportedImage) {
		t.Errorf("File(empty) = %v", err)
	}
}

// BenchmarkRefuseBombs measures refusing images whose headers claim far
// more pixels than MaxPixels (TestBadInput checks the refusal).
func BenchmarkRefuseBombs(b *testing.B) {
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"png 60000x60000", pngBomb(60000, 60000, 0)},
		{"png interlaced 60000x60000", pngBomb(60000, 60000, 1)},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Bytes(tt.data); !errors.Is(err, ErrImageTooLarge) {
					b.Fatal(err)
				}
			}
		})
	}
}
