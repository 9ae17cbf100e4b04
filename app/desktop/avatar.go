package desktop

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"fyne.io/fyne/v2/theme"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// The avatar (a coloured disc with white initials) is drawn once per account
// into one image: the list repaints every second, and on software-rendered
// desktops each drawn object costs more than the pixels it covers.

// avatarKey identifies one rendered avatar.
type avatarKey struct {
	text string
	fill color.NRGBA
	px   int
}

// avatarCache holds the rendered avatars; it lives on the UI goroutine.
type avatarCache map[avatarKey]image.Image

// get returns the avatar for text on fill, px pixels square.
func (c avatarCache) get(text string, fill color.NRGBA, px int) image.Image {
	k := avatarKey{text, fill, px}
	if img, ok := c[k]; ok {
		return img
	}
	img := drawAvatar(text, fill, px)
	if len(c) > 512 { // a few hundred accounts at most; drop all rather than track use
		clear(c)
	}
	c[k] = img
	return img
}

// boldFont is the theme's bold face, parsed once.
var boldFont = sync.OnceValue(func() *opentype.Font {
	f, err := opentype.Parse(theme.DefaultTextBoldFont().Content())
	if err != nil {
		return nil
	}
	return f
})

// drawAvatar renders an anti-aliased disc filled with fill and text centred
// in white, px pixels square.
func drawAvatar(text string, fill color.NRGBA, px int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, px, px))
	r := float64(px) / 2
	for y := range px {
		for x := range px {
			d := math.Hypot(float64(x)+0.5-r, float64(y)+0.5-r)
			a := math.Max(0, math.Min(1, r-d)) // coverage of the pixel by the disc, approximately
			if a > 0 {
				img.SetNRGBA(x, y, color.NRGBA{fill.R, fill.G, fill.B, uint8(float64(fill.A) * a)})
			}
		}
	}
	f := boldFont()
	if f == nil || text == "" {
		return img
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: float64(px) * 16 / avatarSize, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return img
	}
	defer face.Close()
	bounds, _ := font.BoundString(face, text)
	w := (bounds.Max.X - bounds.Min.X).Ceil()
	h := (bounds.Max.Y - bounds.Min.Y).Ceil()
	dot := fixed.P((px-w)/2, (px-h)/2).Sub(bounds.Min)
	// font.Drawer blends white over the disc through textLayer.Set.
	d := &font.Drawer{Dst: textLayer{img}, Src: image.NewUniform(color.White), Face: face, Dot: dot}
	d.DrawString(text)
	return img
}

// textLayer lets font.Drawer blend glyphs over the disc without touching
// its transparent corners: draw.DrawMask's generic path hands Set the
// already blended colour.
type textLayer struct{ *image.NRGBA }

// Set stores c at (x, y), keeping the disc's own alpha (its anti-aliased rim).
func (t textLayer) Set(x, y int, c color.Color) {
	base := t.NRGBAAt(x, y)
	if base.A == 0 {
		return
	}
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = base.A
	t.SetNRGBA(x, y, n)
}

var _ draw.Image = textLayer{}
