//go:build !(linux || freebsd || openbsd || netbsd)

package desktop

import "fyne.io/fyne/v2"

// placeAtPointer leaves the popup where Fyne centres it: on Windows and
// macOS the window appears centred on the main screen.
func placeAtPointer(fyne.Window, fyne.Size) {}
