//go:build (cgo && (linux || darwin || freebsd)) || windows

package capture

import (
	"fmt"

	"golang.design/x/clipboard"
)

// libClipboardImage reads the PNG on the clipboard with golang.design/x/clipboard.
func libClipboardImage() (b []byte, err error) {
	if err := clipboard.Init(); err != nil {
		return nil, fmt.Errorf("clipboard library: %w", err)
	}
	return clipboard.Read(clipboard.FmtImage), nil
}
