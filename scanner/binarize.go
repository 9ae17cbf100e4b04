package scanner

import (
	"github.com/makiuchi-d/gozxing"
)

// hybridBinarize is gozxing's HybridBinarizer (ZXing's local-threshold
// binarizer: 8×8 blocks, each thresholded at the mean black point of the 5×5
// blocks around it) rewritten for speed. It reads the grey buffer directly,
// builds each row's bits 32 at a time, splits the work over both cores,
// and binarizes the image and its inverse (for light-on-dark codes) in one
// go: the inverse's block statistics follow from the image's (sum' =
// 64·255−sum, min' = 255−max, max' = 255−min) and its pixels need no
// inverted copy (255−p ≤ t ⇔ p ≥ 255−t). Each result is bit for bit what
// gozxing computes for the image and for its inverse. Images under 40
// pixels a side go to gozxing, which uses its global binarizer for them.
func hybridBinarize(g *grey) (normal, inverted *gozxing.BitMatrix, err error) {
	const (
		blockPower = 3
		block      = 1 << blockPower
		minDim     = block * 5
	)
	w, h := g.w, g.h
	if w < minDim || h < minDim {
		normal, err = gozxing.NewHybridBinarizer(newGreySource(g)).GetBlackMatrix()
		if err != nil {
			return nil, nil, err
		}
		inverted, err = gozxing.NewHybridBinarizer(newGreySource(g.inverted())).GetBlackMatrix()
		return normal, inverted, err
	}
	subW := (w + block - 1) >> blockPower
	subH := (h + block - 1) >> blockPower
	sums := make([]int32, subW*subH)
	mins := make([]uint8, subW*subH)
	maxs := make([]uint8, subW*subH)
	parallelRows(subH, w*block, func(y0, y1 int) {
		for by := y0; by < y1; by++ {
			yoff := min(by<<blockPower, h-block)
			for bx := 0; bx < subW; bx++ {
				xoff := min(bx<<blockPower, w-block)
				sum, lo, hi := 0, uint8(255), uint8(0)
				for yy := 0; yy < block; yy++ {
					o := (yoff+yy)*w + xoff
					row := g.pix[o : o+block : o+block]
					for _, p := range row {
						sum += int(p)
						lo = min(lo, p)
						hi = max(hi, p)
					}
				}
				i := by*subW + bx
				sums[i], mins[i], maxs[i] = int32(sum), lo, hi
			}
		}
	})
	thr := blockThresholds(sums, mins, maxs, subW, subH, false)
	thrInv := blockThresholds(sums, mins, maxs, subW, subH, true)
	if normal, err = gozxing.NewBitMatrix(w, h); err != nil {
		return nil, nil, err
	}
	if inverted, err = gozxing.NewBitMatrix(w, h); err != nil {
		return nil, nil, err
	}
	parallelRows(h, w, func(y0, y1 int) {
		row := gozxing.NewBitArray(w)
		rowInv := gozxing.NewBitArray(w)
		words, wordsInv := row.GetBitArray(), rowInv.GetBitArray()
		// Per-pixel thresholds for the current block row. The last block
		// row and column start at h-8 and w-8 and overlap the ones before;
		// gozxing sets a pixel black if any block covering it says so, so
		// the overlap takes the larger threshold.
		tr := make([]uint8, w)
		trInv := make([]uint8, w) // 255 − the inverse's threshold
		lastBy, lastOverlap := -1, false
		for y := y0; y < y1; y++ {
			by := y >> blockPower
			overlap := y >= h-block && by != subH-1
			if by != lastBy || overlap != lastOverlap {
				lastBy, lastOverlap = by, overlap
				pixelThresholds(tr, thr, by, subW, subH, w, overlap)
				pixelThresholds(trInv, thrInv, by, subW, subH, w, overlap)
				for x, t := range trInv {
					trInv[x] = 255 - t
				}
			}
			src := g.pix[y*w : (y+1)*w]
			full := w / 32
			for wi := 0; wi < full; wi++ {
				s := src[wi*32 : wi*32+32 : wi*32+32]
				t := tr[wi*32 : wi*32+32 : wi*32+32]
				ti := trInv[wi*32 : wi*32+32 : wi*32+32]
				var bits, bitsInv uint32
				for i := range 32 {
					bits |= b2u(s[i] <= t[i]) << i
					bitsInv |= b2u(s[i] >= ti[i]) << i
				}
				words[wi], wordsInv[wi] = bits, bitsInv
			}
			if full < len(words) {
				var bits, bitsInv uint32
				for x := full * 32; x < w; x++ {
					bits |= b2u(src[x] <= tr[x]) << (x - full*32)
					bitsInv |= b2u(src[x] >= trInv[x]) << (x - full*32)
				}
				words[full], wordsInv[full] = bits, bitsInv
			}
			normal.SetRow(y, row)
			inverted.SetRow(y, rowInv)
		}
	})
	return normal, inverted, nil
}

// blockThresholds computes each block's black point, in order (a flat
// block borrows from the blocks above and to its left), then each block's
// threshold: the mean black point of the 5×5 blocks around it. With
// invert it does so for the inverse image.
func blockThresholds(sums []int32, mins, maxs []uint8, subW, subH int, invert bool) []uint8 {
	const minRange = 24
	bp := make([]int32, subW*subH)
	for by := 0; by < subH; by++ {
		for bx := 0; bx < subW; bx++ {
			i := by*subW + bx
			lo, hi, sum := int32(mins[i]), int32(maxs[i]), sums[i]
			if invert {
				lo, hi, sum = 255-hi, 255-lo, 64*255-sum
			}
			var avg int32
			if hi-lo > minRange {
				avg = sum >> 6
			} else {
				avg = lo / 2
				if by > 0 && bx > 0 {
					n := (bp[i-subW] + 2*bp[i-1] + bp[i-subW-1]) / 4
					if lo < n {
						avg = n
					}
				}
			}
			bp[i] = avg
		}
	}
	thr := make([]uint8, subW*subH)
	for by := 0; by < subH; by++ {
		top := min(max(by, 2), subH-3)
		for bx := 0; bx < subW; bx++ {
			left := min(max(bx, 2), subW-3)
			var sum int32
			for z := -2; z <= 2; z++ {
				r := bp[(top+z)*subW+left-2 : (top+z)*subW+left+3]
				sum += r[0] + r[1] + r[2] + r[3] + r[4]
			}
			thr[by*subW+bx] = uint8(sum / 25)
		}
	}
	return thr
}

// pixelThresholds fills tr with the threshold of each column in block row
// by, taking the larger one where the last block row or column overlaps.
func pixelThresholds(tr, thr []uint8, by, subW, subH, w int, overlap bool) {
	const block = 8
	t := thr[by*subW : (by+1)*subW]
	tl := thr[(subH-1)*subW : subH*subW]
	for x := range tr {
		bx := x >> 3
		v := t[bx]
		if overlap {
			v = max(v, tl[bx])
		}
		if x >= w-block && bx != subW-1 {
			v = max(v, t[subW-1])
			if overlap {
				v = max(v, tl[subW-1])
			}
		}
		tr[x] = v
	}
}

// b2u is 1 for true and 0 for false, without a branch.
func b2u(b bool) uint32 {
	var u uint32
	if b {
		u = 1
	}
	return u
}
