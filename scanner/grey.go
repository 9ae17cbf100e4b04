package scanner

import (
	"image"
	"image/color"
	"sync"

	"github.com/makiuchi-d/gozxing"
)

// grey is an 8-bit luminance buffer, row-major with no padding, which is
// what gozxing's binarizers want. Building it once straight from the decoded
// image's pixel slices is far cheaper than image.At per pixel.
type grey struct {
	pix  []byte
	w, h int
}

// toGrey converts img to luminance, compositing transparent pixels over
// white (a QR code in a PNG with a transparent background is dark on
// whatever the viewer shows, and viewers show white).
func toGrey(img image.Image) *grey {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	g := &grey{pix: make([]byte, w*h), w: w, h: h}
	rows := func(y0, y1 int) { convertRows(img, g, y0, y1) }
	parallelRows(h, w, rows)
	return g
}

// sharedGrey is the luminance of an image this package decoded, without
// a copy when it already is an unpadded 8-bit luma plane: a JPEG's Y plane
// (every colour JPEG), a grey JPEG or PNG. The grey shares the plane;
// nothing writes to either afterwards (a variant, inverted or halved, is a
// new buffer). Not for a caller's image, which the caller may change.
// Sparing the copy spares fresh heap pages, which cost most of a scan's
// start-up (README, authdesk-cli start-up).
func sharedGrey(img image.Image) (*grey, bool) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var plane []byte
	switch m := img.(type) {
	case *image.YCbCr:
		if m.YStride != w {
			return nil, false
		}
		plane = m.Y[m.YOffset(b.Min.X, b.Min.Y):]
	case *image.Gray:
		if m.Stride != w {
			return nil, false
		}
		plane = m.Pix[m.PixOffset(b.Min.X, b.Min.Y):]
	default:
		return nil, false
	}
	if len(plane) < w*h {
		return nil, false
	}
	return &grey{pix: plane[: w*h : w*h], w: w, h: h}, true
}

// parallelRows splits [0,h) in two halves on big images so that both cores
// work on the conversion.
func parallelRows(h, w int, f func(y0, y1 int)) {
	if w*h < 1<<20 {
		f(0, h)
		return
	}
	var wg sync.WaitGroup
	mid := h / 2
	wg.Add(1)
	go func() { defer wg.Done(); f(0, mid) }()
	f(mid, h)
	wg.Wait()
}

// lum is the Rec. 601 luma of 8-bit RGB, in integer arithmetic.
func lum(r, g, b uint32) byte {
	return byte((r*77 + g*150 + b*29 + 128) >> 8)
}

