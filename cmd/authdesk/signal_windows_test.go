//go:build e2e

package main_test

import "os"

// traceSignal: Windows has no SIGUSR1, and the GUI benchmarks run on X11.
var traceSignal os.Signal = os.Interrupt
