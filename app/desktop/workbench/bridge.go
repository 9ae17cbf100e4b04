package workbench

import (
	"time"

	"fyne.io/fyne/v2"
)

// This file is the workbench's one bridge between background goroutines and
// widgets, as app/desktop's bridge.go is the main window's: slow work (the
// platform, the scenarios, the Simulator vault) runs through background, and
// its result reaches the UI only through fyne.Do.

// background runs work off the UI goroutine with cfg.Spawn and then hands
// its result to done on the UI goroutine.
func background[T any](cfg Config, work func() T, done func(T)) {
	cfg.Spawn(func() {
		r := work()
		onUI(func() { done(r) })
	})
}

// onUI runs f on the UI goroutine.
func onUI(f func()) { fyne.Do(f) }

// later runs f on the UI goroutine after d.
func later(cfg Config, d time.Duration, f func()) {
	cfg.AfterFunc(d, func() { onUI(f) })
}
