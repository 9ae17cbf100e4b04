//go:build linux || freebsd || openbsd || netbsd

package capture

import (
	"fmt"
	"image"
	"io"
	"log"
	"sync"

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

// nativeCapture captures each display of the X server at display with
// core-protocol GetImage over one connection.
//
// It uses no MIT-SHM: xgb's shm.Init (and RandR's) writes xgb's global
// event and error tables, which the reader goroutine of every open xgb
// connection in the process reads (the desktop's hotkey connection lives as
// long as the app). Xinerama's Init writes only this connection's extension
// map, under its lock, and runs first on the connection.
func nativeCapture(display string) ([]image.Image, error) {
	quietXGB()
	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		return nil, fmt.Errorf("connect to X display %q: %w", display, err)
	}
	defer c.Close()
	var heads []xinerama.ScreenInfo
	if xinerama.Init(c) == nil {
		if r, err := xinerama.QueryScreens(c).Reply(); err == nil {
			heads = r.ScreenInfo
		}
	}
	setup := xproto.Setup(c)
	layout, err := layoutOf(setup, setup.DefaultScreen(c), heads)
	if err != nil {
		return nil, err
	}
	imgs := make([]image.Image, 0, len(layout.displays))
	for i, r := range layout.displays {
		img, err := grab(c, layout.root, r, layout.format)
		if err != nil {
			return nil, fmt.Errorf("capture display %d (%v): %w", i, r, err)
		}
		imgs = append(imgs, img)
	}
	return imgs, nil
}

// grab reads rectangle r of the root window in bands of at most bandBytes,
// so no single reply is huge.
func grab(c *xgb.Conn, root xproto.Window, r image.Rectangle, f zpixmap) (*image.RGBA, error) {
	img := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	band := max(1, bandBytes/f.stride(r.Dx()))
	for y := r.Min.Y; y < r.Max.Y; y += band {
		h := min(band, r.Max.Y-y)
		reply, err := xproto.GetImage(c, xproto.ImageFormatZPixmap, xproto.Drawable(root),
			int16(r.Min.X), int16(y), uint16(r.Dx()), uint16(h), allPlanes).Reply()
		if err != nil {
			return nil, fmt.Errorf("x11 GetImage: %w", err)
		}
		if reply.Depth != byte(f.depth) {
			return nil, fmt.Errorf("x11 GetImage: a reply of depth %d on a screen of depth %d", reply.Depth, f.depth)
		}
		if err := f.convert(img, y-r.Min.Y, reply.Data, r.Dx(), h); err != nil {
			return nil, err
		}
	}
	return img, nil
}
