//go:build !lean && !front

package cli

import (
	"errors"

	"authdesk/scanner"
	"authdesk/scanner/capture"
)

// scanCaptured scans every display (screen) or the image on the
// clipboard. The lean and front builds leave this to the helper
// (scan_lean.go): screen capture links X11 and D-Bus clients that every
// command would initialise.
func scanCaptured(env *Env, _ *Globals, _ []string, screen bool) error {
	grab := capture.Clipboard
	if screen {
		grab = capture.Screen
	}
	out, err := grab()
	if err != nil && !errors.Is(err, scanner.ErrNoQRCode) {
		return err
	}
	o := newScanOutput(env)
	o.emit(out)
	return o.finish(nil)
}
