//go:build !(linux || freebsd || openbsd || netbsd || windows || darwin)

package hotkey

// Register reports that this system has no global shortcuts Authdesk can use.
func Register(Shortcut, func()) (Listener, error) { return nil, ErrUnsupported }
