//go:build !(linux || freebsd || openbsd || netbsd)

package trayhost

// Check reports the tray of Windows and macOS, which is always there.
func Check() Status { return Status{Available: true} }
