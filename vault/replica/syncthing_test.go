//go:build unix

package replica

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"authdesk/internal/syncthingtest"
	"authdesk/vault"
)

// TestTwoSyncthings: two real Syncthing instances on loopback share a
// folder. While they are paused, A adds an account and renames another, B
// deletes a third and stars a fourth; both write their replica. After they
// resume, syncing both sides converges: every edit in both vaults, every
// conflict copy merged and moved aside.
func TestTwoSyncthings(t *testing.T) {
	syncthingtest.Need(t)
	start := time.Now()
	dirA, dirB := t.TempDir(), t.TempDir()
	stA, stB := syncthingtest.Start(t, "a"), syncthingtest.Start(t, "b")
	quick := syncthingtest.Folder{WatchDelay: time.Second, Rescan: 2 * time.Second}
	stA.Share(stB, dirA, quick)
	stB.Share(stA, dirB, quick)

	a := newComputer(t, dirA, "one", "two", "three", "four")
	a.sync()
	waitUntil(t, "the replica to reach B", func() bool {
		f, _ := Find(dirB)
		return len(f) == 1 && stA.Connected(stB)
	})
	b := join(t, dirB)

	stA.Pause(stB)
	stB.Pause(stA)
	waitUntil(t, "the devices to pause", func() bool { return !stA.Connected(stB) && !stB.Connected(stA) })
	if _, err := a.v.Add(account("five")); err != nil {
		t.Fatal(err)
	}
	two := a.find("two")
	two.Name = "two renamed"
	if err := a.v.Update(two); err != nil {
		t.Fatal(err)
	}
	if err := b.v.Remove(b.find("three").ID); err != nil {
		t.Fatal(err)
	}
	if err := b.v.SetFavorite(b.find("four").ID, true); err != nil {
		t.Fatal(err)
	}
	a.sync()
	time.Sleep(10 * time.Millisecond) // distinct modification times
	b.sync()
	stA.Scan()
	stB.Scan()

	resumed := time.Now()
	stA.Resume(stB)
	stB.Resume(stA)
	moved := 0
	want := "[Example (five) Example (four) Example (one) Example (two renamed)]"
	waitUntil(t, "both vaults to converge", func() bool {
		for _, c := range []*computer{a, b} {
			res, err := Folder{Dir: c.dir}.Sync(c.v)
			if err != nil {
				t.Logf("sync: %v", err)
				return false
			}
			moved += len(res.Moved)
		}
		return fmt.Sprint(names(a.v)) == want && fmt.Sprint(names(b.v)) == want &&
			vault.SameReplica(a.v.Snapshot(), b.v.Snapshot()) && noConflicts(a.dir, a.v.ID()) && noConflicts(b.dir, b.v.ID()) &&
			bytes.Equal(mustRead(t, filepath.Join(a.dir, Name(a.v.ID()))), mustRead(t, filepath.Join(b.dir, Name(b.v.ID()))))
	})
	if !a.find("four").Favorite || !b.find("four").Favorite {
		t.Error("the star was lost")
	}
	if moved == 0 {
		t.Error("Syncthing made no conflict copy, so the test did not test that path")
	}
	t.Logf("converged %v after the resume (%v in all), %d conflict copies moved aside", time.Since(resumed).Round(time.Millisecond), time.Since(start).Round(time.Millisecond), moved)
}

func noConflicts(dir, id string) bool {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if IsConflictCopy(e.Name(), id) {
			return false
		}
	}
	return true
}

// waitUntil polls cond every 200 ms, failing after 60 s (a hang guard).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waited 60 s for %s", what)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
