//go:build linux || freebsd || openbsd || netbsd

package hotkey

import "os"

// Register grabs s for the whole desktop and calls fire, on a goroutine of
// its own, at each press. On Wayland it asks the GlobalShortcuts portal,
// which may show the user a dialog: call it off the UI goroutine.
func Register(s Shortcut, fire func()) (Listener, error) {
	if Wayland() {
		return registerPortal(s, fire)
	}
	return registerX11(s, fire)
}

// Wayland reports whether the session is a Wayland one, where X11 key grabs
// see only the keys typed into X11 windows.
func Wayland() bool {
	return os.Getenv("WAYLAND_DISPLAY") != "" || os.Getenv("XDG_SESSION_TYPE") == "wayland"
}
