//go:build !((cgo && (linux || darwin || freebsd)) || windows)

package capture

import "errors"

// libClipboardImage: built without cgo, golang.design/x/clipboard is not
// available here; the command-line fallbacks still are.
func libClipboardImage() ([]byte, error) {
	return nil, errors.New("built without the clipboard library (CGO_ENABLED=0)")
}
