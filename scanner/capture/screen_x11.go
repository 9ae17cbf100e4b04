//go:build linux || freebsd || openbsd || netbsd

package capture

import (
	"errors"
	"fmt"
	"image"
	"io"
	"log"
	"sync"

	"authdesk/scanner"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xinerama"
	"github.com/jezek/xgb/xproto"
)

var quietOnce sync.Once

// quietXGB stops XGB logging its connection attempts to stderr, which
// would pollute the CLI's output.
func quietXGB() {
	quietOnce.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) })
}

// xGetImageCapture captures each Xinerama screen (or the root window) with
// core-protocol GetImage, in bands so no single reply is huge.
func xGetImageCapture(display string) (imgs []image.Image, err error) {
	quietXGB()
	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		return nil, fmt.Errorf("connect to X display %q: %w", display, err)
	}
	defer c.Close()
	setup := xproto.Setup(c)
	screen := setup.DefaultScreen(c)
	root := image.Rect(0, 0, int(screen.WidthInPixels), int(screen.HeightInPixels))
	rects := []image.Rectangle{root}
	if xinerama.Init(c) == nil {
		if r, err := xinerama.QueryScreens(c).Reply(); err == nil && len(r.ScreenInfo) > 0 {
			rects = rects[:0]
			for _, s := range r.ScreenInfo {
				rect := image.Rect(int(s.XOrg), int(s.YOrg), int(s.XOrg)+int(s.Width), int(s.YOrg)+int(s.Height)).Intersect(root)
				if !rect.Empty() {
					rects = append(rects, rect)
				}
			}
		}
	}
	bpp := 0
	for _, f := range setup.PixmapFormats {
		if f.Depth == screen.RootDepth {
			bpp = int(f.BitsPerPixel)
		}
	}
	if bpp != 32 || (screen.RootDepth != 24 && screen.RootDepth != 32) {
		return nil, fmt.Errorf("the X screen depth %d at %d bits per pixel is not supported", screen.RootDepth, bpp)
	}
	lsb := setup.ImageByteOrder == xproto.ImageOrderLSBFirst
	for _, r := range rects {
		if int64(r.Dx())*int64(r.Dy()) > scanner.MaxPixels {
			return nil, fmt.Errorf("an X screen of %d×%d: %w", r.Dx(), r.Dy(), scanner.ErrImageTooLarge)
		}
		img := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		const band = 128
		for y := r.Min.Y; y < r.Max.Y; y += band {
			h := min(band, r.Max.Y-y)
			reply, err := xproto.GetImage(c, xproto.ImageFormatZPixmap, xproto.Drawable(screen.Root),
				int16(r.Min.X), int16(y), uint16(r.Dx()), uint16(h), 0xffffffff).Reply()
			if err != nil {
				return nil, fmt.Errorf("x11 GetImage: %w", err)
			}
			if len(reply.Data) < r.Dx()*h*4 {
				return nil, errors.New("x11 GetImage: short reply")
			}
			for yy := 0; yy < h; yy++ {
				src := reply.Data[yy*r.Dx()*4 : (yy+1)*r.Dx()*4]
				dst := img.Pix[(y-r.Min.Y+yy)*img.Stride:]
				for x := 0; x < r.Dx(); x++ {
					p := src[4*x : 4*x+4]
					if lsb { // B G R X
						dst[4*x], dst[4*x+1], dst[4*x+2] = p[2], p[1], p[0]
					} else { // X R G B
						dst[4*x], dst[4*x+1], dst[4*x+2] = p[1], p[2], p[3]
					}
					dst[4*x+3] = 255
				}
			}
		}
		imgs = append(imgs, img)
	}
	return imgs, nil
}
