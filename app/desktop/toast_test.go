package desktop

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// TestToastWrapsNeverWidens shows a message longer than the window: the
// window's content asks for no more width than before, the pill stays
// inside the window, and its text wraps over several lines.
func TestToastWrapsNeverWidens(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	before := h.w.Content().MinSize().Width
	msg := "Password changed. The old password opens nothing any more (4 backups re-encrypted), " + strings.Repeat("and this goes on ", 6)
	h.u.frame.toast.show(msg, h.u)
	h.w.Resize(fyne.NewSize(560, 720))
	if after := h.w.Content().MinSize().Width; after > before {
		t.Errorf("the toast widened the window's minimum from %.0f to %.0f px", before, after)
	}
	pill := h.u.frame.toast.overlay.Objects[0]
	if pos, w := pill.Position(), h.u.frame.toast.overlay.Size().Width; pos.X < 0 || pos.X+pill.Size().Width > w {
		t.Errorf("the pill spans %.0f–%.0f of %.0f px", pos.X, pos.X+pill.Size().Width, w)
	}
	if line := fyne.MeasureText("A", 14, fyne.TextStyle{}).Height; pill.Size().Height < 2*line {
		t.Errorf("the long toast is on one line (height %.0f px)", pill.Size().Height)
	}
}
