//go:build linux || freebsd || openbsd || netbsd

package capture

import (
	"os"
	"sync"
	"testing"

	"github.com/jezek/xgb"
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

// BenchmarkCaptureX11 is one grab of every display of $DISPLAY (one
// 1920×1080×24 screen under .ci/desktop-session).
func BenchmarkCaptureX11(b *testing.B) {
	display := os.Getenv("DISPLAY")
	if display == "" {
		b.Skip("no DISPLAY: run under .ci/desktop-session")
	}
	quietXGB()
	// An X server with no client left resets and refuses connections for
	// a moment: keep one open, as a desktop always has.
	keep, err := xgb.NewConnDisplay(display)
	if err != nil {
		b.Fatal(err)
	}
	defer keep.Close()
	for b.Loop() {
		if _, err := nativeCapture(display); err != nil {
			b.Fatal(err)
		}
	}
}
