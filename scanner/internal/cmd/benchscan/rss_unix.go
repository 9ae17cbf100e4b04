//go:build unix && !darwin

package main

import (
	"os"
	"syscall"
)

// peakRSS is the child's ru_maxrss, which Linux and the BSDs give in KiB.
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Maxrss)
	}
	return 0
}
