package picture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hugePNG is a valid PNG header claiming w×h pixels, with no pixel data.
func hugePNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestCheckImage(t *testing.T) {
	var jpg bytes.Buffer
	jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 16, 16)), nil)
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M0 0h24v24H0z"/></svg>`)
	manySVG := []byte(`<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat(`<g/>`, 10000) + `</svg>`)
	for _, c := range []struct {
		name, mime string
		data       []byte
		why        string // "" is accepted
	}{
		{"png", PNG, pngOf(t, 64, 64), ""},
		{"jpeg", JPEG, jpg.Bytes(), ""},
		{"svg", SVG, svg, ""},
		{"empty", PNG, nil, "empty"},
		{"png called jpeg", JPEG, pngOf(t, 8, 8), "not a JPEG"},
		{"svg called png", PNG, svg, "not a PNG"},
		{"gif", "image/gif", []byte("GIF89a"), "not PNG, JPEG or SVG"},
		{"over 64 KiB", SVG, append(svg, bytes.Repeat([]byte(" "), MaxImageBytes)...), "larger than 64 KiB"},
		{"png claiming 60000×60000", PNG, hugePNG(60000, 60000), "60000×60000 pixels"},
		{"10,000-element svg", SVG, manySVG, "more than 2000 elements"},
		{"svg with entities", SVG, []byte(`<svg><!DOCTYPE x [<!ENTITY a "aaaa">]><text>&a;</text></svg>`), "DOCTYPE"},
		{"svg with a script", SVG, []byte(`<svg><script>alert(1)</script></svg>`), "<script>"},
		{"svg cut short", SVG, []byte(`<svg><path d="M0 0"`), "not well-formed"},
		{"deep svg", SVG, []byte(`<svg>` + strings.Repeat(`<g>`, 100) + strings.Repeat(`</g>`, 100) + `</svg>`), "deep"},
		{"html", SVG, []byte(`<html><svg/></html>`), "not an SVG"},
	} {
		err := CheckImage(c.data, c.mime)
		switch {
		case c.why == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.why != "" && (err == nil || !errors.Is(err, ErrBadImage) || !strings.Contains(err.Error(), c.why)):
			t.Errorf("%s: err %v, want ErrBadImage saying %q", c.name, err, c.why)
		}
	}
}

func FuzzCheckImage(f *testing.F) {
	f.Add(pngOf(f, 4, 4), PNG)
	f.Add([]byte(`<svg><path d="M0 0"/></svg>`), SVG)
	f.Add(hugePNG(1, 1<<30), PNG)
	f.Fuzz(func(t *testing.T, data []byte, mime string) {
		if CheckImage(data, mime) == nil && SniffMIME(data) != mime {
			t.Fatalf("accepted %q data that sniffs as %q", mime, SniffMIME(data))
		}
	})
}
