//go:build linux || freebsd || openbsd || netbsd

package capture

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xinerama"
	"github.com/jezek/xgb/xproto"
)

// TestScreenConcurrent captures the screen from several goroutines at once,
// as the desktop's "Scan screen" may while the CLI or another window
// captures too. Under -race this failed with kbinani/screenshot, whose
// shm.Init writes xgb's global event and error tables from every capture.
func TestScreenConcurrent(t *testing.T) {
	needDesktop(t, "DISPLAY")
	if isWayland(os.Getenv) {
		t.Skip("Wayland session: X11 capture is not used there")
	}
	holdDisplay(t, os.Getenv("DISPLAY"))
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			imgs, err := captureScreens(os.Getenv)
			if err != nil {
				t.Errorf("captureScreens: %v", err)
				return
			}
			if len(imgs) == 0 || imgs[0].Bounds().Empty() {
				t.Errorf("captureScreens gave no pixels: %d images", len(imgs))
			}
		}()
	}
	wg.Wait()
}

// held are the connections holdDisplay keeps open until the test binary
// exits.
var held = struct {
	sync.Mutex
	conns map[string]*xgb.Conn
}{conns: map[string]*xgb.Conn{}}

// holdDisplay keeps a connection to display open for the rest of the test
// binary. An X server whose last client leaves resets, and drops the
// connections that arrive meanwhile; a desktop always has clients, but a
// bare test Xvfb has none between two tests' captures. The first connection
// may itself meet such a reset, so it is tried again for up to 30 s.
func holdDisplay(tb testing.TB, display string) {
	tb.Helper()
	quietXGB()
	held.Lock()
	defer held.Unlock()
	if held.conns[display] != nil {
		return
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := xgb.NewConnDisplay(display)
		if err == nil {
			if _, err = xproto.GetInputFocus(c).Reply(); err == nil {
				held.conns[display] = c
				return
			}
			c.Close()
		}
		if time.Now().After(deadline) {
			tb.Fatalf("connect to X display %q: %v", display, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startXvfb starts a private X server with the given screens (WxHxD; more
// than one are joined by Xinerama) and returns its display. -noreset keeps
// it from resetting, and refusing connections, whenever its last client
// leaves.
func startXvfb(t *testing.T, screens ...string) string {
	t.Helper()
	quietXGB()
	xvfb := needBinary(t, "Xvfb")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	args := []string{"-displayfd", "3", "-noreset", "-nolisten", "tcp"}
	for i, s := range screens {
		args = append(args, "-screen", strconv.Itoa(i), s)
	}
	if len(screens) > 1 {
		args = append(args, "+xinerama")
	}
	cmd := exec.Command(xvfb, args...)
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if n == "" {
			t.Fatalf("Xvfb %v did not start", args)
		}
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatalf("Xvfb %v did not start in 30s", args)
	}
	return ""
}

// testPattern has a different red, green and blue in every pixel nearby,
// so swapped channels, a wrong stride or a shifted row show.
func testPattern(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = byte(x*7+y), byte(y*3^x), byte((x+y)*5), 0xff
		}
	}
	return img
}

// paintRoot makes pattern the root window's background on display, a
// depth-24 BGRX screen, and returns the connection (kept open for the
// test) and the Xinerama heads.
func paintRoot(t *testing.T, display string, pattern *image.RGBA) []image.Rectangle {
	t.Helper()
	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if err := xinerama.Init(c); err != nil {
		t.Fatal(err)
	}
	screen := xproto.Setup(c).DefaultScreen(c)
	w, h := int(screen.WidthInPixels), int(screen.HeightInPixels)
	pix, err := xproto.NewPixmapId(c)
	if err != nil {
		t.Fatal(err)
	}
	gc, err := xproto.NewGcontextId(c)
	if err != nil {
		t.Fatal(err)
	}
	xproto.CreatePixmap(c, screen.RootDepth, pix, xproto.Drawable(screen.Root), uint16(w), uint16(h))
	xproto.CreateGC(c, gc, xproto.Drawable(pix), 0, nil)
	const rows = 16 // a request stays under the core 256 KiB limit
	for y := 0; y < h; y += rows {
		n := min(rows, h-y)
		data := make([]byte, 0, w*n*4)
		for yy := y; yy < y+n; yy++ {
			for x := 0; x < w; x++ {
				p := pattern.RGBAAt(x, yy)
				data = append(data, p.B, p.G, p.R, 0)
			}
		}
		xproto.PutImage(c, xproto.ImageFormatZPixmap, xproto.Drawable(pix), gc, uint16(w), uint16(n), 0, int16(y), 0, screen.RootDepth, data)
	}
	xproto.ChangeWindowAttributes(c, screen.Root, xproto.CwBackPixmap, []uint32{uint32(pix)})
	xproto.ClearArea(c, false, screen.Root, 0, 0, 0, 0)
	if _, err := xproto.GetInputFocus(c).Reply(); err != nil { // a round trip: all of the above is done
		t.Fatal(err)
	}
	r, err := xinerama.QueryScreens(c).Reply()
	if err != nil {
		t.Fatal(err)
	}
	var heads []image.Rectangle
	for _, s := range r.ScreenInfo {
		heads = append(heads, image.Rect(int(s.XOrg), int(s.YOrg), int(s.XOrg)+int(s.Width), int(s.YOrg)+int(s.Height)))
	}
	return heads
}

// importRoot is ImageMagick's capture of the whole root window.
func importRoot(t *testing.T, display string) image.Image {
	t.Helper()
	imp := needBinary(t, "import")
	cmd := exec.Command(imp, "-window", "root", "png:-")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("import -window root: %v: %s", err, stderr.Bytes())
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("import's PNG: %v", err)
	}
	return img
}

// TestCaptureMatchesImport paints a test pattern on a private Xvfb of two
// Xinerama screens and checks that each display we capture is, pixel for
// pixel, what ImageMagick's import reads from the same root window, and
// what was painted.
func TestCaptureMatchesImport(t *testing.T) {
	display := startXvfb(t, "640x400x24", "320x240x24")
	heads := paintRoot(t, display, testPattern(640, 400))
	if len(heads) != 2 {
		t.Fatalf("Xvfb reports %d Xinerama heads, want 2", len(heads))
	}
	imgs, err := captureScreens(func(k string) string { return map[string]string{"DISPLAY": display}[k] })
	if err != nil {
		t.Fatalf("captureScreens: %v", err)
	}
	if len(imgs) != len(heads) {
		t.Fatalf("captured %d displays, Xinerama has %d heads", len(imgs), len(heads))
	}
	ref := importRoot(t, display)
	pattern := testPattern(640, 400)
	for i, h := range heads {
		if got := imgs[i].Bounds().Size(); got != h.Size() {
			t.Fatalf("display %d is %v, its head %v", i, got, h)
		}
		if err := samePixels(imgs[i], ref, h.Min); err != nil {
			t.Errorf("display %d against import -window root: %v", i, err)
		}
		if err := samePixels(imgs[i], pattern, h.Min); err != nil {
			t.Errorf("display %d against the painted pattern: %v", i, err)
		}
	}
}

// samePixels compares every pixel of got with want's, from offset on.
func samePixels(got, want image.Image, offset image.Point) error {
	b := got.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r1, g1, b1, a1 := got.At(x, y).RGBA()
			r2, g2, b2, a2 := want.At(x+offset.X, y+offset.Y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return fmt.Errorf("pixel (%d,%d) is %v, want %v", x, y, got.At(x, y), want.At(x+offset.X, y+offset.Y))
			}
		}
	}
	return nil
}

