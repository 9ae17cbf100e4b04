package scanner

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// The PNG fast path. Screenshots are mostly PNG, and the standard decoder
// spends most of its time expanding every pixel into an RGBA image that we
// then turn into grey. pngGrey inflates and unfilters row by row and writes
// luminance straight into the grey buffer: less than half the time, and a
// quarter of the memory, on a 4K screenshot. It handles the common case
// (8-bit or 16-bit, not interlaced, any colour type; palettes of 8 bits);
// anything else returns errPNGFallback and goes through image/png.

var errPNGFallback = errors.New("png: not handled by the fast path")

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// pngGrey decodes a PNG straight to luminance (transparent pixels composited
// over white).
func pngGrey(b []byte, maxPixels int64) (*grey, error) {
	if !bytes.HasPrefix(b, pngSignature) {
		return nil, errPNGFallback
	}
	p, err := pngReadChunks(b[len(pngSignature):], maxPixels)
	if err != nil {
		return nil, err
	}
	if p.transparentKV {
		return nil, errPNGFallback
	}
	if err := p.applyPaletteAlpha(); err != nil {
		return nil, err
	}
	fr, err := p.inflater()
	if err != nil {
		return nil, err
	}
	defer fr.Close()

	channels := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[p.ctype]
	bpp := channels * int(p.depth) / 8
	stride := p.w * bpp
	g := &grey{pix: make([]byte, p.w*p.h), w: p.w, h: p.h}
	if err := pngPixels(fr, g, stride, bpp, p.ctype, p.depth, p.palette); err != nil {
		return nil, err
	}
	return g, nil
}

// pngChunks is what the fast path keeps of a PNG's chunks.
type pngChunks struct {
	w, h          int
	depth, ctype  byte
	haveIHDR      bool
	palette       []byte // luminance per index, over white
	paletteAlpha  []byte
	idat          []io.Reader
	transparentKV bool
}

// pngReadChunks checks and reads the chunks after the signature up to IEND.
func pngReadChunks(b []byte, maxPixels int64) (*pngChunks, error) {
	p := &pngChunks{}
	for {
		if len(b) < 12 {
			return nil, fmt.Errorf("%w: png: truncated before IEND", ErrUnsupportedImage)
		}
		n := binary.BigEndian.Uint32(b[:4])
		if n > uint32(len(b)-12) {
			return nil, fmt.Errorf("%w: png: truncated chunk", ErrUnsupportedImage)
		}
		typ := string(b[4:8])
		data := b[8 : 8+n]
		if crc32.ChecksumIEEE(b[4:8+n]) != binary.BigEndian.Uint32(b[8+n:12+n]) {
			return nil, fmt.Errorf("%w: png: bad checksum in %q chunk", ErrUnsupportedImage, typ)
		}
		b = b[12+n:]
		if !p.haveIHDR && typ != "IHDR" {
			return nil, fmt.Errorf("%w: png: missing IHDR", ErrUnsupportedImage)
		}
		if typ == "IEND" {
			return p, nil
		}
		if err := p.read(typ, data, maxPixels); err != nil {
			return nil, err
		}
	}
}

// read takes in one chunk other than IEND.
func (p *pngChunks) read(typ string, data []byte, maxPixels int64) error {
	switch typ {
	case "IHDR":
		return p.readIHDR(data, maxPixels)
	case "PLTE":
		return p.readPLTE(data)
	case "tRNS":
		if p.ctype != 3 {
			p.transparentKV = true // a transparent colour key: rare, leave it to image/png
		}
		p.paletteAlpha = data
	case "IDAT":
		p.idat = append(p.idat, bytes.NewReader(data))
	}
	return nil
}

// readIHDR checks the header: size within maxPixels, not interlaced, and a
// depth and colour type the fast path handles.
func (p *pngChunks) readIHDR(data []byte, maxPixels int64) error {
	if p.haveIHDR || len(data) != 13 {
		return fmt.Errorf("%w: png: bad IHDR", ErrUnsupportedImage)
	}
	p.haveIHDR = true
	w32, h32 := binary.BigEndian.Uint32(data[0:4]), binary.BigEndian.Uint32(data[4:8])
	if w32 == 0 || h32 == 0 || w32 > 1<<31-1 || h32 > 1<<31-1 {
		return fmt.Errorf("%w: png: %d×%d pixels", ErrUnsupportedImage, w32, h32)
	}
	if int64(w32)*int64(h32) > maxPixels {
		return fmt.Errorf("%w: png of %d×%d pixels, the limit is %d", ErrImageTooLarge, w32, h32, maxPixels)
	}
	p.w, p.h = int(w32), int(h32)
	p.depth, p.ctype = data[8], data[9]
	if data[10] != 0 || data[11] != 0 || data[12] != 0 {
		return errPNGFallback // interlaced (or invalid: the standard decoder says which)
	}
	switch {
	case p.depth == 8 && (p.ctype == 0 || p.ctype == 2 || p.ctype == 3 || p.ctype == 4 || p.ctype == 6):
	case p.depth == 16 && (p.ctype == 0 || p.ctype == 2 || p.ctype == 4 || p.ctype == 6):
	default:
		return errPNGFallback
	}
	return nil
}

