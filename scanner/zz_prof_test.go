package scanner

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"testing"
	"time"
)

func TestZZProf(t *testing.T) {
	names, _ := filepath.Glob(filepath.Join(photosDir, "*.jpg"))
	type row struct {
		name         string
		best, dec    time.Duration
		alloc        uint64
		ok           bool
		phases       int
	}
	var rows []row
	for _, n := range names {
		b, _ := os.ReadFile(n)
		r := row{name: filepath.Base(n), best: time.Hour, dec: time.Hour}
		for i := 0; i < 3; i++ {
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			t0 := time.Now()
			out, err := Bytes(b)
			d := time.Since(t0)
			runtime.ReadMemStats(&m1)
			r.alloc = m1.TotalAlloc - m0.TotalAlloc
			r.ok = err == nil && len(out) > 0
			r.best = min(r.best, d)
			t0 = time.Now()
			decodeImage(b, MaxPixels)
			r.dec = min(r.dec, time.Since(t0))
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].best < rows[j].best })
	var allocs []uint64
	var decs []time.Duration
	for _, r := range rows {
		allocs = append(allocs, r.alloc)
		decs = append(decs, r.dec)
	}
	slices.Sort(allocs)
	slices.Sort(decs)
	for i, r := range rows {
		if i%10 == 0 || i == len(rows)/2 {
			fmt.Printf("%3d %-30s %v dec %v alloc %dKB ok %v\n", i, r.name, r.best, r.dec, r.alloc>>10, r.ok)
		}
	}
	fmt.Println("median", rows[len(rows)/2].best, "median alloc KB", allocs[len(allocs)/2]>>10, "median jpeg", decs[len(decs)/2])
}

func BenchmarkZZOne(b *testing.B) {
	data, _ := os.ReadFile(filepath.Join(photosDir, os.Getenv("ZZ")))
	for b.Loop() {
		Bytes(data)
	}
}
