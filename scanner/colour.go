package scanner

import (
	"image"
	"image/color"
)

// decodeColour looks again at a colour image in which the luma showed no
// code. Luma weighs green most, so ink and paper of different hues but
// about the same luma (magenta on green, red on teal, a blue code on an
// orange card under warm light) come out the same grey. It tries ZXing's
// (R+2G+B)/4, then the red, green and blue channels, the one with the most
// edge energy first: in one of them the ink is far from the paper. Each
// gets the full plan (the half-size copy averages away chroma noise).
func decodeColour(img image.Image) []string {
	for _, g := range otherGreys(img) {
		if out := decodeGrey(g, nil); len(out) > 0 {
			return out
		}
	}
	return nil
}

// pngIsGrey reports whether b is a PNG whose IHDR says grey or grey with
// alpha: no colour for decodeColour to look at, so no second decode.
func pngIsGrey(b []byte) bool {
	const colourType = 8 + 8 + 9 // signature, chunk length and type, then width, height, depth
	return len(b) > colourType && string(b[:8]) == "\x89PNG\r\n\x1a\n" && b[colourType]&2 == 0 && b[colourType] != 3
}

// channels are the red, green and blue planes of an image.
type channels [3]*grey

// otherGreys returns the grey conversions decodeColour tries, in order, or
// nothing for an image without colour.
func otherGreys(img image.Image) []*grey {
	ch, ok := splitChannels(img)
	if !ok {
		return nil
	}
	r, g, b := ch[0], ch[1], ch[2]
	avg := &grey{pix: make([]byte, len(r.pix)), w: r.w, h: r.h}
	for i := range avg.pix {
		avg.pix[i] = byte((uint32(r.pix[i]) + 2*uint32(g.pix[i]) + uint32(b.pix[i]) + 2) >> 2)
	}
	out := []*grey{avg}
	order := []int{0, 1, 2}
	e := [3]uint64{edgeEnergy(r), edgeEnergy(g), edgeEnergy(b)}
	for i := 1; i < 3; i++ { // three elements: insertion sort, descending
		for j := i; j > 0 && e[order[j]] > e[order[j-1]]; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	for _, i := range order {
		out = append(out, ch[i])
	}
	return out
}

// edgeEnergy sums the differences between pixels two apart on every other
// row: a code's module edges add much, flat paper little.
func edgeEnergy(g *grey) uint64 {
	var s uint64
	for y := 0; y < g.h; y += 2 {
		row := g.pix[y*g.w : (y+1)*g.w]
		for x := 2; x < len(row); x += 2 {
			d := int(row[x]) - int(row[x-2])
			if d < 0 {
				d = -d
			}
			s += uint64(d)
		}
	}
	return s
}

// splitChannels returns img's colour planes (composited over white), and
// false when img has no colour to split.
func splitChannels(img image.Image) (channels, bool) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var ch channels
	for i := range ch {
		ch[i] = &grey{pix: make([]byte, w*h), w: w, h: h}
	}
	set := func(i int, r, g, bl uint8) {
		ch[0].pix[i], ch[1].pix[i], ch[2].pix[i] = r, g, bl
	}
	switch m := img.(type) {
	case *image.Gray, *image.Gray16:
		return ch, false
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				yi := m.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := m.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bl := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				set(y*w+x, r, g, bl)
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				white := 0xffff - a // premultiplied: over white adds the rest
				set(y*w+x, uint8((r+white)>>8), uint8((g+white)>>8), uint8((bl+white)>>8))
			}
		}
	}
	return ch, !sameChannels(ch)
}

// sameChannels reports whether the three planes are equal: a grey image
// stored as colour.
func sameChannels(ch channels) bool {
	for i := range ch[0].pix {
		if ch[0].pix[i] != ch[1].pix[i] || ch[1].pix[i] != ch[2].pix[i] {
			return false
		}
	}
	return true
}