// TestCaptureRefusesDepth: on 8-, 16- and 30-bit X screens the capture is
// refused with a message naming the depth, not read in wrong colours
// (kbinani/screenshot read a 30-bit screen as if it were BGRX).
func TestCaptureRefusesDepth(t *testing.T) {
	for _, depth := range []int{8, 16, 30} {
		t.Run(fmt.Sprintf("depth %d", depth), func(t *testing.T) {
			display := startXvfb(t, fmt.Sprintf("64x48x%d", depth))
			imgs, err := captureScreens(func(k string) string { return map[string]string{"DISPLAY": display}[k] })
			if !errors.Is(err, ErrScreenUnavailable) {
				t.Fatalf("captureScreens = %d images, %v; want ErrScreenUnavailable", len(imgs), err)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("depth %d", depth)) || !strings.Contains(err.Error(), "only 24- and 32-bit colour") {
				t.Errorf("message %q does not say the depth is unsupported", err)
			}
		})
	}
}

// BenchmarkCaptureX11 is one grab of every display of $DISPLAY (one
// 1920×1080×24 screen under .ci/desktop-session).
func BenchmarkCaptureX11(b *testing.B) {
	display := os.Getenv("DISPLAY")
	if display == "" {
		b.Skip("no DISPLAY: run under .ci/desktop-session")
	}
	holdDisplay(b, display)
	for b.Loop() {
		if _, err := nativeCapture(display); err != nil {
			b.Fatal(err)
		}
	}
}
