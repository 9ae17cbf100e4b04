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
	w := g.w
	switch m := img.(type) {
	case *image.Gray:
		for y := y0; y < y1; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(g.pix[y*w:(y+1)*w], m.Pix[o:o+w])
		}
	case *image.YCbCr:
		for y := y0; y < y1; y++ {
			o := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(g.pix[y*w:(y+1)*w], m.Y[o:o+w])
		}
	case *image.NYCbCrA:
		for y := y0; y < y1; y++ {
			yo := m.YOffset(b.Min.X, b.Min.Y+y)
			ao := m.AOffset(b.Min.X, b.Min.Y+y)
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				a := uint32(m.A[ao+x])
				dst[x] = byte((uint32(m.Y[yo+x])*a + 255*(255-a) + 127) / 255)
			}
		}
	case *image.RGBA:
		// Premultiplied: over white is c + (255-a).
		for y := y0; y < y1; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			src := m.Pix[o : o+4*w]
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				p := src[4*x : 4*x+4 : 4*x+4]
				l := uint32(lum(uint32(p[0]), uint32(p[1]), uint32(p[2]))) + 255 - uint32(p[3])
				if l > 255 {
					l = 255
				}
				dst[x] = byte(l)
			}
		}
	case *image.NRGBA:
		for y := y0; y < y1; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			src := m.Pix[o : o+4*w]
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				p := src[4*x : 4*x+4 : 4*x+4]
				l := uint32(lum(uint32(p[0]), uint32(p[1]), uint32(p[2])))
				if a := uint32(p[3]); a != 255 {
					l = (l*a + 255*(255-a) + 127) / 255
				}
				dst[x] = byte(l)
			}
		}
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
		for y := y0; y < y1; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			src := m.Pix[o : o+w]
			dst := g.pix[y*w : (y+1)*w]
			for x, p := range src {
				dst[x] = table[p]
			}
		}
	case *image.Gray16:
		for y := y0; y < y1; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			src := m.Pix[o : o+2*w]
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				dst[x] = src[2*x]
			}
		}
	case *image.NRGBA64:
		for y := y0; y < y1; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			src := m.Pix[o : o+8*w]
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				p := src[8*x : 8*x+8 : 8*x+8]
				l := uint32(lum(uint32(p[0]), uint32(p[2]), uint32(p[4])))
				if a := uint32(p[6]); a != 255 {
					l = (l*a + 255*(255-a) + 127) / 255
				}
				dst[x] = byte(l)
			}
		}
	case *image.RGBA64:
		for y := y0; y < y1; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			src := m.Pix[o : o+8*w]
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				p := src[8*x : 8*x+8 : 8*x+8]
				l := uint32(lum(uint32(p[0]), uint32(p[2]), uint32(p[4]))) + 255 - uint32(p[6])
				if l > 255 {
					l = 255
				}
				dst[x] = byte(l)
			}
		}
	default:
		// Rare types (CMYK, custom images): the slow generic path.
		for y := y0; y < y1; y++ {
			dst := g.pix[y*w : (y+1)*w]
			for x := range dst {
				dst[x] = colorLum(img.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
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
