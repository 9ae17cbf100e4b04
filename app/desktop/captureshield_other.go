//go:build !windows

package desktop

import "fyne.io/fyne/v2"

// hideFromCapture does nothing here: X11 and Wayland have no way for a
// window to refuse capture, and macOS's (NSWindow.sharingType) needs
// Objective-C, which Authdesk does not link.
func hideFromCapture(fyne.Window, bool) {}
