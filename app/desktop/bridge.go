package desktop

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// This file is the one bridge between background goroutines and widgets:
// slow work (KDF, scanning, file and keychain I/O, vault saves) runs through
// background, and its result reaches the UI only through fyne.Do.

// background runs work off the UI goroutine and then hands its result to done
// on the UI goroutine.
func background[T any](u *UI, work func() T, done func(T)) {
	u.cfg.spawn(func() {
		r := work()
		onUI(func() { done(r) })
	})
}

// onUI runs f on the UI goroutine; a goroutine that is not the UI's calls
// this, never fyne.Do directly.
func onUI(f func()) { fyne.Do(f) }

// later runs f on the UI goroutine after d.
func (u *UI) later(d time.Duration, f func()) {
	u.cfg.afterFunc(d, func() { onUI(f) })
}

// busy shows a progress dialog titled msg if the work it guards takes more
// than half a second; call the returned func when the work is done.
func (u *UI) busy(msg string) (done func()) {
	finished := false
	var d dialog.Dialog
	var bar *widget.ProgressBarInfinite
	u.later(500*time.Millisecond, func() {
		if finished {
			return
		}
		bar = widget.NewProgressBarInfinite()
		d = dialog.NewCustomWithoutButtons(msg, bar, u.win)
		d.Show()
	})
	return func() {
		finished = true
		if d != nil {
			// Hiding the dialog leaves the bar's 60 fps animation running.
			bar.Stop()
			d.Hide()
		}
	}
}
