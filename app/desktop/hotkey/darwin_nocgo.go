//go:build darwin && !cgo

package hotkey

import "fmt"

// Register needs cgo on macOS (Carbon's RegisterEventHotKey).
func Register(Shortcut, func()) (Listener, error) {
	return nil, fmt.Errorf("built without cgo: %w", ErrUnsupported)
}
