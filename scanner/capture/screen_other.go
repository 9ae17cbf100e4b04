//go:build !(linux || freebsd || openbsd || netbsd || windows || darwin)

package capture

import (
	"errors"
	"image"
)

func nativeCapture(string) ([]image.Image, error) {
	return nil, errors.New("no screen capture on this system")
}
