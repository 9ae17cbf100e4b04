package desktop

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// frame is what the main window shows: the current screen, with the "your
// clock is off" banner and the toast above it.
type frame struct {
	root   *fyne.Container // the window's content
	screen *fyne.Container // holds the current screen
	toast  *toast
	clock  *clockBanner
}

// newFrame makes an empty frame.
func newFrame() frame {
	f := frame{screen: container.NewStack(), toast: newToast(), clock: newClockBanner()}
	f.root = container.NewStack(f.screen, f.clock.box, f.toast.overlay)
	return f
}

// set replaces the current screen with o.
func (f *frame) set(o fyne.CanvasObject) {
	for _, old := range f.screen.Objects {
		stopSpinners(old)
	}
	f.screen.Objects = []fyne.CanvasObject{o}
	f.screen.Refresh()
}

// stopSpinners stops the infinite progress bars in a screen being replaced:
// their animation would otherwise run (and redraw) forever.
func stopSpinners(o fyne.CanvasObject) {
	switch o := o.(type) {
	case *widget.ProgressBarInfinite:
		o.Stop()
	case *fyne.Container:
		for _, c := range o.Objects {
			stopSpinners(c)
		}
	}
}
