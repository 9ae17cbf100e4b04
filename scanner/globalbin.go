// Copyright 2009 ZXing authors; Copyright 2018 Daisuke MAKIUCHI; changes
// copyright the Authdesk authors.
//
// Derived from ZXing's GlobalHistogramBinarizer.java
// (Apache License 2.0, see LICENSE-ZXING) by way of gozxing's Go port
// (MIT, see LICENSE-GOZXING); NOTICE says what was changed.

package scanner

import (
	"encoding/binary"

	"github.com/makiuchi-d/gozxing"
)

// globalBinarize is gozxing's GlobalHistogramBinarizer (one black point
// for the whole image, from a histogram of four rows) for g, or with
// invert for g's inverse, bit for bit. It sets eight pixels per step
// (gozxing sets them one by one), and the inverse needs no inverted copy:
// its histogram is the image's reversed, and 255−p < t ⇔ p ≥ 256−t.
func globalBinarize(g *grey, invert bool) (*gozxing.BitMatrix, error) {
	const shift = 3 // luminance bits dropped: 32 buckets
	w, h := g.w, g.h
	m, err := gozxing.NewBitMatrix(w, h)
	if err != nil {
		return nil, err
	}
	var buckets [256 >> shift]int
	for y := 1; y < 5; y++ {
		row := g.pix[(h*y/5)*w:][:w]
		for _, p := range row[w/5 : w*4/5] {
			b := p >> shift
			if invert {
				b = byte(len(buckets)-1) - b
			}
			buckets[b]++
		}
	}
	bp, ok := blackPoint(buckets[:])
	if !ok {
		return nil, gozxing.NewNotFoundException()
	}
	bp <<= shift
	// Normal: black where p < bp, that is bp−1 ≥ p. Inverse: black where
	// 255−p < bp, that is p ≥ 256−bp. bp is a valley strictly between two
	// buckets, so 8 ≤ bp ≤ 248 and both thresholds fit a byte.
	t := uint64(bp-1) * lanes
	if invert {
		t = uint64(256-bp) * lanes
	}
	row := gozxing.NewBitArray(w)
	words := row.GetBitArray()
	full := w / 32
	for y := 0; y < h; y++ {
		src := g.pix[y*w : (y+1)*w]
		for wi := 0; wi < full; wi++ {
			var bits uint32
			for k := range 4 {
				p := binary.LittleEndian.Uint64(src[wi*32+k*8:])
				if invert {
					bits |= packLanes(geLanes(p, t)) << (8 * k)
				} else {
					bits |= packLanes(geLanes(t, p)) << (8 * k)
				}
			}
			words[wi] = bits
		}
		if full < len(words) {
			var bits uint32
			for x := full * 32; x < w; x++ {
				black := int(src[x]) < bp
				if invert {
					black = 255-int(src[x]) < bp
				}
				bits |= b2u(black) << (x - full*32)
			}
			words[full] = bits
		}
		m.SetRow(y, row)
	}
	return m, nil
}

// blackPoint is GlobalHistogramBinarizer's estimateBlackPoint: the bucket
// of a low valley between the two tallest peaks far apart, nearer the
// white one; false when the peaks are too close for a meaningful one.
func blackPoint(buckets []int) (int, bool) {
	n := len(buckets)
	maxCount, first, firstSize := 0, 0, 0
	for x, c := range buckets {
		if c > firstSize {
			first, firstSize = x, c
		}
		maxCount = max(maxCount, c)
	}
	second, secondScore := 0, 0
	for x, c := range buckets {
		d := x - first
		if score := c * d * d; score > secondScore {
			second, secondScore = x, score
		}
	}
	if first > second {
		first, second = second, first
	}
	if second-first <= n/16 {
		return 0, false
	}
	best, bestScore := second-1, -1
	for x := second - 1; x > first; x-- {
		from := x - first
		if score := from * from * (second - x) * (maxCount - buckets[x]); score > bestScore {
			best, bestScore = x, score
		}
	}
	return best, true
}
