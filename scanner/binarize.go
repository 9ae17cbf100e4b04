// Copyright 2009 ZXing authors; Copyright 2018 Daisuke MAKIUCHI; changes
// copyright the Authdesk authors.
//
// Derived from ZXing's HybridBinarizer.java
// (Apache License 2.0, see LICENSE-ZXING) by way of gozxing's Go port
// (MIT, see LICENSE-GOZXING); NOTICE says what was changed.

package scanner

import (
	"encoding/binary"

	"github.com/makiuchi-d/gozxing"
)

// hybridBinarize is gozxing's HybridBinarizer (ZXing's local-threshold
// binarizer: 8×8 blocks, each thresholded at the mean black point of the 5×5
// blocks around it) rewritten for speed. It reads the grey buffer directly,
// works on eight pixels at a time in a uint64 (block sums, minima and
// maxima, and the threshold compares: one 8-pixel row of a block shares
// one threshold), builds each row's bits 32 at a time, splits the work
// over both cores,
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
				i := by*subW + bx
				sums[i], mins[i], maxs[i] = blockStats(g.pix[yoff*w+xoff:], w)
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
	// Whole 32-pixel words left of the last block column's overlap go
	// eight pixels (one block, one threshold) at a time; the rest pixel
	// by pixel with per-pixel thresholds.
	swarWords := max(0, (w-block)/32)
	parallelRows(h, w, func(y0, y1 int) {
		row := gozxing.NewBitArray(w)
		rowInv := gozxing.NewBitArray(w)
		words, wordsInv := row.GetBitArray(), rowInv.GetBitArray()
		// Thresholds for the current block row: per block for the SWAR
		// words, per pixel for the tail. The last block row and column
		// start at h-8 and w-8 and overlap the ones before; gozxing sets a
		// pixel black if any block covering it says so, so the overlap
		// takes the larger threshold.
		bt := make([]uint8, subW)
		btInv := make([]uint8, subW) // 255 − the inverse's threshold
		tail := swarWords * 32
		tr := make([]uint8, w)
		trInv := make([]uint8, w)
		lastBy, lastOverlap := -1, false
		for y := y0; y < y1; y++ {
			by := y >> blockPower
			overlap := y >= h-block && by != subH-1
			if by != lastBy || overlap != lastOverlap {
				lastBy, lastOverlap = by, overlap
				blockRowThresholds(bt, thr, by, subW, subH, overlap)
				blockRowThresholds(btInv, thrInv, by, subW, subH, overlap)
				for i, t := range btInv {
					btInv[i] = 255 - t
				}
				pixelThresholds(tr, thr, by, subW, subH, w, tail, overlap)
				pixelThresholds(trInv, thrInv, by, subW, subH, w, tail, overlap)
				for x := tail; x < w; x++ {
					trInv[x] = 255 - trInv[x]
				}
			}
			src := g.pix[y*w : (y+1)*w]
			for wi := 0; wi < swarWords; wi++ {
				var bits, bitsInv uint32
				for k := range 4 {
					bx := wi*4 + k
					p := binary.LittleEndian.Uint64(src[bx*block:])
					t := uint64(bt[bx]) * lanes
					ti := uint64(btInv[bx]) * lanes
					bits |= packLanes(geLanes(t, p)) << (8 * k)
					bitsInv |= packLanes(geLanes(p, ti)) << (8 * k)
				}
				words[wi], wordsInv[wi] = bits, bitsInv
			}
			for wi := swarWords; wi < len(words); wi++ {
				var bits, bitsInv uint32
				for x := wi * 32; x < min(w, wi*32+32); x++ {
					bits |= b2u(src[x] <= tr[x]) << (x - wi*32)
					bitsInv |= b2u(src[x] >= trInv[x]) << (x - wi*32)
				}
				words[wi], wordsInv[wi] = bits, bitsInv
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
	// The 5×5 sums, separably: a vertical sum of five per column for the
	// centre row, then a sliding horizontal sum of five of those. Centres
	// are clamped two blocks in from the edges.
	thr := make([]uint8, subW*subH)
	col := make([]int32, subW)
	box := make([]int32, subW)
	prevTop := -1
	for by := 0; by < subH; by++ {
		top := min(max(by, 2), subH-3)
		if top != prevTop {
			prevTop = top
			clear(col)
			for z := -2; z <= 2; z++ {
				for x, v := range bp[(top+z)*subW : (top+z+1)*subW] {
					col[x] += v
				}
			}
			sum := col[0] + col[1] + col[2] + col[3] + col[4]
			box[2] = sum
			for cx := 3; cx <= subW-3; cx++ {
				sum += col[cx+2] - col[cx-3]
				box[cx] = sum
			}
		}
		row := thr[by*subW : (by+1)*subW]
		for bx := range row {
			row[bx] = uint8(box[min(max(bx, 2), subW-3)] / 25)
		}
	}
	return thr
}

// blockRowThresholds fills bt with the threshold of each block in block
// row by, taking the larger one where the last block row overlaps.
func blockRowThresholds(bt, thr []uint8, by, subW, subH int, overlap bool) {
	copy(bt, thr[by*subW:(by+1)*subW])
	if overlap {
		for bx, t := range thr[(subH-1)*subW : subH*subW] {
			bt[bx] = max(bt[bx], t)
		}
	}
}

// pixelThresholds fills tr[x0:] with the threshold of each column in block
// row by, taking the larger one where the last block row or column overlaps.
func pixelThresholds(tr, thr []uint8, by, subW, subH, w, x0 int, overlap bool) {
	const block = 8
	t := thr[by*subW : (by+1)*subW]
	tl := thr[(subH-1)*subW : subH*subW]
	for x := x0; x < len(tr); x++ {
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

// SWAR ("SIMD within a register") helpers: a uint64 holds eight pixels,
// one per byte lane, pixel x in the lane at bits 8x..8x+7 (a little-endian
// load).
const (
	lanes    = 0x0101010101010101 // multiplier that copies a byte to every lane
	laneHigh = 0x8080808080808080 // the high bit of every lane
	laneLow  = 0x00ff00ff00ff00ff // the even lanes, as 16-bit lanes
)

// geLanes has the high bit of each lane set where a's byte ≥ b's
// (unsigned), and nothing else. The subtraction works on the low seven
// bits of each lane, with the high bit set in a so that no lane borrows
// from the next; the high bits then decide where they differ.
func geLanes(a, b uint64) uint64 {
	low := (a | laneHigh) - (b &^ laneHigh) // high bit: a's low 7 bits ≥ b's
	return ((a &^ b) | (^(a ^ b) & low)) & laneHigh
}

// packLanes gathers the high bits of the eight lanes into bits 0..7.
func packLanes(m uint64) uint32 {
	return uint32(((m >> 7) * 0x0102040810204080) >> 56)
}

// minMaxLanes is the lane-wise minimum and maximum of a and b.
func minMaxLanes(a, b uint64) (lo, hi uint64) {
	ge := (geLanes(a, b) >> 7) * 0xff // all ones where a ≥ b
	d := (a ^ b) & ge
	return a ^ d, b ^ d
}

// blockStats is the sum, minimum and maximum of the 8×8 block at the
// start of pix, whose rows are stride bytes apart.
func blockStats(pix []byte, stride int) (sum int32, lo, hi uint8) {
	v := binary.LittleEndian.Uint64(pix)
	vmin, vmax := v, v
	acc := (v & laneLow) + (v >> 8 & laneLow) // four 16-bit sums of two pixels
	for yy := 1; yy < 8; yy++ {
		v = binary.LittleEndian.Uint64(pix[yy*stride:])
		acc += (v & laneLow) + (v >> 8 & laneLow)
		vmin, _ = minMaxLanes(vmin, v)
		_, vmax = minMaxLanes(vmax, v)
	}
	// Fold the lanes: each step leaves the answer for the lanes below in
	// the lanes below (the lanes above read garbage and are ignored).
	for _, sh := range [3]uint{32, 16, 8} {
		vmin, _ = minMaxLanes(vmin, vmin>>sh)
		_, vmax = minMaxLanes(vmax, vmax>>sh)
	}
	return int32((acc * 0x0001000100010001) >> 48), uint8(vmin), uint8(vmax)
}

// b2u is 1 for true and 0 for false, without a branch.
func b2u(b bool) uint32 {
	var u uint32
	if b {
		u = 1
	}
	return u
}
