//go:build !linux && !front

package cli

import (
	"io"
	"os"
)

// Prompting without echo is implemented for Linux only; elsewhere the
// password comes from --password-stdin.
func isTerminal(*os.File) bool { return false }

func promptPassword(*os.File, io.Writer, string) ([]byte, error) { return nil, errNoTerminal }
