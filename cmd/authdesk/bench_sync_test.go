//go:build e2e && unix

package main_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"authdesk/internal/syncthingtest"
)

// arrivals records when a file is replaced (a new inode: every writer here,
// Authdesk and Syncthing alike, writes a temporary file and renames it),
// polling every 2 ms.
type arrivals struct {
	mu   sync.Mutex
	last os.FileInfo
	at   []time.Time
	stop chan struct{}
}

func watchReplaced(path string) *arrivals {
	w := &arrivals{stop: make(chan struct{})}
	w.last, _ = os.Stat(path)
	go func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case now := <-t.C:
				fi, err := os.Stat(path)
				if err != nil || (w.last != nil && os.SameFile(fi, w.last)) {
					continue
				}
				w.mu.Lock()
				w.last = fi
				w.at = append(w.at, now)
				w.mu.Unlock()
			}
		}
	}()
	return w
}

// firstAfter returns the first replacement after t, waiting up to 60 s (a
// hang guard).
func (w *arrivals) firstAfter(b testing.TB, what string, t time.Time) time.Time {
	b.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		w.mu.Lock()
		for _, at := range w.at {
			if at.After(t) {
				w.mu.Unlock()
				return at
			}
		}
		w.mu.Unlock()
	}
	b.Fatalf("%s was not replaced within 60 s", what)
	return time.Time{}
}

// BenchmarkSyncthingToWindow measures how long an account added on
// computer A (authdesk-cli add, with authdesk-cli sync running there) takes
// to show in computer B's open Authdesk window, through two real Syncthing
// instances on loopback: end to end, and split into A's part (the add and
// A's sync writing the replica), Syncthing's (the replica in A's folder to
// the replica in B's) and B's part (its watcher merging it into the open
// list). The watch delay is Syncthing's fsWatcherDelayS: 10 s is its
// default, 1 s its smallest. Run by make bench-sync.
func BenchmarkSyncthingToWindow(b *testing.B) {
	syncthingtest.Need(b)
	for _, delay := range []time.Duration{10 * time.Second, time.Second} {
		b.Run(fmt.Sprintf("watchdelay=%v", delay), func(b *testing.B) { benchSyncthingToWindow(b, delay) })
	}
}

func benchSyncthingToWindow(b *testing.B, delay time.Duration) {
	e := newEnv(b) // e.vault is B's, which the window opens
	dirA, dirB := filepath.Join(b.TempDir(), "A"), filepath.Join(b.TempDir(), "B")
	stA, stB := syncthingtest.Start(b, "a"), syncthingtest.Start(b, "b")
	folder := syncthingtest.Folder{WatchDelay: delay, Rescan: time.Hour}
	stA.Share(stB, dirA, folder)
	stB.Share(stA, dirB, folder)

	vaultA := filepath.Join(b.TempDir(), "a.age")
	cliA := func(stdin string, args ...string) {
		b.Helper()
		cmd := e.command(e.cli, append([]string{"--vault", vaultA}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("authdesk-cli %v on A: %v\n%s", args, err, out)
		}
	}
	cliA(syncPassword+"\n", "--password-stdin", "init")
	cliA("", "add", "--issuer", "GitHub", "--account", "alice@example.com", "--secret", "JBSWY3DPEHPK3PXP")
	// A keeps syncing, as authdesk-cli sync does until SIGTERM.
	syncA := e.command(e.cli, "--vault", vaultA, "sync", "--folder", dirA)
	if err := syncA.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		syncA.Process.Kill()
		syncA.Wait()
	})
	var replicaB string
	for deadline := time.Now().Add(60 * time.Second); replicaB == ""; time.Sleep(50 * time.Millisecond) {
		if found, _ := filepath.Glob(filepath.Join(dirB, "authdesk-*.age")); len(found) == 1 {
			replicaB = found[0]
		} else if time.Now().After(deadline) {
			b.Fatal("A's replica did not reach B's folder within 60 s")
		}
	}
	id := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(replicaB), "authdesk-"), ".age")
	e.runCLI(syncPassword+"\n", "--password-stdin", "sync", "--folder", dirB, "--once") // B joins
	e.writePrefs(map[string]any{"syncFolder." + id: dirB})
	a := e.start()
	a.waitReady(b)

	atA := watchReplaced(filepath.Join(dirA, filepath.Base(replicaB)))
	atB := watchReplaced(replicaB)
	defer close(atA.stop)
	defer close(atB.stop)
	var sideA, st, sideB, total time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		cliA("", "add", "--issuer", fmt.Sprintf("Bench %d", i), "--account", "alice", "--secret", secretFor(i))
		written := atA.firstAfter(b, "A's replica", start)
		arrived := atB.firstAfter(b, "B's replica", written)
		a.waitLogFine(b, "authdesk: sync merged:", i+1)
		shown := time.Now()
		sideA += written.Sub(start)
		st += arrived.Sub(written)
		sideB += shown.Sub(arrived)
		total += shown.Sub(start)
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(total.Seconds()/n, "s-end-to-end")
	b.ReportMetric(sideA.Seconds()/n, "s-authdesk-A")
	b.ReportMetric(st.Seconds()/n, "s-syncthing")
	b.ReportMetric(sideB.Seconds()/n, "s-authdesk-B")
	e.screenshot(a, "bench-sync-"+delay.String())
}

// waitLogFine is waitLog polling every 2 ms, for timings.
func (a *app) waitLogFine(t testing.TB, s string, n int) { a.waitLogEvery(t, s, n, 2*time.Millisecond) }
