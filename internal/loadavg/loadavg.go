// Package loadavg reads the machine's load average, which the benchmark
// commands print before and after a run: a loaded machine stretches every
// wall time they report.
package loadavg

import (
	"os"
	"strings"
)

// Read returns the first three fields of /proc/loadavg (the 1, 5 and 15
// minute averages), or "?" where there is none.
func Read() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
