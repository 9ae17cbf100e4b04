//go:build !(linux || freebsd || openbsd || netbsd)

package instance

// Start claims nothing yet on this system (the named pipe on Windows and
// the unix socket on macOS are still to come): every authdesk runs on its
// own.
func Start(Request) (*Server, bool, error) { return nil, false, nil }
