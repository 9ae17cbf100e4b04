// Package hugeheap backs the Go heap of authdesk-cli with transparent huge
// pages, on Linux, from the first packages' initialisation on: import it
// for its side effect, first.
//
// A command that lives for milliseconds pays for every page of memory it
// touches: each first touch of a 4 KiB page is a page fault, and under a
// hypervisor (the Firecracker VM the benchmarks run in) a fault costs
// 15–35 µs, so a scan's 1.5 MiB of fresh heap cost more time than its
// decoding. A 2 MiB huge page is one fault. The Go runtime no longer asks
// for huge pages itself (Go 1.21.1 on), and with the kernel's usual
// setting (transparent_hugepage=madvise) only memory marked
// MADV_HUGEPAGE gets them, so this package marks the heap's current 4 MiB
// chunk and collapses the 2 MiB region where the heap grows next
// (MADV_COLLAPSE, Linux 6.1) into one page, after making sure at least
// minRoom of the chunk is left (the runtime maps the heap a chunk at a
// time, and a chunk mapped later is not marked). Everything is best
// effort: on other systems, other page sizes, older kernels or with huge
// pages off it does nothing, and memory is the same memory, only mapped
// in larger pages (the resident set grows by up to 4 MiB).
//
// Built with -tags nohugeheap, it does nothing: make bench-cli measures
// the front build both ways (docs/benchmarks.md, authdesk-cli start-up).
package hugeheap
