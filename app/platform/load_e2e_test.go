//go:build e2e

package platform

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// TestLoad200Users runs 200 concurrent users through sign-in (Argon2id at
// the OWASP default cost) and MFA verify over real HTTP on loopback, and
// logs requests/s and latency percentiles. Under the race detector Argon2id
// runs many times slower, so there the same 200 users sign in with a cheap
// hash: the race detector still watches the concurrent HTTP, session and
// SQLite paths, and the timed figures come from the run without -race
// (make bench-platform).
func TestLoad200Users(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	const users = 200
	dir := t.TempDir()
	clk := newFakeClock()
	hc, cost := DefaultHashCost, "OWASP default Argon2id cost"
	if raceEnabled {
		hc, cost = ThrowawayHashCost, "cheap Argon2id (race detector on; figures not representative)"
	}
	srv, err := newServer(Config{DBPath: dir + "/load.db", Clock: clk.Now, PasswordHash: hc}, options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	f := &fixture{t: t, srv: srv, svc: srv.svc, clk: clk, ctx: context.Background(), db: dir + "/load.db"}
	if err := srv.svc.hash.acquire(t.Context()); err != nil {
		t.Fatal(err)
	}
	hash := srv.svc.hash.hash(testPassword)
	srv.svc.hash.release()
	if p, _, _, err := parsePHC(hash); err != nil || (p != mustParams(HashCost{}) && !raceEnabled) {
		t.Fatalf("load test must use the default cost, got %+v %v", p, err)
	}
	keys := seedUsers(t, f, users, hash)
	base := f.start()
	var ms runtime.MemStats
	res := runLoad(t, f, base, keys)
	runtime.ReadMemStats(&ms)
	t.Logf("%s: %d users, %d requests in %v: %.0f requests/s, %.1f sign-ins/s (GOMAXPROCS=%d, %d hashing workers, heap sys %d MiB)",
		cost, users, res.requests, res.wall.Round(time.Millisecond), float64(res.requests)/res.wall.Seconds(),
		float64(users)/res.wall.Seconds(), runtime.GOMAXPROCS(0), cap(srv.svc.hash.sem), ms.HeapSys>>20)
	for _, step := range []string{"csrf", "session", "verify", "me"} {
		l := res.lat[step]
		t.Logf("  %-8s n=%d p50=%v p99=%v max=%v", step, len(l), pct(l, .5).Round(time.Millisecond), pct(l, .99).Round(time.Millisecond), pct(l, 1).Round(time.Millisecond))
	}
	if res.requests != 4*users {
		t.Fatalf("%d requests completed, want %d", res.requests, 4*users)
	}
}
