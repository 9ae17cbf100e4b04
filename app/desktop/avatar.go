package desktop

import (
	"authdesk/vault"
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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

// initials are up to two letters, the first letter of each of the first
// words of the issuer (or else the account name) that have one: digits and
// symbols never show, so "Service 001" gives "S" and "1Password" "P".
func initials(a vault.Account) string {
	for _, s := range []string{a.Issuer, a.Name} {
		var out []rune
		for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			if i := strings.IndexFunc(w, unicode.IsLetter); i >= 0 {
				r, _ := utf8.DecodeRuneInString(w[i:])
				out = append(out, unicode.ToUpper(r))
			}
			if len(out) == 2 {
				break
			}
		}
		if len(out) > 0 {
			return string(out)
		}
	}
	return "?"
}

// avatarPalette are saturated colours that all carry white text.
var avatarPalette = []color.NRGBA{
	{0xE5, 0x39, 0x35, 0xff}, {0xD8, 0x1B, 0x60, 0xff}, {0x8E, 0x24, 0xAA, 0xff}, {0x5E, 0x35, 0xB1, 0xff},
	{0x39, 0x49, 0xAB, 0xff}, {0x1E, 0x88, 0xE5, 0xff}, {0x03, 0x9B, 0xE5, 0xff}, {0x00, 0x89, 0x7B, 0xff},
	{0x43, 0xA0, 0x47, 0xff}, {0x55, 0x8B, 0x2F, 0xff}, {0xF4, 0x51, 0x1E, 0xff}, {0x6D, 0x4C, 0x41, 0xff},
	{0x54, 0x6E, 0x7A, 0xff}, {0xC0, 0x62, 0x00, 0xff},
}

// avatarColor picks a stable colour from the issuer.
func avatarColor(a vault.Account) color.NRGBA {
	s := a.Issuer
	if s == "" {
		s = a.Name
	}
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(s)))
	return avatarPalette[h.Sum32()%uint32(len(avatarPalette))]
}
