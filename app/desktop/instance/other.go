//go:build !(linux || freebsd || openbsd || netbsd || darwin || windows)

package instance

// Start claims nothing on this system: every authdesk runs on its own.
func Start(Request) (*Server, bool, error) { return nil, false, nil }
