package replica

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// runComputer runs Folder.Run for c until the test ends, and returns the
// results of its syncs.
func runComputer(t testing.TB, c *computer, o RunOptions) <-chan Result {
	ctx, cancel := context.WithCancel(context.Background())
	results := make(chan Result, 100)
	done := make(chan error, 1)
	go func() {
		done <- Folder{Dir: c.dir}.Run(ctx, c.v, o, func(r Result, err error) {
			if err != nil {
				t.Errorf("sync: %v", err)
			}
			results <- r
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return results
}

// waitFor waits for a sync that added an account, with a hang guard.
func waitForAdded(t testing.TB, results <-chan Result) Result {
	t.Helper()
	guard := time.After(30 * time.Second)
	for {
		select {
		case r := <-results:
			if len(r.Report.Added) > 0 {
				return r
			}
		case <-guard:
			t.Fatal("no sync took in the new account within 30 s")
		}
	}
}

// TestRunMergesArrivals: a running sync takes in a replica that another
// computer writes, with fsnotify and with polling alone.
func TestRunMergesArrivals(t *testing.T) {
	for name, o := range map[string]RunOptions{"fsnotify": {}, "polling": {noWatch: true, Poll: 50 * time.Millisecond}} {
		t.Run(name, func(t *testing.T) {
			folder := t.TempDir()
			a := newComputer(t, folder, "one")
			a.sync()
			b := join(t, folder)
			results := runComputer(t, a, o)
			<-results // the first sync
			if _, err := b.v.Add(account("from b")); err != nil {
				t.Fatal(err)
			}
			b.sync()
			r := waitForAdded(t, results)
			if r.Report.Added[0] != "Example (from b)" {
				t.Errorf("added %v", r.Report.Added)
			}
			if _, err := a.v.Find("from b"); err != nil {
				t.Error(err)
			}
		})
	}
}

// BenchmarkArrivalToMerge: from another computer's sync starting to
// write its replica to the running sync having merged it (fsnotify, the
// default settle time of 100 ms).
func BenchmarkArrivalToMerge(b *testing.B) {
	folder := b.TempDir()
	a := newComputer(b, folder, "one")
	a.sync()
	other := join(b, folder)
	results := runComputer(b, a, RunOptions{})
	<-results
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		if _, err := other.v.Add(account(fmt.Sprintf("n%d", i))); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		other.sync()
		waitForAdded(b, results)
	}
}
