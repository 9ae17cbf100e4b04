package desktop

import (
	"testing"
	"time"

	"authdesk/vault"
)

func TestNextTick(t *testing.T) {
	at := func(unix int64, ms int) time.Time { return time.Unix(unix, int64(ms)*int64(time.Millisecond)) }
	const base = 1_800_000_000 // a multiple of 30 (and of 5)
	tests := []struct {
		name       string
		now        time.Time
		foreground bool
		periods    []int
		want       time.Time
	}{
		{"foreground: next whole second", at(base+5, 300), true, []int{30}, at(base+6, 0)},
		{"foreground: on a second, the one after", at(base+5, 0), true, nil, at(base+6, 0)},
		{"background: next 5 s step", at(base+5, 300), false, []int{30}, at(base+10, 0)},
		{"background: on a step, the one after", at(base+10, 0), false, []int{30, 60}, at(base+15, 0)},
		{"background: no codes on screen", at(base+1, 0), false, nil, at(base+5, 0)},
		// 7 s codes change at multiples of 7, warn 5 s before (≡ 2) and show
		// the next code 10 s before (≡ 4 mod 7): base ≡ 1 (mod 7).
		{"background: odd period's own moments", at(base, 500), false, []int{7}, at(base+1, 0)},
		{"background: odd period's warning", at(base+1, 0), false, []int{7}, at(base+3, 0)},
		{"background: odd period's next code", at(base+3, 0), false, []int{30, 7}, at(base+5, 0)},
		{"background: 90 s period", at(base+84, 0), false, []int{90}, at(base+85, 0)},
		{"background: bad period ignored", at(base+1, 0), false, []int{0, -3}, at(base+5, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nextTick(tt.now, tt.foreground, tt.periods); !got.Equal(tt.want) {
				t.Errorf("nextTick(%v, %v, %v) = +%v, want +%v", tt.now.Unix()-base, tt.foreground, tt.periods,
					got.Sub(at(base, 0)), tt.want.Sub(at(base, 0)))
			}
		})
	}
	if base%7 != 1 {
		t.Fatalf("the 7 s rows assume base ≡ 1 (mod 7), got %d", base%7)
	}
}

// TestCadenceFollowsFocus: the window going behind others, or left alone in
// front for activeFor, slows the ticks to the 5 s grid (and the codes' own
// moments); coming to the front or a touch ticks every second again. Only
// the last scheduled tick runs.
func TestCadenceFollowsFocus(t *testing.T) {
	odd := vault.Account{Issuer: "Odd", Name: "seven", Secret: secret(t, "JBSWY3DPEHPK3PXP"),
		Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 7}
	h := openWith(t, append(sampleAccounts(t), odd)...)
	h.u.cfg.noTicker = false
	h.timers = nil
	lastAt := func() time.Time {
		t.Helper()
		if len(h.timers) == 0 {
			t.Fatal("no tick scheduled")
		}
		return h.timers[len(h.timers)-1].at
	}

	h.u.setForeground(true)
	if want := h.now.Truncate(time.Second).Add(time.Second); !lastAt().Equal(want) {
		t.Errorf("in front: next tick at %v, want %v", lastAt(), want)
	}
	h.u.setForeground(false)
	if want := nextTick(h.now, false, []int{30, 7}); !lastAt().Equal(want) {
		t.Errorf("behind: next tick at %v, want %v (the 30 s and 7 s codes' moments)", lastAt(), want)
	}
	if d := lastAt().Sub(h.now); d <= time.Second || d > backgroundStep {
		t.Errorf("behind: next tick in %v, want more than 1 s and at most %v", d, backgroundStep)
	}

	// The replaced 1 s tick was stopped; had it fired anyway, it must not
	// tick (nor schedule) again.
	if !h.timers[0].stopped {
		t.Error("the replaced tick's timer was not stopped")
	}
	ticks := len(h.timers)
	h.timers[0].f()
	if len(h.timers) != ticks {
		t.Errorf("a replaced tick ran: %d ticks scheduled, want %d", len(h.timers), ticks)
	}
	h.timers[len(h.timers)-1].f()
	if len(h.timers) != ticks+1 {
		t.Errorf("the current tick did not run: %d ticks scheduled, want %d", len(h.timers), ticks+1)
	}

	// In front but untouched for activeFor: 5 s steps; a touch brings the
	// 1 s ticks back at once.
	h.u.setForeground(true)
	h.now = h.now.Add(activeFor)
	h.u.tick()
	if d := lastAt().Sub(h.now); d <= time.Second {
		t.Errorf("in front, untouched for %v: next tick in %v, want the background cadence", activeFor, d)
	}
	ticks = len(h.timers)
	h.u.touch()
	if len(h.timers) != ticks+1 || !lastAt().Equal(h.now.Truncate(time.Second).Add(time.Second)) {
		t.Errorf("a touch after a rest: next tick at %v (%d scheduled), want the next second", lastAt(), len(h.timers)-ticks)
	}
	ticks = len(h.timers)
	h.u.touch()
	if len(h.timers) != ticks {
		t.Errorf("a touch in use rescheduled the tick")
	}

	h.u.setShown(false) // hidden in the tray: the background cadence even in front
	h.u.pace.foreground = true
	h.u.tick()
	if d := lastAt().Sub(h.now); d <= time.Second {
		t.Errorf("hidden: next tick in %v, want the background cadence", d)
	}
}

// TestCadenceAutoLockOnTime: in the background the idle auto-lock still
// gets a tick at its deadline, not at the next 5 s step after it.
func TestCadenceAutoLockOnTime(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	h.u.cfg.noTicker = false
	h.u.prefs.SetAutoLock(time.Minute)
	h.now = h.now.Add(time.Minute - 1500*time.Millisecond) // deadline 1.5 s away
	h.u.tick()
	want := h.u.pace.lastUsed.Add(time.Minute)
	if at := h.timers[len(h.timers)-1].at; !at.Equal(want) {
		t.Errorf("next tick at %v, want the auto-lock deadline %v", at, want)
	}
	h.advance(1500 * time.Millisecond)
	if got := h.u.stateName(); got != "locked" {
		t.Errorf("state at the auto-lock deadline = %q, want locked", got)
	}
}

// TestFilterKeepsRowsBounded: Fyne makes a row on every list refresh only
// to measure it; searching must not pile those up (each one would be
// ticked, and wiped on lock, for the rest of the session).
func TestFilterKeepsRowsBounded(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	start := len(h.u.list.rows)
	for i := range 40 {
		h.u.list.filter([]string{"g", "gi", "git", ""}[i%4], "")
	}
	if n := len(h.u.list.rows); n > start {
		t.Errorf("40 searches grew the rows from %d to %d", start, n)
	}
	if n := len(h.u.list.rows); n == 0 {
		t.Error("no rows left after the searches")
	}
}