func convertRows(img image.Image, g *grey, y0, y1 int) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.Gray:
		pixRows(g, y0, y1, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, 1, copyRow)
	case *image.YCbCr:
		pixRows(g, y0, y1, m.Y[m.YOffset(b.Min.X, b.Min.Y):], m.YStride, 1, copyRow)
	case *image.NYCbCrA:
		// Two planes: luma, and straight alpha beside it.
		w := g.w
		for y := y0; y < y1; y++ {
			yo := m.YOffset(b.Min.X, b.Min.Y+y)
			ao := m.AOffset(b.Min.X, b.Min.Y+y)
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				dst[x] = overWhite(uint32(m.Y[yo+x]), uint32(m.A[ao+x]))
			}
		}
	case *image.RGBA:
		pixRows(g, y0, y1, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, 4, rgbaRow8)
	case *image.NRGBA:
		pixRows(g, y0, y1, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, 4, nrgbaRow8)
	case *image.Paletted:
		var table [256]byte
		for i := range table {
			table[i] = 255
		}
		for i, c := range m.Palette {
			if i < 256 {
				table[i] = colorLum(c)
			}
		}
		pixRows(g, y0, y1, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, 1, func(dst, src []byte) {
			for x, p := range src {
				dst[x] = table[p]
			}
		})
	case *image.Gray16:
		pixRows(g, y0, y1, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, 2, func(dst, src []byte) {
			for x := range dst {
				dst[x] = src[2*x] // the high byte
			}
		})
	case *image.RGBA64:
		pixRows(g, y0, y1, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, 8, rgbaRow16)
	case *image.NRGBA64:
		pixRows(g, y0, y1, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, 8, nrgbaRow16)
	default:
		// Rare types (CMYK, custom images): the slow generic path.
		w := g.w
		for y := y0; y < y1; y++ {
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				dst[x] = colorLum(img.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
}

// pixRows calls row for each line y of [y0,y1) with g's line y and the
// bytes of the image's line y in pix: the image's pixels from its top left
// corner on, stride bytes a line and bpp bytes a pixel.
func pixRows(g *grey, y0, y1 int, pix []byte, stride, bpp int, row func(dst, src []byte)) {
	w := g.w
	for y := y0; y < y1; y++ {
		o := y * stride
		row(g.pix[y*w:(y+1)*w], pix[o:o+bpp*w])
	}
}

func copyRow(dst, src []byte) { copy(dst, src) }

// The rows of RGBA pixels, premultiplied or not, with 8 or 16 bits a
// sample: four loops that differ only in their step, each over a pixel
// function that inlines with its sample size known.

func rgbaRow8(dst, src []byte) {
	for x := range dst {
		dst[x] = rgbaPixel(src[4*x:4*x+4:4*x+4], 1)
	}
}

func rgbaRow16(dst, src []byte) {
	for x := range dst {
		dst[x] = rgbaPixel(src[8*x:8*x+8:8*x+8], 2)
	}
}

func nrgbaRow8(dst, src []byte) {
	for x := range dst {
		dst[x] = nrgbaPixel(src[4*x:4*x+4:4*x+4], 1)
	}
}

func nrgbaRow16(dst, src []byte) {
	for x := range dst {
		dst[x] = nrgbaPixel(src[8*x:8*x+8:8*x+8], 2)
	}
}

// rgbaPixel is the luminance over white of the premultiplied RGBA pixel p,
// s bytes a sample (1 or 2, the high byte first).
func rgbaPixel(p []byte, s int) byte {
	return premultipliedOverWhite(uint32(lum(uint32(p[0]), uint32(p[s]), uint32(p[2*s]))), uint32(p[3*s]))
}

// nrgbaPixel is the luminance over white of the straight-alpha RGBA pixel
// p, s bytes a sample (1 or 2, the high byte first).
func nrgbaPixel(p []byte, s int) byte {
	return overWhite(uint32(lum(uint32(p[0]), uint32(p[s]), uint32(p[2*s]))), uint32(p[3*s]))
}

// overWhite composites luminance l of straight alpha a (both 0-255) over
// white.
func overWhite(l, a uint32) byte {
	if a == 255 {
		return byte(l) // opaque, the common case: no division
	}
	return byte((l*a + 255*(255-a) + 127) / 255)
}

// premultipliedOverWhite composites luminance l, already multiplied by its
// alpha a (both 0-255), over white: l + (255-a).
func premultipliedOverWhite(l, a uint32) byte {
	return byte(min(l+255-a, 255))
}

// colorLum is the luminance of c composited over white.
func colorLum(c color.Color) byte {
	r, g, b, a := c.RGBA() // premultiplied, 16-bit
	l := (r*77+g*150+b*29)>>16 + (0xffff-a)>>8
	if l > 255 {
		l = 255
	}
	return byte(l)
}

// half is g downscaled 2× with a 2×2 box filter, which also averages away
// JPEG noise.
func (g *grey) half() *grey {
	w, h := g.w/2, g.h/2
	d := &grey{pix: make([]byte, w*h), w: w, h: h}
	parallelRows(h, w*4, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			r0 := g.pix[2*y*g.w : 2*y*g.w+2*w]
			r1 := g.pix[(2*y+1)*g.w : (2*y+1)*g.w+2*w]
			dst := d.pix[y*w : (y+1)*w]
			for x := range dst {
				dst[x] = byte((uint32(r0[2*x]) + uint32(r0[2*x+1]) + uint32(r1[2*x]) + uint32(r1[2*x+1]) + 2) >> 2)
			}
		}
	})
	return d
}

// inverted returns a copy with light and dark swapped, for light-on-dark codes.
func (g *grey) inverted() *grey {
	d := &grey{pix: make([]byte, len(g.pix)), w: g.w, h: g.h}
	for i, p := range g.pix {
		d.pix[i] = 255 - p
	}
	return d
}

// greySource adapts a grey buffer to gozxing.LuminanceSource without copying.
type greySource struct {
	gozxing.LuminanceSourceBase
	g *grey
}

func newGreySource(g *grey) *greySource {
	return &greySource{LuminanceSourceBase: gozxing.LuminanceSourceBase{Width: g.w, Height: g.h}, g: g}
}

func (s *greySource) GetRow(y int, row []byte) ([]byte, error) {
	if y < 0 || y >= s.g.h {
		return nil, gozxing.NewNotFoundException()
	}
	if len(row) < s.g.w {
		row = make([]byte, s.g.w)
	}
	copy(row, s.g.pix[y*s.g.w:(y+1)*s.g.w])
	return row, nil
}

func (s *greySource) GetMatrix() []byte { return s.g.pix }

func (s *greySource) Invert() gozxing.LuminanceSource { return newGreySource(s.g.inverted()) }

func (s *greySource) String() string { return gozxing.LuminanceSourceString(s) }
