// Copyright 2009 ZXing authors; Copyright 2018 Daisuke MAKIUCHI; changes
// copyright the Authdesk authors.
//
// Derived from ZXing's MultiFinderPatternFinder.java
// (Apache License 2.0, see LICENSE-ZXING) by way of gozxing's Go port
// (MIT, see LICENSE-GOZXING); NOTICE says what was changed.

package scanner

import (
	"math"
	"math/bits"
	"sort"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// findMulti is gozxing's MultiFinderPatternFinder.FindMulti with TRY_HARDER
// (scan every third row for the 1:1:3:1:1 finder-pattern ratio, confirm
// candidates vertically, horizontally and diagonally, then group them in
// threes), with the row scan rewritten: it walks runs of equal bits 32 at a
// time with bit tricks instead of calling BitMatrix.Get on every pixel, so
// the blank parts of a screenshot cost almost nothing. The state machine
// is fed exactly the transitions the per-pixel loop sees, so the result is
// the same (TestFindMultiMatchesGozxing). It returns the finder with its
// possible centres and the triples that may be codes.
func findMulti(m *gozxing.BitMatrix) (*detector.FinderPatternFinder, []*detector.FinderPatternInfo) {
	f := detector.NewFinderPatternFinder(m, nil)
	maxI, maxJ := m.GetHeight(), m.GetWidth()
	row := gozxing.NewBitArray(maxJ)
	var sc [5]int
	stateCount := sc[:]
	clear := func() { sc = [5]int{} }
	shift2 := func() { sc = [5]int{sc[2], sc[3], sc[4], 1, 0} }
	for i := detector.FinderPatternFinder_MIN_SKIP - 1; i < maxI; i += detector.FinderPatternFinder_MIN_SKIP {
		row = m.GetRow(i, row)
		words := row.GetBitArray()
		clear()
		state := 0
		for j := 0; j < maxJ; {
			black := words[j>>5]>>(uint(j)&31)&1 == 1
			n := runLength(words, j, maxJ, black)
			if black {
				if state&1 == 1 {
					state++
				}
				sc[state] += n
			} else {
				switch {
				case state&1 == 1:
					sc[state] += n
				case state != 4:
					state++
					sc[state] += n
				default:
					// The first white pixel after five runs: a candidate.
					// That pixel itself is not counted, as in gozxing.
					if detector.FinderPatternFinder_foundPatternCross(stateCount) && f.HandlePossibleCenter(stateCount, i, j) {
						state = 0
						clear()
						if n > 1 {
							state = 1
							sc[1] += n - 1
						}
					} else {
						shift2()
						state = 3
						sc[3] += n - 1
					}
				}
			}
			j += n
		}
		if detector.FinderPatternFinder_foundPatternCross(stateCount) {
			f.HandlePossibleCenter(stateCount, i, maxJ)
		}
	}
	patterns := selectMultipleBestPatterns(f.GetPossibleCenters())
	infos := make([]*detector.FinderPatternInfo, 0, len(patterns))
	for _, p := range patterns {
		bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(p[0], p[1], p[2])
		infos = append(infos, detector.NewFinderPatternInfo(
			bl.(*detector.FinderPattern), tl.(*detector.FinderPattern), tr.(*detector.FinderPattern)))
	}
	return f, infos
}

// runLength is the number of pixels from j on (before end) that have the
// colour black, read from the row's bit words.
func runLength(words []uint32, j, end int, black bool) int {
	start := j
	for j < end {
		w := words[j>>5]
		if black {
			w = ^w
		}
		w >>= uint(j) & 31
		// w's low bits are now the pixels from j on, set where the colour
		// changes; bits past the word's end read as changes too, which
		// only ends this step early.
		if w != 0 {
			j += bits.TrailingZeros32(w)
			return min(j, end) - start
		}
		j = (j | 31) + 1
	}
	return end - start
}

// selectMultipleBestPatterns is gozxing's (ZXing's, Apache 2.0): triples of
// finder patterns with similar module sizes, a plausible module count, two
// equal sides and a right angle.
func selectMultipleBestPatterns(possibleCenters []*detector.FinderPattern) [][]*detector.FinderPattern {
	const (
		maxModules     = 180
		minModules     = 9
		diffPercent    = 0.05
		diffModuleSize = 0.5
	)
	size := len(possibleCenters)
	if size < 3 {
		return nil
	}
	if size == 3 {
		return [][]*detector.FinderPattern{{possibleCenters[0], possibleCenters[1], possibleCenters[2]}}
	}
	sort.Slice(possibleCenters, func(i, j int) bool {
		return possibleCenters[j].GetEstimatedModuleSize()-possibleCenters[i].GetEstimatedModuleSize() < 0
	})
	var results [][]*detector.FinderPattern
	for i1 := 0; i1 < size-2; i1++ {
		p1 := possibleCenters[i1]
		for i2 := i1 + 1; i2 < size-1; i2++ {
			p2 := possibleCenters[i2]
			v12 := (p1.GetEstimatedModuleSize() - p2.GetEstimatedModuleSize()) / math.Min(p1.GetEstimatedModuleSize(), p2.GetEstimatedModuleSize())
			if math.Abs(p1.GetEstimatedModuleSize()-p2.GetEstimatedModuleSize()) > diffModuleSize && v12 >= diffPercent {
				break
			}
			for i3 := i2 + 1; i3 < size; i3++ {
				p3 := possibleCenters[i3]
				v23 := (p2.GetEstimatedModuleSize() - p3.GetEstimatedModuleSize()) / math.Min(p2.GetEstimatedModuleSize(), p3.GetEstimatedModuleSize())
				if math.Abs(p2.GetEstimatedModuleSize()-p3.GetEstimatedModuleSize()) > diffModuleSize && v23 >= diffPercent {
					break
				}
				bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(p1, p2, p3)
				test := []*detector.FinderPattern{bl.(*detector.FinderPattern), tl.(*detector.FinderPattern), tr.(*detector.FinderPattern)}
				dA := gozxing.ResultPoint_Distance(tl, bl)
				dC := gozxing.ResultPoint_Distance(tr, bl)
				dB := gozxing.ResultPoint_Distance(tl, tr)
				count := (dA + dB) / (p1.GetEstimatedModuleSize() * 2.0)
				if count > maxModules || count < minModules {
					continue
				}
				if math.Abs((dA-dB)/math.Min(dA, dB)) >= 0.1 {
					continue
				}
				dCpy := math.Sqrt(dA*dA + dB*dB)
				if math.Abs((dC-dCpy)/math.Min(dC, dCpy)) >= 0.1 {
					continue
				}
				results = append(results, test)
			}
		}
	}
	return results
}
