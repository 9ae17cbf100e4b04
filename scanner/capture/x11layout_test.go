//go:build linux || freebsd || openbsd || netbsd

package capture

import (
	"errors"
	"image"
	"slices"
	"strings"
	"testing"

	"authdesk/scanner"

	"github.com/jezek/xgb/xinerama"
	"github.com/jezek/xgb/xproto"
)

// fakeScreen is the connection setup an X server would send for one screen
// of w×h at depth (bpp bits per pixel), root visual of class with masks.
type fakeScreen struct {
	w, h         uint16
	depth, bpp   byte
	class        byte
	masks        [3]uint32
	noFormat     bool
	visualAbsent bool
}

func (s fakeScreen) setup() (*xproto.SetupInfo, *xproto.ScreenInfo) {
	const visual = 0x21
	screen := xproto.ScreenInfo{
		Root: 0x100, WidthInPixels: s.w, HeightInPixels: s.h, RootDepth: s.depth, RootVisual: visual,
		AllowedDepths: []xproto.DepthInfo{{Depth: s.depth, Visuals: []xproto.VisualInfo{{
			VisualId: visual, Class: s.class, BitsPerRgbValue: 8,
			RedMask: s.masks[0], GreenMask: s.masks[1], BlueMask: s.masks[2],
		}}}},
	}
	if s.visualAbsent {
		screen.AllowedDepths[0].Visuals[0].VisualId = visual + 1
	}
	setup := &xproto.SetupInfo{ImageByteOrder: xproto.ImageOrderLSBFirst, Roots: []xproto.ScreenInfo{screen}}
	if !s.noFormat {
		setup.PixmapFormats = []xproto.Format{{Depth: 1, BitsPerPixel: 1, ScanlinePad: 32}, {Depth: s.depth, BitsPerPixel: s.bpp, ScanlinePad: 32}}
	}
	return setup, &setup.Roots[0]
}

var (
	truecolor24 = fakeScreen{w: 3840, h: 1080, depth: 24, bpp: 32, class: xproto.VisualClassTrueColor, masks: [3]uint32{0xff0000, 0xff00, 0xff}}
	fhd         = image.Rect(0, 0, 1920, 1080)
)

func head(x, y int16, w, h uint16) xinerama.ScreenInfo {
	return xinerama.ScreenInfo{XOrg: x, YOrg: y, Width: w, Height: h}
}

func TestLayoutOf(t *testing.T) {
	big := truecolor24
	big.w, big.h = 65535, 65535
	wide := truecolor24
	wide.w, wide.h = 18000, 6000
	manyHeads := make([]xinerama.ScreenInfo, maxDisplays+1)
	for i := range manyHeads {
		manyHeads[i] = head(int16(i*10), 0, 100, 100)
	}
	tests := []struct {
		name   string
		screen fakeScreen
		heads  []xinerama.ScreenInfo
		want   []image.Rectangle
	}{
		{"no Xinerama: the root window", truecolor24, nil, []image.Rectangle{image.Rect(0, 0, 3840, 1080)}},
		{"two heads side by side", truecolor24, []xinerama.ScreenInfo{head(0, 0, 1920, 1080), head(1920, 0, 1920, 1080)},
			[]image.Rectangle{fhd, fhd.Add(image.Pt(1920, 0))}},
		{"mirrored heads are captured once", truecolor24, []xinerama.ScreenInfo{head(0, 0, 1920, 1080), head(0, 0, 1920, 1080)},
			[]image.Rectangle{fhd}},
		{"heads are clipped to the root window", truecolor24, []xinerama.ScreenInfo{head(-100, -50, 1920, 1080), head(3000, 0, 1920, 1080)},
			[]image.Rectangle{image.Rect(0, 0, 1820, 1030), image.Rect(3000, 0, 3840, 1080)}},
		{"a head off the root window is dropped", truecolor24, []xinerama.ScreenInfo{head(0, 0, 1920, 1080), head(5000, 0, 1920, 1080), head(0, 0, 0, 0)},
			[]image.Rectangle{fhd}},
		{"24 bits per pixel", fakeScreen{w: 640, h: 480, depth: 24, bpp: 24, class: xproto.VisualClassTrueColor, masks: [3]uint32{0xff0000, 0xff00, 0xff}}, nil,
			[]image.Rectangle{image.Rect(0, 0, 640, 480)}},
		{"many small heads inside a huge root", big, manyHeads[:maxDisplays], manyRects(maxDisplays)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup, screen := tt.screen.setup()
			l, err := layoutOf(setup, screen, tt.heads)
			if err != nil {
				t.Fatalf("layoutOf: %v", err)
			}
			if !slices.Equal(l.displays, tt.want) {
				t.Fatalf("displays = %v, want %v", l.displays, tt.want)
			}
			if l.root != screen.Root || l.format.bpp != int(tt.screen.bpp) {
				t.Errorf("root %#x, %d bpp: want %#x, %d", l.root, l.format.bpp, screen.Root, tt.screen.bpp)
			}
		})
	}
}

