//go:build !(linux || freebsd || openbsd || netbsd)

package capture

import "testing"

// holdDisplay has nothing to hold where there is no X11 capture.
func holdDisplay(testing.TB, string) {}
