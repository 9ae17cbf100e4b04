// Package scanner turns pixels into QR code payloads: image files, encoded
// image bytes and decoded images. Package scanner/capture gets the pixels
// from the system clipboard and from captures of every display.
//
// Every entry point returns all payloads found, deduplicated, in reading
// order (rows of codes from top to bottom, left to right within a row).
// Callers branch on the sentinel errors: ErrNoQRCode when the pixels were
// fine but held no readable code, ErrUnsupportedImage for bytes that are not
// a decodable image, ErrImageTooLarge for images over MaxPixels (checked from
// the header before any pixel memory is allocated).
//
// How it reads: the image is converted once to an 8-bit grey buffer (PNG is
// inflated straight to grey, other formats converted from the decoder's
// pixel slices), then looked at in phases of two attempts that run on two cores
// (dark-on-light and light-on-dark, at half size first on large screens,
// then full size, then harder searches); the first phase that reads every
// code it saw ends the search. Within an attempt, every code read is
// masked out and the image searched again, so grids of codes are all found.
package scanner

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"os"

	// Decoders for every format the scanner accepts.
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"

	"github.com/jsummers/gobmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

var (
	// ErrNoQRCode means the image was decoded but no QR code could be read in it.
	ErrNoQRCode = errors.New("no QR code found")
	// ErrUnsupportedImage means the input is empty, truncated, corrupt or in a format we cannot read.
	ErrUnsupportedImage = errors.New("unsupported or corrupt image")
	// ErrImageTooLarge means the image header claims more than MaxPixels pixels.
	ErrImageTooLarge = errors.New("image too large")
)

// MaxPixels is the largest image accepted: three 4K displays side by side
// fit, a decompression bomb does not.
const MaxPixels = 40_000_000

// MaxFileSize caps how many bytes File and the clipboard read.
const MaxFileSize = 256 << 20

// Image returns every QR payload in img, deduplicated, in reading order.
func Image(img image.Image) ([]string, error) {
	if img == nil {
		return nil, fmt.Errorf("%w: no image", ErrUnsupportedImage)
	}
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return nil, fmt.Errorf("%w: empty image", ErrUnsupportedImage)
	}
	if int64(b.Dx())*int64(b.Dy()) > MaxPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels, the limit is %d", ErrImageTooLarge, b.Dx(), b.Dy(), MaxPixels)
	}
	out := decodeGrey(toGrey(img), nil)
	if len(out) == 0 {
		out = decodeColour(img)
	}
	if len(out) == 0 {
		return nil, ErrNoQRCode
	}
	return out, nil
}

// Bytes decodes an encoded image (PNG, JPEG, GIF, BMP, WebP or TIFF) and
// returns its QR payloads. The header is checked against MaxPixels before
// any pixels are decoded.
func Bytes(b []byte) ([]string, error) {
	g, img, err := decodeGreyImage(b, MaxPixels)
	if err != nil {
		return nil, err
	}
	out := decodeGrey(g, nil)
	if len(out) == 0 && img == nil && !pngIsGrey(b) {
		// The PNG fast path made grey without the colour; decode again
		// for the second look (only when the first found nothing).
		img, _ = decodeImage(b, MaxPixels)
	}
	if len(out) == 0 && img != nil {
		out = decodeColour(img)
	}
	if len(out) == 0 {
		return nil, ErrNoQRCode
	}
	return out, nil
}

// decodeGreyBytes decodes an encoded image to luminance, by the PNG fast
// path when it applies, else by the standard decoders. (JPEG had a fast
// path too, a luma-only copy of image/jpeg; measured against ZXingReader it
// was not worth keeping a fork of a parser of untrusted input: README,
// Performance.)
func decodeGreyBytes(b []byte, maxPixels int64) (*grey, error) {
	g, _, err := decodeGreyImage(b, maxPixels)
	return g, err
}

