package desktop

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"golang.org/x/sys/windows"
)

var setWindowDisplayAffinity = windows.NewLazySystemDLL("user32.dll").NewProc("SetWindowDisplayAffinity")

// Display affinities (winuser.h).
const (
	wdaNone               = 0x00
	wdaExcludeFromCapture = 0x11 // Windows 10 2004 and later: the window is left out of captures
)

// hideFromCapture keeps the window out of screenshots and screen sharing
// while secrets are on it, where Windows allows it; elsewhere it does
// nothing.
func hideFromCapture(w fyne.Window, hide bool) {
	nw, ok := w.(driver.NativeWindow)
	if !ok || setWindowDisplayAffinity.Find() != nil {
		return
	}
	affinity := uintptr(wdaNone)
	if hide {
		affinity = wdaExcludeFromCapture
	}
	nw.RunNative(func(ctx any) {
		if c, ok := ctx.(driver.WindowsWindowContext); ok {
			setWindowDisplayAffinity.Call(c.HWND, affinity)
		}
	})
}
