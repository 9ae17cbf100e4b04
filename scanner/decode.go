package scanner

import (
	"math"
	"sort"
	"sync"

	"github.com/makiuchi-d/gozxing"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// found is one decoded code, positioned in the coordinates of the full image.
type found struct {
	text string
	box  rect
}

// attempt is one way of looking at the image: a pyramid level, light or
// dark modules, and a binarizer.
type attempt struct {
	level  int  // 0 full resolution, 1 half, 2 quarter
	invert bool // light modules on a dark background
	global bool // GlobalHistogramBinarizer instead of the hybrid one
	single bool // the single-code path on the image of the attempt without it (singleFallback)
}

// maxMaskRounds bounds the mask-and-rescan loop that finds the codes the
// multi-detector missed on the first pass (grids of many codes).
const maxMaskRounds = 12

// bigSide is the shorter side from which we try a half-size copy first:
// 1440p and 4K screens, whose codes are large in pixels. (On 1440p the
// half-size copy reads only one screenshot in four, but a miss costs a
// tenth of a full-size pass and a hit saves a third of the work.)
const bigSide = 1400

// smallSide is the shorter side below which both full-size binarizers come
// before the half-size copy: a photo of 640×480 holds codes of 3–4 pixels
// per module, which a half-size copy blurs away, while the global
// binarizer reads many that the hybrid one (local thresholds, upset by a
// textured background) does not.
const smallSide = 720

// plan lists the attempts, in phases of two that run on both cores
// (dark-on-light and light-on-dark); the first phase that reads anything
// ends the search, unless it saw a code it could not read.
func plan(w, h int) [][2]attempt {
	short := min(w, h)
	pair := func(a attempt) [2]attempt {
		b := a
		b.invert = true
		return [2]attempt{a, b}
	}
	if short >= bigSide {
		return [][2]attempt{
			pair(attempt{level: 1}), pair(attempt{level: 0}), pair(attempt{level: 2}),
			pair(attempt{level: 1, global: true}), pair(attempt{level: 0, global: true}),
		}
	}
	if short < smallSide {
		p := [][2]attempt{pair(attempt{level: 0}), pair(attempt{level: 0, global: true})}
		if short >= 2*64 {
			p = append(p, pair(attempt{level: 1}), pair(attempt{level: 1, global: true}))
		}
		return p
	}
	p := [][2]attempt{pair(attempt{level: 0})}
	if short >= 2*64 {
		p = append(p, pair(attempt{level: 1}))
	}
	p = append(p, pair(attempt{level: 0, global: true}))
	if short >= 2*64 {
		p = append(p, pair(attempt{level: 1, global: true}))
	}
	return p
}

// pyramid holds the grey image at full, half and quarter resolution, and
// the binarized matrix of each attempt, each built on first use and shared
// by the attempts that need it.
type pyramid struct {
	mu       sync.Mutex
	levels   [3]*grey
	matrices map[attempt]*lazyMatrix
}

type lazyMatrix struct {
	once   sync.Once
	m, inv *gozxing.BitMatrix
	err    error
}

func (p *pyramid) get(level int) *grey {
	p.mu.Lock()
	defer p.mu.Unlock()
	for l := 1; l <= level; l++ {
		if p.levels[l] == nil {
			p.levels[l] = p.levels[l-1].half()
		}
	}
	return p.levels[level]
}

// matrix is the binarized image for a; callers must not modify it.
func (p *pyramid) matrix(a attempt) (*gozxing.BitMatrix, error) {
	// Both binarizers work from the plain grey level: the hybrid one
	// makes the image's and its inverse's matrices in one pass, the
	// global one either.
	key := a
	if !a.global {
		key.invert = false
	}
	g := p.get(key.level)
	p.mu.Lock()
	if p.matrices == nil {
		p.matrices = map[attempt]*lazyMatrix{}
	}
	lm := p.matrices[key]
	if lm == nil {
		lm = &lazyMatrix{}
		p.matrices[key] = lm
	}
	p.mu.Unlock()
	lm.once.Do(func() {
		if a.global {
			lm.m, lm.err = globalBinarize(g, a.invert)
		} else {
			lm.m, lm.inv, lm.err = hybridBinarize(g)
		}
	})
	if a.invert && !a.global {
		return lm.inv, lm.err
	}
	return lm.m, lm.err
}

// decodeGrey runs the plan over g and returns the codes in reading order.
//
// A phase that reads codes ends the search unless finder patterns remain
// outside the codes it read: then a code is still unread (too small for a
// half-size copy, or confusing the multi-code detector in a grid), and the
// search goes on with the codes found so far masked out, until a
// full-resolution phase leaves no finder pattern unexplained.
//
// observe, when not nil, sees every attempt run and its result (tests
// check which attempts a screenshot needs); it is called from the
// attempt's goroutine.
func decodeGrey(g *grey, observe func(attempt, attemptResult)) []string {
	return decodePlan(g, plan(g.w, g.h), observe)
}

// decodePlan is decodeGrey with the phases given.
func decodePlan(g *grey, phases [][2]attempt, observe func(attempt, attemptResult)) []string {
	if g.w < 21 || g.h < 21 {
		return nil
	}
	pyr := &pyramid{}
	pyr.levels[0] = g
	var (
		all     []found
		pending bool // finder patterns were seen outside the codes read
	)
	for _, phase := range phases {
		var (
			results  [2]attemptResult
			prevDone = all
		)
		both(func(i int) {
			results[i] = runAttempt(pyr, phase[i], prevDone)
			if observe != nil {
				observe(phase[i], results[i])
			}
		})
		if len(results[0].codes) == 0 && len(results[1].codes) == 0 {
			singleFallback(&results, phase, observe)
		}
		for _, r := range results {
			all = append(all, r.codes...)
		}
		// A pattern one attempt could not explain may sit in a code the
		// other one read (the inverted image of a dark-on-light code
		// shows spurious patterns): only patterns outside every code read
		// so far mean a code is still unread.
		leftover := false
		for _, r := range results {
			for _, p := range r.leftover {
				if !insideAny(all, p) {
					leftover = true
				}
			}
		}
		if len(all) == 0 {
			continue
		}
		if leftover {
			pending = true
			continue
		}
		if !pending || phase[0].level == 0 {
			break
		}
	}
	return order(all)
}

// attemptResult is what one attempt read, and the finder patterns (in
// full-resolution coordinates) that remained outside the codes it read.
// When it read nothing, m and f are its binarised image (known codes
// masked) at scale and the multi search's finder patterns, and centres
// those patterns, for singleFallback.
type attemptResult struct {
	codes    []found
	leftover []point
	m        *gozxing.BitMatrix
	f        *detector.FinderPatternFinder
	scale    float64
	centres  []point
}

// singleFallback runs the single-code path (singleCode) on each attempt of
// a phase whose multi-code search read nothing, both on their own cores.
// It runs only then: when one attempt of the phase read a code, gozxing's
// detector scanning the other's image again (four times the cost of the
// multi search) would only slow the phase down.
func singleFallback(results *[2]attemptResult, phase [2]attempt, observe func(attempt, attemptResult)) {
	both(func(i int) {
		r, a := &results[i], phase[i]
		if r.m == nil || r.f == nil {
			return
		}
		defer func() {
			// gozxing signals some failures by indexing out of range.
			_ = recover()
		}()
		a.single = true
		c, ok := singleCode(r.m, r.f, decodeHints)
		if observe != nil {
			defer func() { observe(a, *r) }()
		}
		if !ok {
			return
		}
		box := c.box.scaled(r.scale)
		r.codes = []found{{text: c.text, box: box}}
		r.leftover = r.leftover[:0]
		for _, p := range r.centres {
			if !box.contains(p.x, p.y) {
				r.leftover = append(r.leftover, p)
			}
		}
	})
}

// both runs f(0) on this goroutine and f(1) on another, and returns when
// both are done.
func both(f func(i int)) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f(1)
	}()
	f(0)
	wg.Wait()
}

