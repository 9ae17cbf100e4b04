// Package trayhost says whether the desktop shows tray icons. On Linux a
// tray icon is a StatusNotifierItem, shown only while a host has registered
// org.kde.StatusNotifierWatcher on the session bus (GNOME without its
// AppIndicator extension has none); on Windows and macOS there is always a
// tray. Without one, a window that hides on close would be lost, so
// Authdesk quits on close and cannot start minimised.
package trayhost

// Watcher is the D-Bus name of the StatusNotifierItem host's registry.
const Watcher = "org.kde.StatusNotifierWatcher"

// Status is what the desktop offers.
type Status struct {
	Available bool
	// Reason says, when not Available, why not, in a sentence for Settings.
	Reason string
}
