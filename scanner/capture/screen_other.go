//go:build !(linux || freebsd || openbsd || netbsd)

package capture

import (
	"errors"
	"image"
)

func quietXGB() {}

func xGetImageCapture(string) ([]image.Image, error) {
	return nil, errors.New("no X11 on this system")
}