// readPLTE turns the palette into luminance per index; indices past its end
// are white.
func (p *pngChunks) readPLTE(data []byte) error {
	if len(data)%3 != 0 || len(data) > 3*256 {
		return fmt.Errorf("%w: png: bad palette", ErrUnsupportedImage)
	}
	p.palette = make([]byte, 256)
	for i := range p.palette {
		p.palette[i] = 255
	}
	for i := 0; i < len(data)/3; i++ {
		p.palette[i] = lum(uint32(data[3*i]), uint32(data[3*i+1]), uint32(data[3*i+2]))
	}
	return nil
}

// applyPaletteAlpha composites a palette image's entries over white.
func (p *pngChunks) applyPaletteAlpha() error {
	if p.ctype != 3 {
		return nil
	}
	if p.palette == nil {
		return fmt.Errorf("%w: png: palette image without PLTE", ErrUnsupportedImage)
	}
	for i, a := range p.paletteAlpha {
		if i < 256 {
			p.palette[i] = byte((uint32(p.palette[i])*uint32(a) + 255*(255-uint32(a)) + 127) / 255)
		}
	}
	return nil
}

// inflater checks the zlib header of the IDAT chunks' stream and returns
// the inflating reader after it.
func (p *pngChunks) inflater() (io.ReadCloser, error) {
	if len(p.idat) == 0 {
		return nil, fmt.Errorf("%w: png: no image data", ErrUnsupportedImage)
	}
	zr := io.MultiReader(p.idat...)
	var hdr [2]byte
	if _, err := io.ReadFull(zr, hdr[:]); err != nil {
		return nil, fmt.Errorf("%w: png: %v", ErrUnsupportedImage, err)
	}
	// zlib header: deflate, no preset dictionary, valid check bits. The
	// Adler-32 trailer is not checked: a corrupt stream shows as bad
	// filters or a short read, and the pixels only feed a QR search.
	if hdr[0]&0x0f != 8 || hdr[1]&0x20 != 0 || (uint16(hdr[0])<<8|uint16(hdr[1]))%31 != 0 {
		return nil, fmt.Errorf("%w: png: bad zlib header", ErrUnsupportedImage)
	}
	return flate.NewReader(zr), nil
}

// pngBatchRows is how many rows the inflating goroutine hands over at a time.
const pngBatchRows = 32

// pngPixels inflates and unfilters the rows and converts them to grey. On
// big images the conversion runs on a second goroutine, a batch of rows
// behind the inflating one, through a small ring of row buffers.
func pngPixels(fr io.Reader, g *grey, stride, bpp int, ctype, depth byte, palette []byte) error {
	w, h := g.w, g.h
	rowLen := 1 + stride
	if w*h < 1<<19 {
		cur, prev := make([]byte, rowLen), make([]byte, rowLen)
		for y := 0; y < h; y++ {
			if _, err := io.ReadFull(fr, cur); err != nil {
				return fmt.Errorf("%w: png: image data ends at row %d of %d: %v", ErrUnsupportedImage, y, h, err)
			}
			if err := unfilter(cur[0], cur[1:], prev[1:], bpp); err != nil {
				return err
			}
			pngRow(g.pix[y*w:(y+1)*w], cur[1:], ctype, depth, palette)
			cur, prev = prev, cur
		}
		return nil
	}
	type batch struct{ idx, y0, n int }
	const ring = 4
	bufs := make([][]byte, ring)
	free := make(chan int, ring)
	for i := range bufs {
		bufs[i] = make([]byte, pngBatchRows*rowLen)
		free <- i
	}
	full := make(chan batch, ring)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range full {
			for r := 0; r < b.n; r++ {
				y := b.y0 + r
				pngRow(g.pix[y*w:(y+1)*w], bufs[b.idx][r*rowLen+1:(r+1)*rowLen], ctype, depth, palette)
			}
			free <- b.idx
		}
	}()
	err := func() error {
		defer close(full)
		prev := make([]byte, rowLen) // the row above the batch, unfiltered
		for y0 := 0; y0 < h; y0 += pngBatchRows {
			idx := <-free
			n := min(pngBatchRows, h-y0)
			buf := bufs[idx]
			above := prev
			for r := 0; r < n; r++ {
				row := buf[r*rowLen : (r+1)*rowLen]
				if _, err := io.ReadFull(fr, row); err != nil {
					return fmt.Errorf("%w: png: image data ends at row %d of %d: %v", ErrUnsupportedImage, y0+r, h, err)
				}
				if err := unfilter(row[0], row[1:], above[1:], bpp); err != nil {
					return err
				}
				above = row
			}
			copy(prev, above)
			full <- batch{idx, y0, n}
		}
		return nil
	}()
	<-done
	return err
}