// point is a position in full-resolution pixel coordinates.
type point struct{ x, y float64 }

// insideAny reports whether p lies in the box of one of fs.
func insideAny(fs []found, p point) bool {
	for _, f := range fs {
		if f.box.contains(p.x, p.y) {
			return true
		}
	}
	return false
}

// runAttempt reads every code it can in the attempt's binarized image,
// masks what it read and looks again until a pass adds nothing. Codes in
// known (full-resolution coordinates) are masked before the first pass.
func runAttempt(pyr *pyramid, a attempt, known []found) (out attemptResult) {
	defer func() {
		// gozxing is a port of Java code that signals some failures by
		// indexing out of range; a malformed image must not take us down.
		if recover() != nil {
			out = attemptResult{}
		}
	}()
	m, err := pyr.matrix(a)
	if err != nil || m.GetWidth() < 21 || m.GetHeight() < 21 {
		return out
	}
	// findMulti scans every third row for finder patterns, as gozxing
	// does with TRY_HARDER (without it, gozxing skips rows on the
	// assumption that a code fills a quarter of the image, which misses
	// small codes on a big screen). No CHARACTER_SET hint: see
	// decodeHints.
	hints := decodeHints
	scale := float64(int(1) << a.level)
	shared := true // m belongs to the pyramid until we copy it to mask
	mask := func(r rect) {
		if shared {
			m = cloneMatrix(m)
			shared = false
		}
		clearRect(m, r)
	}
	seen := map[string]bool{}
	for _, k := range known {
		seen[k.text] = true
		mask(k.box.scaled(1 / scale))
	}
	for round := 0; round < maxMaskRounds; round++ {
		codes, leftover, f := detectAndDecode(m, hints)
		if round == 0 && len(codes) == 0 {
			out.m, out.f, out.scale = m, f, scale
			for _, p := range leftover {
				out.centres = append(out.centres, point{p.x * scale, p.y * scale})
			}
		}
		added := false
		for _, c := range codes {
			mask(c.box)
			if seen[c.text] {
				continue
			}
			seen[c.text] = true
			added = true
			out.codes = append(out.codes, found{text: c.text, box: c.box.scaled(scale)})
		}
		// A finder pattern outside every code read: one confirmed pattern
		// is enough, as at half size a code whose modules are two pixels
		// wide often shows just one. Only worth knowing once something was
		// read (or is known); else the next phase runs anyway.
		out.leftover = out.leftover[:0]
		if len(out.codes) > 0 || len(known) > 0 {
			for _, p := range leftover {
				out.leftover = append(out.leftover, point{p.x * scale, p.y * scale})
			}
		}
		if !added {
			break
		}
	}
	return out
}

