// Package picture checks the pictures a person gives an account as its
// icon (a file they pick, an icon inside an Aegis export): PNG, JPEG or
// SVG, small, read by their header or, for SVG, walked without entities or
// scripts. It is apart from package icons, the brand-icon library, so that
// validating an account (vault/account) links no icon packs.
package picture

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig of JPEG files
	_ "image/png"  // DecodeConfig of PNG files
	"io"
	"os"
	"strings"
)

// The picture formats an account's icon may be, by MIME type.
const (
	PNG  = "image/png"
	JPEG = "image/jpeg"
	SVG  = "image/svg+xml"
)

// Limits on a picture a user picks or an import carries.
const (
	MaxImageBytes  = 64 << 10 // the file
	MaxImagePixels = 1024     // width and height of a PNG or JPEG
	MaxSVGElements = 2000     // elements of an SVG
	maxSVGDepth    = 64
)

// ErrBadImage is wrapped by every reason CheckImage refuses a picture.
var ErrBadImage = errors.New("unusable icon")

// CheckImage is the one way in for a picture an account shows as its icon
// (a file a user picks, an Aegis export's icon): it must be mime (PNG,
// JPEG or SVG), at most MaxImageBytes, a PNG or JPEG at most MaxImagePixels
// wide and high by its header, an SVG well-formed with at most
// MaxSVGElements elements. Nothing is decoded beyond that.
func CheckImage(data []byte, mime string) error {
	if len(data) == 0 {
		return fmt.Errorf("%w: the file is empty", ErrBadImage)
	}
	if len(data) > MaxImageBytes {
		return fmt.Errorf("%w: the file is larger than %d KiB", ErrBadImage, MaxImageBytes/1024)
	}
	if got := SniffMIME(data); got != mime {
		return fmt.Errorf("%w: the file is not %s", ErrBadImage, describe(mime))
	}
	if mime == SVG {
		return checkSVG(data)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrBadImage, describe(mime), err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxImagePixels || cfg.Height > MaxImagePixels {
		return fmt.Errorf("%w: %d×%d pixels, the limit is %d×%d", ErrBadImage, cfg.Width, cfg.Height, MaxImagePixels, MaxImagePixels)
	}
	return nil
}

// SniffMIME is the picture format data looks like: PNG and JPEG by their
// signature, SVG by an <svg element at the start (after any XML prolog); ""
// for anything else.
func SniffMIME(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return JPEG
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	for range 16 {
		t, err := d.Token()
		if err != nil {
			return ""
		}
		switch t := t.(type) {
		case xml.StartElement:
			if t.Name.Local == "svg" {
				return SVG
			}
			return ""
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return ""
			}
		}
	}
	return ""
}

func describe(mime string) string {
	switch mime {
	case PNG:
		return "a PNG picture"
	case JPEG:
		return "a JPEG picture"
	case SVG:
		return "an SVG picture"
	}
	return fmt.Sprintf("a picture (%.40q is not PNG, JPEG or SVG)", mime)
}

// checkSVG walks the whole document: well-formed, few elements, shallow,
// no DOCTYPE (entities) and no scripts.
func checkSVG(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	elems, depth := 0, 0
	for {
		t, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: the SVG is not well-formed: %v", ErrBadImage, err)
		}
		switch t := t.(type) {
		case xml.Directive:
			return fmt.Errorf("%w: the SVG has a DOCTYPE or entity declaration", ErrBadImage)
		case xml.StartElement:
			elems++
			depth++
			if elems > MaxSVGElements {
				return fmt.Errorf("%w: the SVG has more than %d elements", ErrBadImage, MaxSVGElements)
			}
			if depth > maxSVGDepth {
				return fmt.Errorf("%w: the SVG nests elements more than %d deep", ErrBadImage, maxSVGDepth)
			}
			if n := strings.ToLower(t.Name.Local); n == "script" || n == "foreignobject" {
				return fmt.Errorf("%w: the SVG holds a <%s> element", ErrBadImage, t.Name.Local)
			}
		case xml.EndElement:
			depth--
		}
	}
}

// ReadImageFile reads the picture at path for an account's icon (see
// ReadImage).
func ReadImageFile(path string) (data []byte, mime string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	return ReadImage(f, path)
}

// ReadImage is the one way in for a picture file a user picks as an
// account's icon, named name in messages: at most MaxImageBytes are read,
// the format comes from the content (not the name), and the result has
// passed CheckImage.
func ReadImage(r io.Reader, name string) (data []byte, mime string, err error) {
	data, err = io.ReadAll(io.LimitReader(r, MaxImageBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", name, err)
	}
	mime = SniffMIME(data)
	if mime == "" {
		return nil, "", fmt.Errorf("%w: %s is not a PNG, JPEG or SVG picture", ErrBadImage, name)
	}
	if err := CheckImage(data, mime); err != nil {
		return nil, "", fmt.Errorf("%s: %w", name, err)
	}
	return data, mime, nil
}
