package photocorpus

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// quiet is the quiet zone around the code, in modules, and cardMargin the
// card beyond it.
const (
	quiet      = 4
	cardMargin = 3
)

// plane is a float RGB image being composed.
type plane struct {
	w, h int
	px   []rgb
}

func (p *plane) at(x, y int) rgb {
	x = min(max(x, 0), p.w-1)
	y = min(max(y, 0), p.h-1)
	return p.px[y*p.w+x]
}

// Render draws c and returns it as a JPEG.
func Render(c Case) ([]byte, error) {
	mods, err := c.payload.modules()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(c.Seed, 1))
	n := len(mods) + 2*quiet
	h := c.placement(n, rng)
	tex := newTexture(rng, c.W, c.H)
	p := &plane{w: c.W, h: c.H, px: make([]rgb, c.W*c.H)}
	c.drawScene(p, h, mods, tex)
	if c.Cover > 0 {
		c.drawThumb(p, h, len(mods))
	}
	c.light(p, rng)
	if c.Blur > 0 {
		gaussBlur(p, c.Blur)
	}
	if c.Motion > 0 {
		motionBlur(p, c.Motion, c.MotionDir)
	}
	img := image.NewRGBA(image.Rect(0, 0, c.W, c.H))
	for i, v := range p.px {
		img.Pix[4*i+0] = clamp8(v.r + c.Noise*rng.NormFloat64())
		img.Pix[4*i+1] = clamp8(v.g + c.Noise*rng.NormFloat64())
		img.Pix[4*i+2] = clamp8(v.b + c.Noise*rng.NormFloat64())
		img.Pix[4*i+3] = 255
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: c.Quality}); err != nil {
		return nil, fmt.Errorf("%s: jpeg: %w", c.Name, err)
	}
	return buf.Bytes(), nil
}

func clamp8(v float64) uint8 { return uint8(min(max(math.Round(v), 0), 255)) }

// drawScene fills p with the card and its code over the background, 3×3
// samples a pixel, so module edges are anti-aliased as a lens does.
func (c Case) drawScene(p *plane, h homography, mods [][]bool, tex *texture) {
	inv := h.inverse()
	n := len(mods)
	for y := 0; y < c.H; y++ {
		for x := 0; x < c.W; x++ {
			bg := tex.at(c.Background, x, y)
			var sum rgb
			for sy := 0; sy < 3; sy++ {
				for sx := 0; sx < 3; sx++ {
					u, v := inv.apply(float64(x)+(float64(sx)+0.5)/3, float64(y)+(float64(sy)+0.5)/3)
					u, v = u-quiet, v-quiet
					switch {
					case u < -quiet-cardMargin || v < -quiet-cardMargin || u >= float64(n+quiet+cardMargin) || v >= float64(n+quiet+cardMargin):
						sum = sum.add(bg)
					case u >= 0 && v >= 0 && u < float64(n) && v < float64(n) && mods[int(v)][int(u)]:
						sum = sum.add(c.Ink)
					default:
						sum = sum.add(c.Paper)
					}
				}
			}
			p.px[y*c.W+x] = sum.scale(1.0 / 9)
		}
	}
}

// drawThumb covers share c.Cover of one finder pattern with a thumb coming
// in from outside the code.
func (c Case) drawThumb(p *plane, h homography, n int) {
	centres := [3][2]float64{{3.5, 3.5}, {float64(n) - 3.5, 3.5}, {3.5, float64(n) - 3.5}}
	f := centres[c.CoverWhich]
	fx, fy := h.apply(f[0]+quiet, f[1]+quiet)
	mx, my := h.apply(float64(n)/2+quiet, float64(n)/2+quiet)
	dx, dy := fx-mx, fy-my
	d := math.Hypot(dx, dy)
	dx, dy = dx/d, dy/d
	r := 14 * c.Module
	// The thumb's edge crosses the finder where it leaves Cover of its
	// seven modules (along the diagonal) uncovered on the far side.
	edge := (0.5 - c.Cover) * 7 * math.Sqrt2 * c.Module
	tx, ty := fx+dx*(edge+r), fy+dy*(edge+r)
	skin := rgb{215, 160, 130}
	for y := 0; y < c.H; y++ {
		for x := 0; x < c.W; x++ {
			dd := math.Hypot(float64(x)-tx, float64(y)-ty)
			if dd < r+1 {
				a := min(1, r+1-dd) // one pixel of soft edge
				shade := 0.75 + 0.25*(1-dd/r)
				o := &p.px[y*c.W+x]
				*o = o.scale(1 - a).add(skin.scale(shade * a))
			}
		}
	}
}

// light applies exposure, a gradient across the frame, vignetting, a
// colour cast and, for some, a soft shadow band.
func (c Case) light(p *plane, rng *rand.Rand) {
	gx, gy := uniform(rng, -1, 1), uniform(rng, -1, 1)
	gn := math.Hypot(gx, gy) + 1e-9
	gx, gy = gx/gn, gy/gn
	cast := rgb{uniform(rng, 0.94, 1.06), 1, uniform(rng, 0.92, 1.06)}
	sx, sy := uniform(rng, -1, 1), uniform(rng, -1, 1)
	sn := math.Hypot(sx, sy) + 1e-9
	sx, sy = sx/sn, sy/sn
	soff := uniform(rng, -0.2, 0.2) * float64(c.W)
	w, hh := float64(c.W), float64(c.H)
	for y := 0; y < c.H; y++ {
		for x := 0; x < c.W; x++ {
			nx, ny := (float64(x)-w/2)/w, (float64(y)-hh/2)/hh
			l := c.Light * (1 + c.Gradient*2*(gx*nx+gy*ny)) * (1 - 0.35*(nx*nx+ny*ny))
			if c.Shadow {
				s := (float64(x)-w/2)*sx + (float64(y)-hh/2)*sy - soff
				l *= 1 - 0.35/(1+math.Exp(s/12))
			}
			o := &p.px[y*c.W+x]
			*o = o.mul(cast).scale(l)
		}
	}
}