// cloneMatrix copies m, row by row.
func cloneMatrix(m *gozxing.BitMatrix) *gozxing.BitMatrix {
	c, _ := gozxing.NewBitMatrix(m.GetWidth(), m.GetHeight())
	row := gozxing.NewBitArray(m.GetWidth())
	for y := 0; y < m.GetHeight(); y++ {
		row = m.GetRow(y, row)
		c.SetRow(y, row)
	}
	return c
}

// clearRect makes r white so the next pass does not see that code again.
func clearRect(m *gozxing.BitMatrix, r rect) {
	x0 := max(0, int(math.Floor(r.x0)))
	y0 := max(0, int(math.Floor(r.y0)))
	x1 := min(m.GetWidth(), int(math.Ceil(r.x1)))
	y1 := min(m.GetHeight(), int(math.Ceil(r.y1)))
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			m.Unset(x, y)
		}
	}
}

// decodeHints are the hints every decode gets. A byte segment's charset
// is the ECI's when the code names one; without one, gozxing guesses as
// ZXing's StringUtils.guessCharset does: UTF-8 first (when the bytes are
// valid UTF-8 with a multi-byte character; pure ASCII reads the same in
// every guess), then Shift_JIS or ISO-8859-1 from the byte statistics.
// otpauth URIs are ASCII or UTF-8, so only other payloads (authdesk-cli
// scan) see the difference: a hint of UTF-8 garbled Shift_JIS and
// Latin-1 text.
var decodeHints = map[gozxing.DecodeHintType]any{
	gozxing.DecodeHintType_TRY_HARDER: true,
}

// detectAndDecode finds finder-pattern triples and decodes each, in level
// coordinates. It also returns the confirmed finder patterns that no
// decoded code accounts for, and the finder (for singleCode, which the
// phase runs when none of its attempts read a code: singleFallback).
func detectAndDecode(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]any) (out []found, leftover []point, f *detector.FinderPatternFinder) {
	f, infos := findMulti(m)
	for _, info := range infos {
		if c, ok := decodeInfo(m, info, hints); ok {
			out = append(out, c)
		}
	}
	for _, c := range f.GetPossibleCenters() {
		if c.GetCount() < 2 {
			continue
		}
		if p := (point{c.GetX(), c.GetY()}); !insideAny(out, p) {
			leftover = append(leftover, p)
		}
	}
	return out, leftover, f
}

// singleCode is the single-code path on the same binarised image, for
// when the multi-code search read nothing: the multi-code grouping wants
// three patterns whose sides agree within 10 %, which a code turned and
// seen at an angle (or a stray pattern in a textured background) breaks,
// while gozxing's single reader takes the three patterns of most similar
// module size. First that choice among the patterns findMulti already
// confirmed (no new scan); then gozxing's own detector, which scans again
// and also finds patterns the multi scan's row state machine passed over.
func singleCode(m *gozxing.BitMatrix, f *detector.FinderPatternFinder, hints map[gozxing.DecodeHintType]any) (found, bool) {
	if len(f.GetPossibleCenters()) >= 3 {
		if best, err := f.SelectBestPatterns(); err == nil {
			bl, tl, tr := gozxing.ResultPoint_OrderBestPatterns(best[0], best[1], best[2])
			info := detector.NewFinderPatternInfo(bl.(*detector.FinderPattern), tl.(*detector.FinderPattern), tr.(*detector.FinderPattern))
			if c, ok := decodeInfo(m, info, hints); ok {
				return c, true
			}
		}
	}
	dr, err := detector.NewDetector(m).Detect(hints)
	if err != nil {
		return found{}, false
	}
	res, err := qrdecoder.NewDecoder().Decode(dr.GetBits(), hints)
	if err != nil {
		return found{}, false
	}
	pts := dr.GetPoints()
	if len(pts) < 3 {
		return found{}, false
	}
	return found{text: res.GetText(), box: codeBox(pts[:3])}, true
}

