package desktop

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// busyBar is a place for an infinite progress bar that holds one only while
// shown. Fyne v2.7.1's ProgressBarInfinite sets itself running when its
// renderer is made, hidden or not (widget/progressbarinfinite.go,
// CreateRenderer), and a running bar animates at 60 fps: a hidden bar kept
// in a screen would keep the event loop awake for as long as it shows.
type busyBar struct {
	box *fyne.Container
}

func newBusyBar() busyBar {
	b := busyBar{container.NewStack()}
	b.box.Hide() // hidden, it takes no room (nor padding) in a VBox
	return b
}

// Show puts a new running bar in place.
func (b busyBar) Show() {
	if len(b.box.Objects) == 0 {
		b.box.Objects = []fyne.CanvasObject{widget.NewProgressBarInfinite()}
	}
	b.box.Show()
}

// Hide stops the bar and drops it.
func (b busyBar) Hide() {
	stopSpinners(b.box)
	b.box.Objects = nil
	b.box.Hide()
}
