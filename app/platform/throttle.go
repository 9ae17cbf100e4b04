package platform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// The counters' keys. Locks are per client address (the TCP peer, never a
// proxy header): whoever guesses from one address locks that address out,
// not the account's owner signing in from another. The per-user and
// per-account counters behind a ceiling only slow guessing down (slowDown),
// they never lock.
//
// Recovery codes have their own counter, per address and whoever the user,
// so that wrong one-time codes never stop a recovery code, and a recovery
// code (50 bits) cannot be guessed from one address however many accounts it
// tries.
func codeKey(userID int64, addr string) string { return fmt.Sprintf("code:%d:%s", userID, addr) }

// codePrefix matches every codeKey of userID, for the administrator's unlock.
func codePrefix(userID int64) string { return fmt.Sprintf("code:%d:", userID) }

func recoveryKey(addr string) string { return "recovery:" + addr }

// userCodeKey counts wrong codes of a user from every address.
func userCodeKey(userID int64) string { return fmt.Sprintf("usercode:%d", userID) }

func accountKey(email, addr string) string { return "password:" + addr + ":" + email }

// accountTotalKey counts wrong passwords of an account from every address.
func accountTotalKey(email string) string { return "account:" + email }

func addrKey(addr string) string { return "addr:" + addr }

// The ceilings past which every attempt on an account waits slowDelay, from
// any address without a remembered device of the account.
const (
	userCodeCeiling    = 100            // wrong codes of a user, all addresses together
	userCodeForget     = 24 * time.Hour // quiet time after which they are forgotten
	accountCeiling     = lockStep       // wrong passwords of an account, all addresses together
	accountForget      = lockDuration
	slowDelay          = time.Second
	slowQueueMax       = 8 // attempts waiting on one account; more get a 1-second 429
	slowRetryAfterBusy = time.Second
)

// codeBackoff is the length of the n-th lock (n from 1) of a code counter:
// it grows with every lock but never becomes permanent, so whoever knows a
// password cannot lock an account's owner (perhaps a company's only
// administrator) out for good. An administrator can lift it early.
var codeBackoff = []time.Duration{15 * time.Minute, time.Hour, 4 * time.Hour, 24 * time.Hour}

// lockLength is the n-th lock of a counter: growing for code counters,
// always lockDuration for password counters.
func lockLength(n int64, grow bool) time.Duration {
	if !grow || n < 1 {
		return lockDuration
	}
	return codeBackoff[min(n, int64(len(codeBackoff)))-1]
}

// checkLock returns a kindThrottled error when key is locked at now.
func checkLock(ctx context.Context, q querier, key string, now time.Time) error {
	until, err := selectLock(ctx, q, key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read throttle: %w", err)
	}
	if t := time.Unix(0, until); now.Before(t) {
		return throttled(t, now)
	}
	return nil
}

// recordFailure counts a failure against key and returns the error to
// answer: base, or kindThrottled when this failure locked the key. A code
// counter (codeEvery > 0) locks every codeEvery failures, each lock longer
// than the last; a password counter (codeEvery 0) every lockStep failures,
// for lockDuration.
func recordFailure(ctx context.Context, q querier, key string, now time.Time, forgetAfter time.Duration, codeEvery int64, base error) error {
	failures, last, err := selectFailures(ctx, q, key)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read throttle: %w", err)
	}
	if forgetAfter > 0 && err == nil && now.Sub(time.Unix(0, last)) > forgetAfter {
		failures = 0
	}
	failures++
	var until int64
	out := base
	every, grow := int64(lockStep), codeEvery > 0
	if grow {
		every = codeEvery
	}
	if failures%every == 0 {
		t := now.Add(lockLength(failures/every, grow))
		until = t.UnixNano()
		out = throttled(t, now)
	}
	if err := saveFailures(ctx, q, key, failures, until, now.UnixNano()); err != nil {
		return err
	}
	return out
}

// failuresOf is key's failure count at now, 0 when forgotten (quiet for
// longer than forgetAfter).
func failuresOf(ctx context.Context, q querier, key string, now time.Time, forgetAfter time.Duration) (int64, error) {
	failures, last, err := selectFailures(ctx, q, key)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read throttle: %w", err)
	}
	if now.Sub(time.Unix(0, last)) > forgetAfter {
		return 0, nil
	}
	return failures, nil
}

// countFailure counts a failure against key without ever locking it.
func countFailure(ctx context.Context, q querier, key string, now time.Time, forgetAfter time.Duration) error {
	n, err := failuresOf(ctx, q, key, now, forgetAfter)
	if err != nil {
		return err
	}
	return saveFailures(ctx, q, key, n+1, 0, now.UnixNano())
}

// slowGate serialises the attempts on an account that passed its ceiling
// and makes each wait slowDelay first: from any number of addresses
// together, one guess a second. The owner's right answer still gets through,
// after the attempts queued before it; at most slowQueueMax wait, so a flood
// costs the owner seconds, not hours.
type slowGate struct {
	mu    sync.Mutex
	queue map[string]chan struct{} // key → a one-slot semaphore
	wait  map[string]int
}

// enter waits for key's turn and slowDelay; the caller must call the
// returned release.
func (g *slowGate) enter(ctx context.Context, key string, sleep func(context.Context, time.Duration) error, now time.Time) (func(), error) {
	g.mu.Lock()
	if g.queue == nil {
		g.queue, g.wait = map[string]chan struct{}{}, map[string]int{}
	}
	if g.wait[key] >= slowQueueMax {
		g.mu.Unlock()
		return nil, throttled(now.Add(slowRetryAfterBusy), now)
	}
	sem, ok := g.queue[key]
	if !ok {
		sem = make(chan struct{}, 1)
		g.queue[key] = sem
	}
	g.wait[key]++
	g.mu.Unlock()
	leave := func() {
		g.mu.Lock()
		if g.wait[key]--; g.wait[key] == 0 {
			delete(g.wait, key)
			delete(g.queue, key)
		}
		g.mu.Unlock()
	}
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
	release := func() { <-sem; leave() }
	if err := sleep(ctx, slowDelay); err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// slowDown makes an attempt on userID wait its turn when the counter key
// passed ceiling, unless device is a valid remembered device of the user.
// The returned release is never nil.
func (s *service) slowDown(ctx context.Context, key string, ceiling int64, forget time.Duration, userID int64, device string) (func(), error) {
	none := func() {}
	now := s.now()
	n, err := failuresOf(ctx, s.db, key, now, forget)
	if err != nil || n < ceiling {
		return none, err
	}
	if userID != 0 && device != "" {
		ok, err := s.deviceValid(ctx, userID, device)
		if err != nil || ok {
			return none, err
		}
	}
	return s.gate.enter(ctx, key, s.sleep, now)
}

func clearThrottle(ctx context.Context, q querier, keys ...string) error {
	for _, key := range keys {
		if err := deleteThrottle(ctx, q, key); err != nil {
			return err
		}
	}
	return nil
}
