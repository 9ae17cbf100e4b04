//go:build windows || darwin

package capture

import (
	"errors"
	"fmt"
	"image"

	"authdesk/scanner"

	"github.com/kbinani/screenshot"
)

// nativeCapture captures each display with kbinani/screenshot's native
// Windows and macOS APIs.
func nativeCapture(string) (imgs []image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			imgs, err = nil, fmt.Errorf("capture failed: %v", r)
		}
	}()
	n := screenshot.NumActiveDisplays()
	if n <= 0 {
		return nil, errors.New("no active display found")
	}
	for i := 0; i < n; i++ {
		b := screenshot.GetDisplayBounds(i)
		if b.Empty() {
			continue
		}
		if int64(b.Dx())*int64(b.Dy()) > scanner.MaxPixels {
			return nil, fmt.Errorf("display %d is %d×%d: %w", i, b.Dx(), b.Dy(), scanner.ErrImageTooLarge)
		}
		img, err := screenshot.CaptureRect(b)
		if err != nil {
			return nil, fmt.Errorf("capture display %d: %w", i, err)
		}
		imgs = append(imgs, img)
	}
	if len(imgs) == 0 {
		return nil, errors.New("no display could be captured")
	}
	return imgs, nil
}
