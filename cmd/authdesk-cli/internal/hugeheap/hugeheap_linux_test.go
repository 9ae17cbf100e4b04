//go:build linux && (amd64 || arm64) && !nohugeheap

package hugeheap

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestHeapMarked: after init, the heap chunk the heap grows into is marked
// for huge pages (VmFlags "hg" in /proc/self/smaps), and the last object
// init allocated, past the huge-page boundary it filled up to, lies in it.
func TestHeapMarked(t *testing.T) {
	thp, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || strings.Contains(string(thp), "[never]") {
		t.Skipf("transparent huge pages are off here (%q, %v)", thp, err)
	}
	addr := uintptr(unsafe.Pointer(unsafe.SliceData(sink)))
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		sc          = bufio.NewScanner(f)
		lo, hi      uint64
		inside, got bool
	)
	for sc.Scan() {
		line := sc.Text()
		if r, _, ok := strings.Cut(line, " "); ok && strings.Contains(r, "-") && !strings.HasSuffix(line, ":") {
			a, b, _ := strings.Cut(r, "-")
			if x, err := strconv.ParseUint(a, 16, 64); err == nil {
				if y, err := strconv.ParseUint(b, 16, 64); err == nil {
					lo, hi = x, y
					inside = uint64(addr) >= lo && uint64(addr) < hi
					continue
				}
			}
		}
		if inside && strings.HasPrefix(line, "VmFlags:") {
			got = true
			if !strings.Contains(line, " hg") {
				t.Errorf("the heap at %#x lies in %#x-%#x, not marked for huge pages: %s", addr, lo, hi, line)
			}
			if lo%chunkBytes != 0 || hi-lo != chunkBytes {
				t.Errorf("the marked mapping %#x-%#x is not the runtime's 4 MiB chunk", lo, hi)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !got {
		t.Fatalf("no mapping of /proc/self/smaps holds the heap at %#x", addr)
	}
}
