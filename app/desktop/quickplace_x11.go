//go:build linux || freebsd || openbsd || netbsd

package desktop

import (
	"image"
	"io"
	"log"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xinerama"
	"github.com/jezek/xgb/xproto"
)

// pointerConn is an X connection of our own for placing the popup: Fyne
// keeps its own to itself. It is opened on first use and kept.
var pointerConn = sync.OnceValue(func() *xgb.Conn {
	xgb.Logger = log.New(io.Discard, "", 0)
	c, err := xgb.NewConn()
	if err != nil {
		return nil
	}
	_ = xinerama.Init(c)
	return c
})

// placeAtPointer moves w (size in Fyne units) onto the monitor under the
// pointer, its search field under the pointer, kept inside the monitor.
// Without X (Wayland, no display) the window stays where the system put it.
func placeAtPointer(w fyne.Window, size fyne.Size) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return
	}
	var wid uintptr
	nw.RunNative(func(ctx any) {
		if x, ok := ctx.(driver.X11WindowContext); ok {
			wid = x.WindowHandle
		}
	})
	c := pointerConn()
	if wid == 0 || c == nil {
		return
	}
	scale := w.Canvas().Scale()
	pos, ok := pointerPlace(c, int(size.Width*scale), int(size.Height*scale))
	if !ok {
		return
	}
	xproto.ConfigureWindow(c, xproto.Window(wid), xproto.ConfigWindowX|xproto.ConfigWindowY,
		[]uint32{uint32(int32(pos.X)), uint32(int32(pos.Y))})
	c.Sync()
}

// pointerPlace is where a w×h window goes: centred across the pointer,
// its top 30 px above it, inside the monitor the pointer is on.
func pointerPlace(c *xgb.Conn, w, h int) (image.Point, bool) {
	screen := xproto.Setup(c).DefaultScreen(c)
	ptr, err := xproto.QueryPointer(c, screen.Root).Reply()
	if err != nil {
		return image.Point{}, false
	}
	at := image.Pt(int(ptr.RootX), int(ptr.RootY))
	mon := image.Rect(0, 0, int(screen.WidthInPixels), int(screen.HeightInPixels))
	if r, err := xinerama.QueryScreens(c).Reply(); err == nil {
		for _, s := range r.ScreenInfo {
			m := image.Rect(int(s.XOrg), int(s.YOrg), int(s.XOrg)+int(s.Width), int(s.YOrg)+int(s.Height))
			if at.In(m) {
				mon = m
			}
		}
	}
	return clampPlace(at, w, h, mon), true
}

// clampPlace centres a w×h window across at, its top 30 px above at, and
// keeps it inside mon.
func clampPlace(at image.Point, w, h int, mon image.Rectangle) image.Point {
	p := image.Pt(at.X-w/2, at.Y-30)
	p.X = max(mon.Min.X, min(p.X, mon.Max.X-w))
	p.Y = max(mon.Min.Y, min(p.Y, mon.Max.Y-h))
	return p
}