// decodeGreyImage is decodeGreyBytes that also returns the decoded image
// when the standard decoders made one (nil from the PNG fast path).
func decodeGreyImage(b []byte, maxPixels int64) (*grey, image.Image, error) {
	g, err := pngGrey(b, maxPixels)
	if err == nil {
		return g, nil, nil
	}
	if !errors.Is(err, errPNGFallback) {
		return nil, nil, err
	}
	img, err := decodeImage(b, maxPixels)
	if err != nil {
		return nil, nil, err
	}
	if g, ok := sharedGrey(img); ok {
		return g, img, nil
	}
	return toGrey(img), img, nil
}

// File reads the image file at path and returns its QR payloads.
func File(path string) ([]string, error) {
	b, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	out, err := Bytes(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// ReadFile reads the image file at path for File, Bytes or Decode, refusing
// directories and files over MaxFileSize. Every caller that takes an image
// file from a user reads it here.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open image: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open image: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: %w: is a directory", path, ErrUnsupportedImage)
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s: %w: %d bytes, the limit is %d", path, ErrImageTooLarge, st.Size(), MaxFileSize)
	}
	b, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("read image %s: %w", path, err)
	}
	return b, nil
}

// Read reads an image from r (a pipe, a dropped file, standard input), at
// most MaxFileSize bytes: more is ErrImageTooLarge.
func Read(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("%w: over %d bytes", ErrImageTooLarge, MaxFileSize)
	}
	return b, nil
}

// Decode decodes an encoded image for callers that need its pixels (a
// screenshot to crop or show), with the same MaxPixels check as Bytes.
func Decode(b []byte) (image.Image, error) { return decodeImage(b, MaxPixels) }

// decodeImage decodes b after checking its header: nothing is allocated
// for the pixels of an image whose header claims more than maxPixels.
func decodeImage(b []byte, maxPixels int64) (img image.Image, err error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty input", ErrUnsupportedImage)
	}
	decodeConfig, decode := image.DecodeConfig, image.Decode
	if bytes.HasPrefix(b, []byte("BM")) {
		decodeConfig, decode = decodeBMPConfig, decodeBMP
	}
	cfg, format, err := decodeConfig(bytes.NewReader(b))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, fmt.Errorf("%w: not a PNG, JPEG, GIF, BMP, WebP or TIFF image", ErrUnsupportedImage)
		}
		if errors.Is(err, ErrImageTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", ErrUnsupportedImage, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: %s of %d×%d pixels", ErrUnsupportedImage, format, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, fmt.Errorf("%w: %s of %d×%d pixels, the limit is %d", ErrImageTooLarge, format, cfg.Width, cfg.Height, maxPixels)
	}
	defer func() {
		// The standard decoders do not panic on bad input, but a decoder
		// bug must not take the app down with it.
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("%w: %s decoder failed: %v", ErrUnsupportedImage, format, r)
		}
	}()
	img, _, err = decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrUnsupportedImage, format, err)
	}
	return img, nil
}

// decodeBMPConfig and decodeBMP are gobmp's, which reads every BMP that
// Windows tools and ImageMagick write: RLE4 and RLE8 compressed, bit
// fields, top-down and bottom-up, OS/2 headers. They are called by name
// because golang.org/x/image/bmp (no compressed BMP) registers the same "BM"
// signature, and which of two registered decoders image.Decode picks
// depends on what else the binary links (Fyne links both).
//
// gobmp refuses more than 46,340 pixels a side in DecodeConfig, before our
// MaxPixels check can see the size: that refusal is ErrImageTooLarge too
// (TestBadInput's BMP bombs fail if gobmp ever words it differently).
func decodeBMPConfig(r io.Reader) (image.Config, string, error) {
	cfg, err := gobmp.DecodeConfig(r)
	if errors.Is(err, gobmp.UnsupportedError("dimensions too large")) {
		return cfg, "bmp", fmt.Errorf("%w: BMP header claims over 46,340 pixels a side", ErrImageTooLarge)
	}
	return cfg, "bmp", err
}

func decodeBMP(r io.Reader) (image.Image, string, error) {
	img, err := gobmp.Decode(r)
	return img, "bmp", err
}