// decodeInfo samples and decodes the code at one finder-pattern triple. If
// the alignment pattern gozxing found leads to a bad grid (common with
// smoothly scaled codes, whose edges are soft), it samples again from the
// three finder patterns alone.
func decodeInfo(m *gozxing.BitMatrix, info *detector.FinderPatternInfo, hints map[gozxing.DecodeHintType]any) (found, bool) {
	dr, err := detector.NewDetector(m).ProcessFinderPatternInfo(info)
	if err != nil {
		return found{}, false
	}
	pts := []gozxing.ResultPoint{info.GetBottomLeft(), info.GetTopLeft(), info.GetTopRight()}
	res, err := qrdecoder.NewDecoder().Decode(dr.GetBits(), hints)
	if err != nil && len(dr.GetPoints()) > 3 {
		dim := dr.GetBits().GetWidth()
		tr := detector.Detector_createTransform(info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft(), nil, dim)
		bits, serr := detector.Detector_sampleGrid(m, tr, dim)
		if serr != nil {
			return found{}, false
		}
		res, err = qrdecoder.NewDecoder().Decode(bits, hints)
	}
	if err != nil {
		return found{}, false
	}
	return found{text: res.GetText(), box: codeBox(pts)}, true
}

// rect is an axis-aligned box in floating-point pixel coordinates.
type rect struct{ x0, y0, x1, y1 float64 }

func (r rect) scaled(f float64) rect { return rect{r.x0 * f, r.y0 * f, r.x1 * f, r.y1 * f} }
func (r rect) cx() float64           { return (r.x0 + r.x1) / 2 }
func (r rect) cy() float64           { return (r.y0 + r.y1) / 2 }
func (r rect) size() float64         { return math.Max(r.x1-r.x0, r.y1-r.y0) }

// codeBox is the box around a code from its finder-pattern centres
// (bottom-left, top-left, top-right), grown by the 3.5 modules between a
// centre and the edge plus a quiet-zone margin.
func codeBox(pts []gozxing.ResultPoint) rect {
	bl, tl, tr := pts[0], pts[1], pts[2]
	xs := []float64{bl.GetX(), tl.GetX(), tr.GetX(), bl.GetX() + tr.GetX() - tl.GetX()}
	ys := []float64{bl.GetY(), tl.GetY(), tr.GetY(), bl.GetY() + tr.GetY() - tl.GetY()}
	r := rect{xs[0], ys[0], xs[0], ys[0]}
	for i := 1; i < 4; i++ {
		r.x0, r.x1 = math.Min(r.x0, xs[i]), math.Max(r.x1, xs[i])
		r.y0, r.y1 = math.Min(r.y0, ys[i]), math.Max(r.y1, ys[i])
	}
	module := 0.0
	for _, p := range pts[:3] {
		if fp, ok := p.(*detector.FinderPattern); ok {
			module = math.Max(module, fp.GetEstimatedModuleSize())
		}
	}
	if module == 0 {
		side := math.Hypot(tr.GetX()-tl.GetX(), tr.GetY()-tl.GetY())
		module = side / 14 // a version 1 code, the largest modules possible
	}
	m := 5 * module
	return rect{r.x0 - m, r.y0 - m, r.x1 + m, r.y1 + m}
}

// order deduplicates by payload and sorts into reading order: rows of
// codes from top to bottom (codes whose centres are within half a code of
// each other vertically share a row), left to right within a row.
func order(fs []found) []string {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].box.cy() < fs[j].box.cy() })
	var rows [][]found
	for _, f := range fs {
		n := len(rows)
		if n > 0 {
			first := rows[n-1][0]
			if math.Abs(f.box.cy()-first.box.cy()) < math.Max(first.box.size(), f.box.size())/2 {
				rows[n-1] = append(rows[n-1], f)
				continue
			}
		}
		rows = append(rows, []found{f})
	}
	seen := map[string]bool{}
	var out []string
	for _, row := range rows {
		sort.SliceStable(row, func(i, j int) bool { return row[i].box.cx() < row[j].box.cx() })
		for _, f := range row {
			if !seen[f.text] {
				seen[f.text] = true
				out = append(out, f.text)
			}
		}
	}
	return out
}

func (r rect) contains(x, y float64) bool {
	return x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1
}
