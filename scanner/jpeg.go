//go:build !nojpegluma

package scanner

import (
	"bytes"
	"image/jpeg"

	"authdesk/scanner/internal/jpegluma"
)

// jpegGrey decodes a grey or YCbCr JPEG's luminance with jpegluma, which
// skips the chroma. It returns nil for anything else, and for anything
// jpegluma refuses or fails on: image/jpeg then decodes it, or says what
// is wrong with it in the usual words.
func jpegGrey(b []byte, maxPixels int64) (g *grey) {
	if !bytes.HasPrefix(b, []byte("\xff\xd8")) {
		return nil
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil
	}
	defer func() {
		if recover() != nil {
			g = nil
		}
	}()
	img, err := jpegluma.Decode(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	return toGrey(img)
}
