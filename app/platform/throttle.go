package platform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The counters' keys. Recovery codes have their own counter, so that wrong
// one-time codes (an attacker's, say) never stop a recovery code.
func codeKey(userID int64) string { return fmt.Sprintf("code:%d", userID) }

func recoveryKey(userID int64) string { return fmt.Sprintf("recovery:%d", userID) }

func accountKey(email string) string { return "password:" + email }

func addrKey(addr string) string { return "addr:" + addr }

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

func clearThrottle(ctx context.Context, q querier, keys ...string) error {
	for _, key := range keys {
		if err := deleteThrottle(ctx, q, key); err != nil {
			return err
		}
	}
	return nil
}
