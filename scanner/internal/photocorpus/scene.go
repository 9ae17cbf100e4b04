package photocorpus

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// rgb is a colour with float channels, 0–255 nominal.
type rgb struct{ r, g, b float64 }

func (c rgb) scale(f float64) rgb { return rgb{c.r * f, c.g * f, c.b * f} }
func (c rgb) add(d rgb) rgb       { return rgb{c.r + d.r, c.g + d.g, c.b + d.b} }
func (c rgb) mul(d rgb) rgb       { return rgb{c.r * d.r, c.g * d.g, c.b * d.b} }

// Case is one photo of the corpus: a printed code on a card lying on a
// textured surface, seen by a camera, and what the photo does to it.
type Case struct {
	Name       string
	Categories []string
	payload    payload

	W, H       int
	Module     float64 // pixels per module at the code's centre
	Angle      float64 // rotation in degrees
	Keystone   float64 // 0: square on; 0.3: one edge 30 % shorter than the other
	Skew       float64 // sideways perspective, like Keystone
	Ink, Paper rgb
	Background string  // wood, fabric, desk, granite, screen
	Light      float64 // exposure, 1 is nominal
	Gradient   float64 // strength of uneven lighting, 0–0.6
	Shadow     bool    // a soft shadow across the card
	Blur       float64 // Gaussian sigma in pixels (0: none)
	Motion     float64 // motion-blur length in pixels (0: none)
	MotionDir  float64 // motion direction in degrees
	Noise      float64 // sensor noise sigma
	Cover      float64 // share of one finder pattern covered by a thumb (0: none)
	CoverWhich int     // which finder pattern: 0 top left, 1 top right, 2 bottom left
	Quality    int     // JPEG quality
	Seed       uint64  // for the texture and noise
}

// inks and papers: the colour combinations of printed codes. The pairs
// in isoPairs differ by only 25–40 levels of luma (magenta on green, red
// on teal) but by 100 or more in one channel: under dim or uneven light a
// luma-only reader sees little more than flat grey.
var (
	darkInks = []rgb{{20, 20, 22}, {25, 35, 110}, {30, 60, 160}, {20, 80, 40}, {110, 25, 30}, {60, 30, 90}}
	papers   = []rgb{{245, 243, 235}, {250, 250, 250}, {250, 235, 190}, {215, 235, 250}, {250, 215, 220}, {225, 245, 215}}
	isoPairs = [][2]rgb{
		{{225, 60, 220}, {110, 200, 110}}, // magenta on green
		{{230, 50, 40}, {60, 160, 170}},   // red on teal
		{{40, 90, 230}, {210, 100, 40}},   // blue on orange
		{{60, 160, 60}, {225, 110, 160}},  // green on pink
		{{80, 120, 255}, {175, 150, 110}}, // bright blue on kraft
	}
	backgrounds = []string{"wood", "fabric", "desk", "granite", "screen"}
)

