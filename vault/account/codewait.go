package account

import "time"

// CodeWait returns how long to wait from t for a code worth giving out: zero
// when the code of t's time step has at least minLeft seconds left and its
// step comes after last (the newest step already used, -1 for none), else
// the time until the next step starts. period is the account's period in
// seconds. authdesk-cli code --min-left / --next-unused and the desktop's
// "wait for the next code" option share this rule.
func CodeWait(t time.Time, period, minLeft, last int64) time.Duration {
	if period <= 0 {
		period = DefaultPeriod
	}
	step := t.Unix() / period
	left := (step+1)*period - t.Unix()
	switch {
	case step <= last:
		return time.Unix((last+1)*period, 0).Sub(t)
	case left < minLeft:
		return time.Unix((step+1)*period, 0).Sub(t)
	}
	return 0
}

// PickTime returns the moment whose code to give out: now(), or later when
// CodeWait says to wait, sleeping until then.
func PickTime(t time.Time, period, minLeft, last int64, sleep func(time.Duration), now func() time.Time) time.Time {
	for {
		wait := CodeWait(t, period, minLeft, last)
		if wait <= 0 {
			return t
		}
		sleep(wait)
		t = now()
	}
}
