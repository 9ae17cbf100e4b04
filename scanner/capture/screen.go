// Package capture gets QR payloads from what the desktop shows: captures of
// every display (X11, Windows, macOS directly; Wayland through the
// xdg-desktop-portal) and the image on the system clipboard. Package scanner
// reads the pixels; this package only fetches them.
package capture

import (
	"errors"
	"fmt"
	"image"
	"os"
	"runtime"
	"strings"

	"authdesk/scanner"
)

var (
	// ErrScreenUnavailable means no display could be captured; the message says what to do instead.
	ErrScreenUnavailable = errors.New("screen capture unavailable: open a screenshot file or paste one from the clipboard instead")
	// ErrClipboardNoImage means the system clipboard holds no image.
	ErrClipboardNoImage = errors.New("no image on the clipboard: copy a screenshot (PrtScn) or open an image file instead")
)

// Screen captures every display and returns the QR payloads found on them,
// display by display, deduplicated. On X11, Windows and macOS it captures
// directly; on Wayland it asks the xdg-desktop-portal Screenshot interface
// (the desktop may ask the user to allow it). When neither works the error
// is ErrScreenUnavailable, whose message says to open or paste a
// screenshot instead.
func Screen() ([]string, error) {
	shots, err := captureScreens(os.Getenv)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, img := range shots {
		found, err := scanner.Image(img)
		if err != nil && !errors.Is(err, scanner.ErrNoQRCode) {
			return nil, err
		}
		for _, p := range found {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 {
		return nil, scanner.ErrNoQRCode
	}
	return out, nil
}

// isWayland tells whether the session is a Wayland one, where X11 capture
// sees only XWayland windows (or black) and the portal is the way in.
func isWayland(getenv func(string) string) bool {
	return getenv("WAYLAND_DISPLAY") != "" || strings.EqualFold(getenv("XDG_SESSION_TYPE"), "wayland")
}

// captureScreens returns one image per display.
func captureScreens(getenv func(string) string) ([]image.Image, error) {
	var reasons []string
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" && isWayland(getenv) {
		img, err := portalScreenshot()
		if err == nil {
			return []image.Image{img}, nil
		}
		reasons = append(reasons, "xdg-desktop-portal: "+err.Error())
		// X11 capture is no use on Wayland: it sees only XWayland
		// windows, or black.
		return nil, fmt.Errorf("%w (%s)", ErrScreenUnavailable, strings.Join(reasons, "; "))
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" && getenv("DISPLAY") == "" {
		return nil, fmt.Errorf("%w (no DISPLAY and no Wayland session)", ErrScreenUnavailable)
	}
	imgs, err := nativeCapture(getenv("DISPLAY"))
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrScreenUnavailable, err)
	}
	return imgs, nil
}
