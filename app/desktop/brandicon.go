package desktop

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // pictures an account's icon may be
	_ "image/png"
	"math"
	"sync/atomic"

	"fyne.io/fyne/v2/theme"
	"github.com/fyne-io/oksvg"
	"github.com/srwiley/rasterx"
	xdraw "golang.org/x/image/draw"

	"authdesk/vault"
	"authdesk/vault/icons"
	"authdesk/vault/icons/picture"
)

// Brand icons are drawn like the initials' discs: once per account look
// and size into one image kept in u.avatars, never per frame. The codes
// list and the quick popup both ask brandAvatar.

// brandRasters counts the brand icons and pictures drawn since start; the
// benchmarks read it to show that scrolling and ticking draw none.
var brandRasters atomic.Int64

// BrandRasters is how many brand icons and pictures were drawn since start:
// each is drawn once per brand, size and theme, never per frame.
func BrandRasters() int64 { return brandRasters.Load() }

// brandGlyph is the share of the disc a brand logo covers.
const brandGlyph = 0.58

// brandAvatar is the image a row shows for a, px pixels square: the picture
// or built-in icon chosen for it, else the icon its issuer matches, else
// its initials. Until the pack is read (off the UI goroutine, the first
// time a row asks) rows show initials, and the list is refreshed after.
func (u *UI) brandAvatar(a vault.Account, px int) image.Image {
	if img := u.brandImage(a, px); img != nil {
		return img
	}
	return u.avatars.get(initials(a), avatarColor(a), px)
}

func (u *UI) brandImage(a vault.Account, px int) image.Image {
	ic := a.Icon
	switch {
	case ic != nil && ic.Initials:
		return nil
	case ic != nil && ic.Data != nil:
		return u.avatars.picture(ic, px)
	case u.cfg.Icons == nil:
		return nil
	}
	set, ok := u.cfg.Icons.Ready(u.cfg.spawn, func() { onUI(u.brandPackRead) })
	if !ok {
		return nil
	}
	var b icons.Icon
	if ic != nil && ic.Slug != "" {
		b, ok = set.Lookup(ic.Slug)
	} else if pic, user := u.cfg.Icons.UserMatch(a.Issuer); user {
		return u.avatars.picture(&vault.Icon{MIME: pic.MIME, Data: pic.Data}, px)
	} else {
		b, ok = set.Match(a.Issuer)
	}
	if !ok {
		return nil
	}
	return u.avatars.brand(b, px)
}

// brandPackRead redraws the rows once the pack is in.
func (u *UI) brandPackRead() {
	if u.state == stateCodes && u.list != nil {
		u.list.list.Refresh()
	}
}

// brandColours are the plate (a disc a shade off the background) and the
// logo's colour: the brand's, or the theme's foreground when the brand's
// is too close to the plate to read (GitHub's near-black on the dark
// theme, a white logo on the light one).
func brandColours(hex string) (plate, glyph color.NRGBA) {
	bg := toNRGBA(theme.Color(theme.ColorNameBackground))
	fg := toNRGBA(theme.Color(theme.ColorNameForeground))
	plate = mix(bg, fg, 0.07)
	var r, g, b uint8
	if _, err := fmt.Sscanf(hex, "%02x%02x%02x", &r, &g, &b); err != nil {
		return plate, fg
	}
	glyph = color.NRGBA{r, g, b, 0xff}
	if contrast(glyph, plate) < 1.9 {
		glyph = fg
	}
	return plate, glyph
}

func toNRGBA(c color.Color) color.NRGBA { return color.NRGBAModel.Convert(c).(color.NRGBA) }

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	m := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-t) + float64(y)*t)) }
	return color.NRGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 0xff}
}

// contrast is the WCAG contrast ratio of two opaque colours, 1 to 21.
func contrast(a, b color.NRGBA) float64 {
	lum := func(c color.NRGBA) float64 {
		ch := func(v uint8) float64 {
			s := float64(v) / 255
			if s <= 0.03928 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
	}
	la, lb := lum(a), lum(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// brand is the built-in icon b on its plate, px square, drawn once.
func (c avatarCache) brand(b icons.Icon, px int) image.Image {
	plate, glyph := brandColours(b.Hex)
	k := avatarKey{text: fmt.Sprintf("\x00brand\x00%s\x00%02x%02x%02x", b.Slug, plate.R, plate.G, plate.B), fill: glyph, px: px}
	if img, ok := c[k]; ok {
		return img
	}
	img := drawAvatar("", plate, px).(*image.NRGBA)
	size := math.Round(float64(px) * brandGlyph)
	off := (float64(px) - size) / 2
	fill := fmt.Sprintf("#%02x%02x%02x", glyph.R, glyph.G, glyph.B)
	if err := drawSVG(img, b.SVG(fill), off, size); err != nil || !inked(img, plate) {
		return nil // initials rather than an empty plate
	}
	c.put(k, img)
	return img
}

// inked tells whether anything was drawn on the plate.
func inked(img *image.NRGBA, plate color.NRGBA) bool {
	px := img.Bounds().Dx()
	for y := px / 5; y < px-px/5; y++ {
		for x := px / 5; x < px-px/5; x++ {
			if img.NRGBAAt(x, y) != plate {
				return true
			}
		}
	}
	return false
}

// picture is a picture chosen for an account, fitted into px square.
func (c avatarCache) picture(ic *vault.Icon, px int) image.Image {
	sum := sha256.Sum256(ic.Data)
	k := avatarKey{text: fmt.Sprintf("\x00picture\x00%x", sum[:16]), px: px}
	if img, ok := c[k]; ok {
		return img
	}
	img := image.NewNRGBA(image.Rect(0, 0, px, px))
	if ic.MIME == picture.SVG {
		if err := drawSVG(img, ic.Data, 0, float64(px)); err != nil {
			return nil
		}
	} else {
		// The vault checked the header (picture.CheckImage): at most
		// 1024×1024 pixels, so decoding is bounded.
		src, _, err := image.Decode(bytes.NewReader(ic.Data))
		if err != nil {
			return nil
		}
		b := src.Bounds()
		scale := float64(px) / float64(max(b.Dx(), b.Dy()))
		w, h := int(math.Round(float64(b.Dx())*scale)), int(math.Round(float64(b.Dy())*scale))
		dst := image.Rect((px-w)/2, (px-h)/2, (px-w)/2+w, (px-h)/2+h)
		xdraw.CatmullRom.Scale(img, dst, src, b, xdraw.Over, nil)
		brandRasters.Add(1)
	}
	c.put(k, img)
	return img
}

func (c avatarCache) put(k avatarKey, img image.Image) {
	if len(c) > 1024 { // two looks of a few hundred accounts; drop all rather than track use
		clear(c)
	}
	c[k] = img
}

// drawSVG draws the SVG document svg over img, its view box scaled into a
// size-pixel square at (off, off). oksvg panics on some malformed input
// (Fyne guards it the same way); that is an error here.
func drawSVG(img *image.NRGBA, svg []byte, off, size float64) (err error) {
	icon, err := oksvg.ReadIconStream(bytes.NewReader(svg))
	if err != nil {
		return err
	}
	defer func() {
		if recover() != nil {
			err = errors.New("the SVG could not be drawn")
		}
	}()
	icon.SetTarget(off, off, size, size)
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	scanner := rasterx.NewScannerGV(w, h, img, img.Bounds())
	icon.Draw(rasterx.NewDasher(w, h, scanner), 1)
	brandRasters.Add(1)
	return nil
}
