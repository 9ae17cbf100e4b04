//go:build linux || freebsd || openbsd || netbsd

package capture

import (
	"errors"
	"fmt"
	"image"

	"authdesk/scanner"

	"github.com/jezek/xgb/xinerama"
	"github.com/jezek/xgb/xproto"
)

// Limits on what an X server may ask us to capture. Each display must fit
// the scanner's MaxPixels (it refuses larger images anyway); the whole
// desktop is bounded too, so a broken or hostile server claiming hundreds of
// overlapping monitors cannot make us allocate gigabytes.
const (
	maxDisplays             = 16
	maxDesktopPixels        = 2 * scanner.MaxPixels
	bandBytes               = 4 << 20 // one GetImage reply at most, so a 4K screen takes a few requests
	allPlanes        uint32 = 0xffffffff
)

// x11Layout is what to capture on one X screen: the displays' rectangles on
// the root window and how the server lays out their pixels.
type x11Layout struct {
	root     xproto.Window
	displays []image.Rectangle
	format   zpixmap
}

// layoutOf works out the layout from the connection setup and the Xinerama
// screens (none when Xinerama is off: then the whole root window is one
// display). Displays are clipped to the root window; empty and repeated ones
// (mirrored monitors) are dropped.
func layoutOf(setup *xproto.SetupInfo, screen *xproto.ScreenInfo, heads []xinerama.ScreenInfo) (x11Layout, error) {
	format, err := formatOf(setup, screen)
	if err != nil {
		return x11Layout{}, err
	}
	root := image.Rect(0, 0, int(screen.WidthInPixels), int(screen.HeightInPixels))
	rects := []image.Rectangle{root}
	if len(heads) > 0 {
		rects = rects[:0]
		for _, h := range heads {
			r := image.Rect(int(h.XOrg), int(h.YOrg), int(h.XOrg)+int(h.Width), int(h.YOrg)+int(h.Height)).Intersect(root)
			if !r.Empty() && !containsRect(rects, r) {
				rects = append(rects, r)
			}
		}
	}
	if len(rects) == 0 || root.Empty() {
		return x11Layout{}, errors.New("the X server reports no display with any pixels")
	}
	if len(rects) > maxDisplays {
		return x11Layout{}, fmt.Errorf("the X server reports %d displays, the limit is %d: %w", len(rects), maxDisplays, scanner.ErrImageTooLarge)
	}
	var total int64
	for i, r := range rects {
		px := int64(r.Dx()) * int64(r.Dy())
		if px > scanner.MaxPixels {
			return x11Layout{}, fmt.Errorf("display %d is %d×%d: %w: the limit is %d pixels", i, r.Dx(), r.Dy(), scanner.ErrImageTooLarge, scanner.MaxPixels)
		}
		total += px
	}
	if total > maxDesktopPixels {
		return x11Layout{}, fmt.Errorf("the X displays hold %d pixels together: %w: the limit is %d", total, scanner.ErrImageTooLarge, maxDesktopPixels)
	}
	return x11Layout{root: screen.Root, displays: rects, format: format}, nil
}

func containsRect(rs []image.Rectangle, r image.Rectangle) bool {
	for _, s := range rs {
		if s == r {
			return true
		}
	}
	return false
}

// formatOf reads the ZPixmap layout of the screen's root depth and visual
// from the setup, and refuses what convert cannot read.
func formatOf(setup *xproto.SetupInfo, screen *xproto.ScreenInfo) (zpixmap, error) {
	f := zpixmap{depth: int(screen.RootDepth), msbFirst: setup.ImageByteOrder == xproto.ImageOrderMSBFirst}
	for _, pf := range setup.PixmapFormats {
		if pf.Depth == screen.RootDepth {
			f.bpp, f.pad = int(pf.BitsPerPixel), int(pf.ScanlinePad)
		}
	}
	if f.bpp == 0 {
		return zpixmap{}, fmt.Errorf("%w: the server lists no pixmap format for depth %d", errPixelFormat, f.depth)
	}
	visual, ok := rootVisual(screen)
	if !ok {
		return zpixmap{}, fmt.Errorf("%w: the root visual %#x is not among the screen's visuals", errPixelFormat, screen.RootVisual)
	}
	f.red, f.green, f.blue = visual.RedMask, visual.GreenMask, visual.BlueMask
	if err := f.check(); err != nil {
		return zpixmap{}, err
	}
	if visual.Class != xproto.VisualClassTrueColor && visual.Class != xproto.VisualClassDirectColor {
		return zpixmap{}, fmt.Errorf("%w: the root visual is of class %d, only TrueColor is read", errPixelFormat, visual.Class)
	}
	return f, nil
}

func rootVisual(screen *xproto.ScreenInfo) (xproto.VisualInfo, bool) {
	for _, d := range screen.AllowedDepths {
		if d.Depth != screen.RootDepth {
			continue
		}
		for _, v := range d.Visuals {
			if v.VisualId == screen.RootVisual {
				return v, true
			}
		}
	}
	return xproto.VisualInfo{}, false
}
