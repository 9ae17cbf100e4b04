package loadavg

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestRead: on a system with /proc/loadavg, three non-negative numbers;
// elsewhere "?".
func TestRead(t *testing.T) {
	got := Read()
	if _, err := os.Stat("/proc/loadavg"); err != nil {
		if got != "?" {
			t.Fatalf("Read() = %q without /proc/loadavg, want ?", got)
		}
		return
	}
	f := strings.Fields(got)
	if len(f) != 3 {
		t.Fatalf("Read() = %q, want three fields", got)
	}
	for _, s := range f {
		if v, err := strconv.ParseFloat(s, 64); err != nil || v < 0 {
			t.Fatalf("Read() = %q: %q is not a load average", got, s)
		}
	}
}
