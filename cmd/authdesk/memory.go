package main

import (
	"os"
	"runtime/debug"
)

// The process's memory policy. Authdesk's live heap is small and steady
// (~15 MB): the Go default (GOGC=100) lets it double before collecting, and
// keeps freed start-up memory for minutes. So collect at 50 % growth from
// the start, and once start-up garbage is dead (settled, called through
// desktop.Config.Settled) collect at 25 %, since from then on only a few
// strings a second are allocated, and hand the freed pages back to the OS.
// A GOGC the user set wins.
func init() {
	if _, ok := os.LookupEnv("GOGC"); !ok {
		debug.SetGCPercent(50)
	}
}

func settled() {
	if _, ok := os.LookupEnv("GOGC"); !ok {
		debug.SetGCPercent(25)
	}
	debug.FreeOSMemory()
}
