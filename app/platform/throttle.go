package platform

import (
	"context"
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

// seenKey counts every failure (password or code) from addr; an address
// with none in the last cleanAfter goes first in a slowGate line.
func seenKey(addr string) string { return "seen:" + addr }

// cleanAfter is the quiet time after which an address counts as clean.
const cleanAfter = time.Hour

// anonKey counts an address's anonymous writes: registrations and
// accepted invitations.
func anonKey(addr string) string { return "anon:" + addr }

// registerMailKey counts the "someone tried to register" mails to email.
func registerMailKey(email string) string { return "registermail:" + email }

// Anonymous writes and the mail they may cause.
const (
	anonWrites       = 10 // per address, in an hour after the last one counted
	anonWindow       = time.Hour
	registerMailOnce = 24 * time.Hour // at most one "someone tried to register" mail per address

	// throttleKeep: a counter quiet this long (longer than every window
	// above and every lock) is deleted by the sweep.
	throttleKeep = 48 * time.Hour
)

// inviteKey counts a company's invitations.
func inviteKey(companyID int64) string { return fmt.Sprintf("invites:%d", companyID) }

// invitesPerHour is how many invitations a company may send in an hour
// after the last one counted.
const invitesPerHour = 50

// countAnonWrite counts an anonymous write from addr, or refuses it when
// addr made anonWrites in the last anonWindow. It runs before any hashing.
func (s *service) countAnonWrite(ctx context.Context, addr string) error {
	now := s.now()
	return s.store.withTx(ctx, func(tx store) error {
		return countWindow(ctx, tx, anonKey(addr), anonWrites, anonWindow, now)
	})
}

// countWindow counts one more event against key, or refuses it (without
// counting) when key counted limit events, each within window of the next.
func countWindow(ctx context.Context, q store, key string, limit int64, window time.Duration, now time.Time) error {
	n, err := failuresOf(ctx, q, key, now, window)
	if err != nil {
		return err
	}
	if n >= limit {
		_, last, err := q.selectFailures(ctx, key)
		if err != nil {
			return fmt.Errorf("read throttle: %w", err)
		}
		return throttled(time.Unix(0, last).Add(window), now)
	}
	return q.saveFailures(ctx, key, n+1, 0, now.UnixNano())
}

// The per-user ceiling on code guessing (NIST SP 800-63B §5.2.2): wrong
// codes of a user in a row, from every address together. The count never
// fades with time (moving the test clock does not lift it): only a right
// code, a recovery code, an administrator's Unlock or Reset, or the link
// mailed at the ceiling start it again.
const (
	userCodeWarn     = lockStep // at this many the user and the company's admins get a mail
	userCodeSlowFrom = lockStep // from this many every code attempt of the user waits slowDelay
	userCodeCeiling  = 100      // at this many code entry locks, except on remembered devices
)

// The ceilings past which every attempt on an account waits slowDelay, from
// any address without a remembered device of the account.
const (
	accountCeiling     = lockStep // wrong passwords of an account, all addresses together
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
func checkLock(ctx context.Context, q store, key string, now time.Time) error {
	until, err := q.selectLock(ctx, key)
	if errors.Is(err, errNotFound) {
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
func recordFailure(ctx context.Context, q store, key string, now time.Time, forgetAfter time.Duration, codeEvery int64, base error) error {
	failures, last, err := q.selectFailures(ctx, key)
	if err != nil && !errors.Is(err, errNotFound) {
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
	if err := q.saveFailures(ctx, key, failures, until, now.UnixNano()); err != nil {
		return err
	}
	return out
}

// failuresOf is key's failure count at now, 0 when forgotten (quiet for
// longer than forgetAfter; never when forgetAfter is 0).
func failuresOf(ctx context.Context, q store, key string, now time.Time, forgetAfter time.Duration) (int64, error) {
	failures, last, err := q.selectFailures(ctx, key)
	if errors.Is(err, errNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read throttle: %w", err)
	}
	if forgetAfter > 0 && now.Sub(time.Unix(0, last)) > forgetAfter {
		return 0, nil
	}
	return failures, nil
}

// countFailure counts a failure against key without ever locking it.
func countFailure(ctx context.Context, q store, key string, now time.Time, forgetAfter time.Duration) error {
	n, err := failuresOf(ctx, q, key, now, forgetAfter)
	if err != nil {
		return err
	}
	return q.saveFailures(ctx, key, n+1, 0, now.UnixNano())
}

// slowGate serialises the attempts on an account that passed its ceiling
// and makes each wait slowDelay first: from any number of addresses
// together, one guess a second. Each address holds at most one place in an
// account's line. Addresses without a failure in the last hour (the owner,
// as a rule) go ahead of the others and are never turned away; the others
// share slowQueueMax places, and a flood of them gets a short 429, not the
// owner's turn.
type slowGate struct {
	mu    sync.Mutex
	lines map[string]*gateLine // key → its line
}

// gateLine is one key's line: whoever holds the turn, and who waits.
type gateLine struct {
	busy  bool
	addrs map[string]bool // addresses holding or waiting for the turn
	clean []chan struct{} // addresses without recent failures, first
	rest  []chan struct{} // everyone else, at most slowQueueMax
}

// enter waits for key's turn and slowDelay; the caller must call the
// returned release. clean says addr had no failure in the last hour.
func (g *slowGate) enter(ctx context.Context, key, addr string, clean bool, sleep func(context.Context, time.Duration) error, now time.Time) (func(), error) {
	g.mu.Lock()
	if g.lines == nil {
		g.lines = map[string]*gateLine{}
	}
	l := g.lines[key]
	if l == nil {
		l = &gateLine{addrs: map[string]bool{}}
		g.lines[key] = l
	}
	if l.addrs[addr] || (!clean && len(l.rest) >= slowQueueMax) {
		g.mu.Unlock()
		return nil, throttled(now.Add(slowRetryAfterBusy), now)
	}
	l.addrs[addr] = true
	var turn chan struct{}
	switch {
	case !l.busy:
		l.busy = true
	case clean:
		turn = make(chan struct{})
		l.clean = append(l.clean, turn)
	default:
		turn = make(chan struct{})
		l.rest = append(l.rest, turn)
	}
	g.mu.Unlock()
	release := func() { g.leave(key, l, addr) }
	if turn != nil {
		select {
		case <-turn:
		case <-ctx.Done():
			g.giveUp(key, l, addr, turn)
			return nil, ctx.Err()
		}
	}
	if err := sleep(ctx, slowDelay); err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// leave ends addr's turn on l and hands it to the next in line.
func (g *slowGate) leave(key string, l *gateLine, addr string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(l.addrs, addr)
	g.handOver(key, l)
}

// handOver gives l's turn to the first waiter, clean addresses first.
// The caller holds g.mu.
func (g *slowGate) handOver(key string, l *gateLine) {
	var next chan struct{}
	switch {
	case len(l.clean) > 0:
		next, l.clean = l.clean[0], l.clean[1:]
	case len(l.rest) > 0:
		next, l.rest = l.rest[0], l.rest[1:]
	}
	if next != nil {
		close(next)
		return
	}
	l.busy = false
	if len(l.addrs) == 0 {
		delete(g.lines, key)
	}
}

// giveUp takes addr out of l's line after its context ended; when its
// turn came meanwhile it passes the turn on.
func (g *slowGate) giveUp(key string, l *gateLine, addr string, turn chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(l.addrs, addr)
	for _, q := range []*[]chan struct{}{&l.clean, &l.rest} {
		for i, c := range *q {
			if c == turn {
				*q = append((*q)[:i:i], (*q)[i+1:]...)
				if len(l.addrs) == 0 && !l.busy {
					delete(g.lines, key)
				}
				return
			}
		}
	}
	g.handOver(key, l) // the turn was ours already
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

// slowDown makes an attempt on userID from addr wait its turn when the
// counter key passed ceiling, unless device is a valid remembered device of
// the user. The returned release is never nil.
func (s *service) slowDown(ctx context.Context, key string, ceiling int64, forget time.Duration, userID int64, device, addr string) (func(), error) {
	none := func() {}
	now := s.now()
	n, err := failuresOf(ctx, s.store, key, now, forget)
	if err != nil || n < ceiling {
		return none, err
	}
	if userID != 0 && device != "" {
		ok, err := s.deviceValid(ctx, userID, device)
		if err != nil || ok {
			return none, err
		}
	}
	recent, err := failuresOf(ctx, s.store, seenKey(addr), now, cleanAfter)
	if err != nil {
		return none, err
	}
	return s.gate.enter(ctx, key, addr, recent == 0, s.sleep, now)
}

// checkLocks returns a kindThrottled error when any of keys is locked at
// now, with one query.
func checkLocks(ctx context.Context, q store, now time.Time, keys ...string) error {
	until, err := q.selectLockMax(ctx, keys)
	if err != nil {
		return err
	}
	if t := time.Unix(0, until); until != 0 && now.Before(t) {
		return throttled(t, now)
	}
	return nil
}

func clearThrottle(ctx context.Context, q store, keys ...string) error {
	for _, key := range keys {
		if err := q.deleteThrottle(ctx, key); err != nil {
			return err
		}
	}
	return nil
}