// gaussBlur blurs p with a separable Gaussian of sigma s.
func gaussBlur(p *plane, s float64) {
	r := int(math.Ceil(3 * s))
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * s * s))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]rgb, len(p.px))
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			var a rgb
			for i, kv := range k {
				a = a.add(p.at(x+i-r, y).scale(kv))
			}
			tmp[y*p.w+x] = a
		}
	}
	src := &plane{w: p.w, h: p.h, px: tmp}
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			var a rgb
			for i, kv := range k {
				a = a.add(src.at(x, y+i-r).scale(kv))
			}
			p.px[y*p.w+x] = a
		}
	}
}

// motionBlur averages p along a line of length l in direction dir
// (degrees), as a hand moving while the shutter is open.
func motionBlur(p *plane, l, dir float64) {
	taps := int(math.Ceil(l)) + 1
	sin, cos := math.Sincos(dir * math.Pi / 180)
	src := &plane{w: p.w, h: p.h, px: append([]rgb(nil), p.px...)}
	for y := 0; y < p.h; y++ {
		for x := 0; x < p.w; x++ {
			var a rgb
			for t := 0; t < taps; t++ {
				o := l * (float64(t)/float64(taps-1) - 0.5)
				a = a.add(src.bilinear(float64(x)+o*cos, float64(y)+o*sin))
			}
			p.px[y*p.w+x] = a.scale(1 / float64(taps))
		}
	}
}

func (p *plane) bilinear(x, y float64) rgb {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	ix, iy := int(x0), int(y0)
	top := p.at(ix, iy).scale(1 - fx).add(p.at(ix+1, iy).scale(fx))
	bot := p.at(ix, iy+1).scale(1 - fx).add(p.at(ix+1, iy+1).scale(fx))
	return top.scale(1 - fy).add(bot.scale(fy))
}

// texture is value noise at two scales, for the surfaces the card lies on.
type texture struct {
	coarse, fine []float64
	cw, fw       int
	tint         rgb
}

const (
	coarseCell = 24
	fineCell   = 3
)

func newTexture(rng *rand.Rand, w, h int) *texture {
	t := &texture{cw: w/coarseCell + 2, fw: w/fineCell + 2}
	t.coarse = make([]float64, t.cw*(h/coarseCell+2))
	t.fine = make([]float64, t.fw*(h/fineCell+2))
	for i := range t.coarse {
		t.coarse[i] = rng.Float64()
	}
	for i := range t.fine {
		t.fine[i] = rng.Float64()
	}
	t.tint = rgb{uniform(rng, 0.85, 1.15), uniform(rng, 0.85, 1.15), uniform(rng, 0.85, 1.15)}
	return t
}

func lattice(v []float64, stride int, cell float64, x, y int) float64 {
	fx, fy := float64(x)/cell, float64(y)/cell
	ix, iy := int(fx), int(fy)
	ax, ay := fx-float64(ix), fy-float64(iy)
	ax, ay = ax*ax*(3-2*ax), ay*ay*(3-2*ay)
	a := v[iy*stride+ix]*(1-ax) + v[iy*stride+ix+1]*ax
	b := v[(iy+1)*stride+ix]*(1-ax) + v[(iy+1)*stride+ix+1]*ax
	return a*(1-ay) + b*ay
}

// at is the surface's colour at (x, y).
func (t *texture) at(kind string, x, y int) rgb {
	c := lattice(t.coarse, t.cw, coarseCell, x, y)
	f := lattice(t.fine, t.fw, fineCell, x, y)
	var base rgb
	switch kind {
	case "wood": // grain: stripes bent by the coarse noise
		g := 0.5 + 0.5*math.Sin(float64(y)*0.25+c*9)
		base = rgb{120 + 60*g, 75 + 40*g, 40 + 20*g}.scale(0.85 + 0.3*f)
	case "fabric": // a weave of fine threads
		wv := 0.5 + 0.25*math.Sin(float64(x)*1.7) + 0.25*math.Sin(float64(y)*1.7)
		base = rgb{70, 80, 110}.scale(0.6 + 0.5*wv + 0.2*c)
	case "desk": // dark laminate
		base = rgb{45, 45, 50}.scale(0.8 + 0.3*c + 0.2*f)
	case "granite": // speckled stone: fine noise thresholded into grains
		s := 0.55 + 0.25*c
		if f > 0.72 {
			s = 0.15
		} else if f < 0.2 {
			s = 0.9
		}
		base = rgb{150, 145, 140}.scale(s)
	default: // "screen": a dark monitor with its pixel grid
		base = rgb{25, 28, 35}.scale(0.8 + 0.4*c)
		if x%3 == 0 || y%3 == 0 {
			base = base.scale(0.7)
		}
	}
	return base.mul(t.tint)
}
