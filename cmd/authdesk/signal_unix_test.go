//go:build e2e && !windows

package main_test

import (
	"os"
	"syscall"
)

// traceSignal asks authdesk for its counters (AUTHDESK_TRACE).
var traceSignal os.Signal = syscall.SIGUSR1
