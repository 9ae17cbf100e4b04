//go:build linux && (amd64 || arm64) && !nohugeheap

package hugeheap

import (
	"syscall"
	"unsafe"
)

const (
	// chunkBytes is how much heap the runtime maps at a time (its
	// pallocChunkBytes), aligned to its size.
	chunkBytes = 4 << 20
	// hugeBytes is the size of a huge page with 4 KiB base pages.
	hugeBytes = 2 << 20
	// pageBytes is the runtime's page, the unit of its page allocator.
	pageBytes = 8 << 10
	// cachedPages is the largest allocation that a P takes from its own
	// cache of up to 64 free pages (under a quarter of it); larger ones
	// come from the page allocator, at the lowest free address.
	cachedPages = 15
)

// sink keeps what init allocates on the heap (a slice that does not escape
// may live on the stack). It is all garbage whose pages are never touched:
// fresh memory from the kernel needs no zeroing.
var sink []byte

func init() {
	if syscall.Getpagesize() != 4096 {
		return
	}
	// The heap goes on where a large object from the page allocator ends.
	at := end(make([]byte, (cachedPages+1)*pageBytes))
	// Fill up to the next huge-page boundary, so that the region the
	// heap grows into is untouched and its first fault maps it whole.
	// (Collapsing the region the heap is in instead, MADV_COLLAPSE,
	// copies what is there, and took 1–18 ms.)
	next := alignUp(at, hugeBytes)
	if next > at {
		sink = make([]byte, next-at)
	}
	// Small objects' spans come from the P's cache of pages, taken below
	// at: use it up with objects it serves, until one comes from the page
	// allocator instead (from next on). That one also makes the runtime
	// map next's chunk if it had not yet, so the advice below covers it.
	for _, pages := range [...]uintptr{cachedPages, 5} {
		for range 64 / pages {
			if end(make([]byte, pages*pageBytes)) > next {
				break
			}
		}
	}
	madvise(alignDown(next, chunkBytes), chunkBytes, syscall.MADV_HUGEPAGE)
}

// end keeps b on the heap and returns the address after it.
func end(b []byte) uintptr {
	sink = b
	return uintptr(unsafe.Pointer(unsafe.SliceData(b))) + uintptr(len(b))
}

func alignUp(p, n uintptr) uintptr   { return (p + n - 1) &^ (n - 1) }
func alignDown(p, n uintptr) uintptr { return p &^ (n - 1) }

// madvise gives advice on memory that the runtime owns; an error (an old
// kernel, huge pages off) leaves it as it was.
func madvise(addr, n uintptr, advice int) {
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, addr, n, uintptr(advice))
}