// TestLayoutRefused: what a broken or hostile X server may claim, refused
// before a pixel is allocated.
func TestLayoutRefused(t *testing.T) {
	screen := func(edit func(*fakeScreen)) fakeScreen {
		s := truecolor24
		edit(&s)
		return s
	}
	manyHeads := make([]xinerama.ScreenInfo, maxDisplays+1)
	for i := range manyHeads {
		manyHeads[i] = head(int16(i), 0, 100, 100)
	}
	tests := []struct {
		name     string
		screen   fakeScreen
		heads    []xinerama.ScreenInfo
		tooLarge bool
		want     string
	}{
		{"a root of 65535×65535", screen(func(s *fakeScreen) { s.w, s.h = 65535, 65535 }), nil, true, "display 0 is 65535×65535"},
		{"one head over MaxPixels", screen(func(s *fakeScreen) { s.w, s.h = 20000, 20000 }), []xinerama.ScreenInfo{head(0, 0, 1920, 1080), head(0, 0, 20000, 3000)}, true, "display 1 is 20000×3000"},
		{"too many heads", screen(func(s *fakeScreen) { s.w, s.h = 2000, 2000 }), manyHeads, true, "17 displays"},
		{"overlapping heads over the desktop limit", screen(func(s *fakeScreen) { s.w, s.h = 6000, 6000 }),
			[]xinerama.ScreenInfo{head(0, 0, 6000, 6000), head(1, 0, 5999, 6000), head(2, 0, 5998, 6000)}, true, "together"},
		{"an empty root", screen(func(s *fakeScreen) { s.w = 0 }), nil, false, "no display with any pixels"},
		{"every head off the root", truecolor24, []xinerama.ScreenInfo{head(-3000, 0, 100, 100)}, false, "no display with any pixels"},
		{"depth 16", screen(func(s *fakeScreen) { s.depth, s.bpp, s.masks = 16, 16, [3]uint32{0xf800, 0x7e0, 0x1f} }), nil, false, "depth 16 at 16 bits per pixel"},
		{"depth 8 pseudocolour", screen(func(s *fakeScreen) { s.depth, s.bpp, s.class = 8, 8, xproto.VisualClassPseudoColor }), nil, false, "depth 8"},
		{"24-bit static grey", screen(func(s *fakeScreen) { s.class = xproto.VisualClassStaticGray }), nil, false, "class 0"},
		{"depth 30", screen(func(s *fakeScreen) { s.depth, s.masks = 30, [3]uint32{0x3ff00000, 0xffc00, 0x3ff} }), nil, false, "depth 30"},
		{"no pixmap format for the depth", screen(func(s *fakeScreen) { s.noFormat = true }), nil, false, "no pixmap format for depth 24"},
		{"root visual not listed", screen(func(s *fakeScreen) { s.visualAbsent = true }), nil, false, "root visual 0x21"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup, scr := tt.screen.setup()
			_, err := layoutOf(setup, scr, tt.heads)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("layoutOf = %v, want an error mentioning %q", err, tt.want)
			}
			if got := errors.Is(err, scanner.ErrImageTooLarge); got != tt.tooLarge {
				t.Errorf("errors.Is(%v, ErrImageTooLarge) = %v, want %v", err, got, tt.tooLarge)
			}
		})
	}
}

func manyRects(n int) []image.Rectangle {
	var rs []image.Rectangle
	for i := 0; i < n; i++ {
		rs = append(rs, image.Rect(i*10, 0, i*10+100, 100))
	}
	return rs
}
