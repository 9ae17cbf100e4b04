//go:build !windows

package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"authdesk/app/desktop"
)

// traceCounters prints the desktop's drawing counter to w at each SIGUSR1
// (with AUTHDESK_TRACE only): make bench-gui reads it before and after an
// idle window, to show that no brand icon is drawn again while idle.
func traceCounters(w io.Writer) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR1)
	go func() {
		for range c {
			fmt.Fprintf(w, "authdesk: brand rasters: %d\n", desktop.BrandRasters())
		}
	}()
}