// Cases returns n cases from seed. Every property the issue lists is
// spread over the cases by index, so every corpus of 40 or more has each.
func Cases(seed uint64, n int) ([]Case, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cs := make([]Case, 0, n)
	for i := 0; i < n; i++ {
		c, err := newCase(rng, i)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

// newCase draws case i. The choices by i%k make sure each kind is there;
// the parameters within a kind are random.
func newCase(rng *rand.Rand, i int) (Case, error) {
	c := Case{W: 640, H: 480, Seed: rng.Uint64(), payload: pickPayload(rng, i)}
	c.Module = uniform(rng, 3, 4.2)
	c.Angle = uniform(rng, -35, 35)
	if i%7 == 0 {
		c.Angle += 90 * float64(rng.IntN(4))
	}
	c.Keystone = uniform(rng, 0, 0.15)
	c.Skew = uniform(rng, -0.08, 0.08)
	if i%4 == 1 {
		c.Keystone = uniform(rng, 0.2, 0.35) // strong keystone
	}
	c.Ink, c.Paper = darkInks[rng.IntN(len(darkInks))], papers[rng.IntN(len(papers))]
	cat := []string{c.payload.kind}
	if i%5 == 2 {
		p := isoPairs[rng.IntN(len(isoPairs))]
		c.Ink, c.Paper = p[0], p[1]
		c.Module = uniform(rng, 3.8, 4.5) // chroma is stored at half size
		cat = append(cat, "colour")
	}
	c.Background = backgrounds[i%len(backgrounds)]
	c.Light = uniform(rng, 0.7, 1.05)
	c.Gradient = uniform(rng, 0, 0.25)
	if i%3 == 0 {
		c.Gradient = uniform(rng, 0.3, 0.6)
		c.Shadow = rng.IntN(2) == 0
		cat = append(cat, "uneven")
	}
	switch i % 4 {
	case 0, 2:
		c.Blur = uniform(rng, 0.4, 1.1)
		cat = append(cat, "gaussblur")
	case 1:
		c.Blur = uniform(rng, 0.3, 0.7)
	case 3:
		c.Motion = uniform(rng, 2, 4)
		c.MotionDir = uniform(rng, 0, 180)
		cat = append(cat, "motionblur")
	}
	if i%6 == 5 {
		c.Ink = c.Ink.scale(0.45).add(c.Paper.scale(0.55 * 0.9)) // a soft, faded print
		c.Blur += 0.2
		cat = append(cat, "lowcontrast")
	}
	c.Noise = uniform(rng, 1, 3.5)
	if i%8 == 4 {
		c.Cover = uniform(rng, 0.2, 0.55)
		c.CoverWhich = rng.IntN(3)
		cat = append(cat, "occluded")
	}
	c.Quality = 40 + rng.IntN(31)
	if c.Keystone >= 0.2 {
		cat = append(cat, "perspective")
	}
	if c.Module < 3.5 {
		cat = append(cat, "3px")
	} else {
		cat = append(cat, "4px")
	}
	c.Categories = append(cat, "rotate", "texture", "jpeg")
	c.Name = fmt.Sprintf("photo-%03d-%s", i, c.payload.kind)
	return c, nil
}

// homography maps the code plane (module units) to image pixels.
type homography [9]float64

func (h homography) apply(u, v float64) (float64, float64) {
	w := h[6]*u + h[7]*v + h[8]
	return (h[0]*u + h[1]*v + h[2]) / w, (h[3]*u + h[4]*v + h[5]) / w
}

// squareToQuad is the homography taking the unit square's corners (0,0),
// (1,0), (1,1), (0,1) to q (Heckbert's closed form).
func squareToQuad(q [4][2]float64) homography {
	x0, y0, x1, y1, x2, y2, x3, y3 := q[0][0], q[0][1], q[1][0], q[1][1], q[2][0], q[2][1], q[3][0], q[3][1]
	dx3, dy3 := x0-x1+x2-x3, y0-y1+y2-y3
	if dx3 == 0 && dy3 == 0 {
		return homography{x1 - x0, x3 - x0, x0, y1 - y0, y3 - y0, y0, 0, 0, 1}
	}
	dx1, dx2, dy1, dy2 := x1-x2, x3-x2, y1-y2, y3-y2
	den := dx1*dy2 - dx2*dy1
	g := (dx3*dy2 - dx2*dy3) / den
	h := (dx1*dy3 - dx3*dy1) / den
	return homography{x1 - x0 + g*x1, x3 - x0 + h*x3, x0, y1 - y0 + g*y1, y3 - y0 + h*y3, y0, g, h, 1}
}

// inverse is the adjugate of h, which maps back up to scale.
func (h homography) inverse() homography {
	a, b, c, d, e, f, g, k, i := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]
	return homography{
		e*i - f*k, c*k - b*i, b*f - c*e,
		f*g - d*i, a*i - c*g, c*d - a*f,
		d*k - e*g, b*g - a*k, a*e - b*d,
	}
}

// placement is where the card lands: the homography from the card plane
// (module units, the code's modules in [0,n)) to the image.
func (c Case) placement(n int, rng *rand.Rand) homography {
	side := float64(n) * c.Module
	cx := float64(c.W)/2 + uniform(rng, -0.15, 0.15)*float64(c.W)
	cy := float64(c.H)/2 + uniform(rng, -0.12, 0.12)*float64(c.H)
	// The square's corners in its own frame, the far edge shortened by
	// the keystone and the left or right edge by the skew.
	k, s := c.Keystone/2, c.Skew/2
	local := [4][2]float64{
		{-(1 - k) * (1 - s), -(1 - s)}, {(1 - k) * (1 + s), -(1 + s)},
		{(1 + k) * (1 + s), 1 + s}, {-(1 + k) * (1 - s), 1 - s},
	}
	sin, cos := math.Sincos(c.Angle * math.Pi / 180)
	var q [4][2]float64
	for i, p := range local {
		x, y := p[0]*side/2, p[1]*side/2
		q[i] = [2]float64{cx + x*cos - y*sin, cy + x*sin + y*cos}
	}
	unit := squareToQuad(q)
	// From modules to the unit square.
	f := 1 / float64(n)
	return homography{
		unit[0] * f, unit[1] * f, unit[2],
		unit[3] * f, unit[4] * f, unit[5],
		unit[6] * f, unit[7] * f, unit[8],
	}
}
