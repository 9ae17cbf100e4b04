package desktop

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestBusyDialogStopsItsSpinner checks that the progress dialog of slow work
// appears after half a second and stops its animation when the work is done
// (a running one would redraw the window 60 times a second).
func TestBusyDialogStopsItsSpinner(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	done := h.u.busy("Reading big.png…")
	h.advance(time.Second)
	var bar *widget.ProgressBarInfinite
	for _, root := range h.w.Canvas().Overlays().List() {
		for _, o := range test.LaidOutObjects(root) {
			if b, ok := o.(*widget.ProgressBarInfinite); ok {
				bar = b
			}
		}
	}
	if bar == nil || !bar.Running() {
		t.Fatalf("no running progress bar after 1 s (dialogs %q)", h.overlayText())
	}
	done()
	if bar.Running() {
		t.Errorf("progress bar still animating after the work finished")
	}
	if n := len(h.w.Canvas().Overlays().List()); n != 0 {
		t.Errorf("%d dialogs open after the work finished", n)
	}
}