// unfilter reverses one row's PNG filter in place.
func unfilter(ft byte, cdat, pdat []byte, bpp int) error {
	switch ft {
	case 0:
	case 1: // sub
		for i := bpp; i < len(cdat); i++ {
			cdat[i] += cdat[i-bpp]
		}
	case 2: // up
		unfilterUp(cdat, pdat)
	case 3: // average
		for i := 0; i < bpp; i++ {
			cdat[i] += pdat[i] / 2
		}
		for i := bpp; i < len(cdat); i++ {
			cdat[i] += uint8((int(cdat[i-bpp]) + int(pdat[i])) / 2)
		}
	case 4: // Paeth, in one pass over the row
		for i := 0; i < bpp; i++ {
			cdat[i] += pdat[i] // a = c = 0: the predictor is b
		}
		for i := bpp; i < len(cdat); i++ {
			a, b, c := int32(cdat[i-bpp]), int32(pdat[i]), int32(pdat[i-bpp])
			pa := b - c
			pb := a - c
			pc := pa + pb
			pa = abs32(pa)
			pb = abs32(pb)
			pc = abs32(pc)
			pred := a
			if pb < pa {
				pred, pa = b, pb
			}
			if pc < pa {
				pred = c
			}
			cdat[i] += uint8(pred)
		}
	default:
		return fmt.Errorf("%w: png: bad filter type %d", ErrUnsupportedImage, ft)
	}
	return nil
}

// unfilterUp adds the row above, byte-wise, eight bytes at a time: the low
// seven bits of each byte add without carrying into the next, and the high
// bit is the xor of the two high bits and that carry.
func unfilterUp(cdat, pdat []byte) {
	n := min(len(cdat), len(pdat)) &^ 7
	for i := 0; i < n; i += 8 {
		a := binary.LittleEndian.Uint64(cdat[i:])
		b := binary.LittleEndian.Uint64(pdat[i:])
		binary.LittleEndian.PutUint64(cdat[i:], ((a&^laneHigh)+(b&^laneHigh))^((a^b)&laneHigh))
	}
	for i := n; i < len(cdat) && i < len(pdat); i++ {
		cdat[i] += pdat[i]
	}
}

// pngRow converts one unfiltered row to luminance.
func pngRow(dst, src []byte, ctype, depth byte, palette []byte) {
	s := int(depth) / 8 // bytes per sample; the high byte comes first
	switch ctype {
	case 0:
		if s == 1 {
			copy(dst, src)
			return
		}
		for x := range dst {
			dst[x] = src[2*x]
		}
	case 2:
		if s == 1 {
			for x := range dst {
				p := src[3*x : 3*x+3 : 3*x+3]
				dst[x] = lum(uint32(p[0]), uint32(p[1]), uint32(p[2]))
			}
			return
		}
		for x := range dst {
			p := src[3*s*x:]
			dst[x] = lum(uint32(p[0]), uint32(p[s]), uint32(p[2*s]))
		}
	case 3:
		for x, i := range src[:len(dst)] {
			dst[x] = palette[i]
		}
	case 4:
		for x := range dst {
			p := src[2*s*x:]
			dst[x] = overWhite(uint32(p[0]), uint32(p[s]))
		}
	case 6:
		if s == 1 {
			nrgbaRow8(dst, src)
		} else {
			nrgbaRow16(dst, src)
		}
	}
}

func abs32(x int32) int32 {
	m := x >> 31
	return (x ^ m) - m
}
