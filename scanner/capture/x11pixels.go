//go:build linux || freebsd || openbsd || netbsd

package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
)

// zpixmap describes the pixels of a core-protocol GetImage reply in
// ZPixmap format, as the server's setup says it lays them out: the screen's
// depth, its pixmap format (bits per pixel, scanline padding), the image byte
// order and the root visual's colour masks.
type zpixmap struct {
	depth, bpp, pad  int
	msbFirst         bool
	red, green, blue uint32
}

// errPixelFormat is wrapped by every refusal of a screen's pixel layout.
var errPixelFormat = errors.New("unsupported X screen pixel format")

// check refuses the layouts convert cannot read: only 24- and 32-bit
// TrueColor screens with 8 bits per channel (24 or 32 bits per pixel) are
// read, which is every X server in use today; 8-, 15-, 16- and 30-bit
// screens are refused rather than shown in wrong colours.
func (f zpixmap) check() error {
	if f.depth != 24 && f.depth != 32 {
		return fmt.Errorf("%w: depth %d at %d bits per pixel, only 24- and 32-bit colour is read", errPixelFormat, f.depth, f.bpp)
	}
	if f.bpp != 24 && f.bpp != 32 {
		return fmt.Errorf("%w: depth %d at %d bits per pixel, only 24 or 32 bits per pixel are read", errPixelFormat, f.depth, f.bpp)
	}
	if f.pad != 8 && f.pad != 16 && f.pad != 32 {
		return fmt.Errorf("%w: scanline padding of %d bits", errPixelFormat, f.pad)
	}
	for _, m := range []uint32{f.red, f.green, f.blue} {
		if _, ok := byteShift(m); !ok {
			return fmt.Errorf("%w: colour masks %#06x/%#06x/%#06x, only 8 bits per channel are read", errPixelFormat, f.red, f.green, f.blue)
		}
	}
	if f.red|f.green|f.blue != 0xffffff && f.red|f.green|f.blue != 0xffffff00 {
		return fmt.Errorf("%w: colour masks %#06x/%#06x/%#06x overlap or leave gaps", errPixelFormat, f.red, f.green, f.blue)
	}
	if f.bpp == 24 && (f.red|f.green|f.blue)>>24 != 0 {
		return fmt.Errorf("%w: colour masks %#06x/%#06x/%#06x do not fit 24 bits per pixel", errPixelFormat, f.red, f.green, f.blue)
	}
	return nil
}

// byteShift returns s when mask is 0xff<<s for s a multiple of 8.
func byteShift(mask uint32) (uint, bool) {
	for s := uint(0); s < 32; s += 8 {
		if mask == 0xff<<s {
			return s, true
		}
	}
	return 0, false
}

// stride is the length in bytes of one row of w pixels, padded as the server
// pads scanlines.
func (f zpixmap) stride(w int) int {
	bits := w * f.bpp
	return (bits + f.pad - 1) / f.pad * f.pad / 8
}

// convert writes h rows of w pixels from data, a GetImage reply in this
// format, into dst from row y on, opaque. The format must have passed check.
func (f zpixmap) convert(dst *image.RGBA, y int, data []byte, w, h int) error {
	if w < 0 || h < 0 || w > dst.Rect.Dx() || y < 0 || y+h > dst.Rect.Dy() {
		return fmt.Errorf("x11 GetImage: %d×%d pixels at row %d do not fit a %d×%d image", w, h, y, dst.Rect.Dx(), dst.Rect.Dy())
	}
	stride := f.stride(w)
	if len(data) < stride*h {
		return fmt.Errorf("x11 GetImage: short reply of %d bytes for %d×%d pixels (%d wanted)", len(data), w, h, stride*h)
	}
	rs, _ := byteShift(f.red)
	gs, _ := byteShift(f.green)
	bs, _ := byteShift(f.blue)
	for row := 0; row < h; row++ {
		src := data[row*stride : row*stride+w*f.bpp/8]
		out := dst.Pix[(y+row)*dst.Stride : (y+row)*dst.Stride+4*w]
		f.convertRow(out, src, rs, gs, bs)
	}
	return nil
}

// convertRow turns one row of server pixels into RGBA. The byte order and
// pixel size are chosen once per row, so the inner loops make no calls.
func (f zpixmap) convertRow(out, src []byte, rs, gs, bs uint) {
	rgba := func(p uint32) uint32 {
		return (p>>rs)&0xff | (p>>gs)&0xff<<8 | (p>>bs)&0xff<<16 | 0xff<<24
	}
	switch {
	case f.bpp == 32 && !f.msbFirst:
		out = out[:len(src)]
		for i := 0; i+4 <= len(src); i += 4 {
			binary.LittleEndian.PutUint32(out[i:i+4], rgba(binary.LittleEndian.Uint32(src[i:i+4])))
		}
	case f.bpp == 32:
		out = out[:len(src)]
		for i := 0; i+4 <= len(src); i += 4 {
			binary.LittleEndian.PutUint32(out[i:i+4], rgba(binary.BigEndian.Uint32(src[i:i+4])))
		}
	case !f.msbFirst:
		for x := 0; 3*x+3 <= len(src); x++ {
			s := src[3*x : 3*x+3]
			binary.LittleEndian.PutUint32(out[4*x:], rgba(uint32(s[0])|uint32(s[1])<<8|uint32(s[2])<<16))
		}
	default:
		for x := 0; 3*x+3 <= len(src); x++ {
			s := src[3*x : 3*x+3]
			binary.LittleEndian.PutUint32(out[4*x:], rgba(uint32(s[0])<<16|uint32(s[1])<<8|uint32(s[2])))
		}
	}
}
