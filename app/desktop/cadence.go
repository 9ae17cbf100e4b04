package desktop

import "time"

// The countdown's cadence. Each tick repaints the whole window (Fyne has
// no partial redraw): about 9 ms of CPU under software OpenGL for a
// 560×720 window of codes, which once a second is most of Authdesk's idle
// cost. So the countdown bars move every second only while Authdesk is in
// use: one of its windows has the keyboard focus and the user touched it
// (a key, a click, the mouse over it, the focus coming to it) in the last
// activeFor. Otherwise they move every backgroundStep; either way a code
// changes, turns to its warning colour and shows its next code at the exact
// second (see nextTick). Hidden in the tray, nothing on screen changes and
// ticks keep only the auto-lock.
const (
	backgroundStep = 5 * time.Second
	activeFor      = 30 * time.Second
)

// Moments before a code's change when its row changes too (codeRow.tick).
const (
	warnBefore = 5 * time.Second  // the bar turns to the warning colour
	nextBefore = 10 * time.Second // the next code shows
)

// nextTick is when to tick after now: at the next whole second in the
// foreground; in the background at the next multiple of backgroundStep
// (Unix time) or, if sooner, the next moment one of periods (in seconds,
// those of the codes on screen) changes a code, turns a bar to the warning
// colour or shows a next code. Every standard period (30 s, 60 s) falls on
// the backgroundStep grid; others get their own ticks.
func nextTick(now time.Time, foreground bool, periods []int) time.Time {
	if foreground {
		return now.Truncate(time.Second).Add(time.Second)
	}
	next := now.Truncate(backgroundStep).Add(backgroundStep)
	for _, p := range periods {
		if p <= 0 {
			continue
		}
		period := int64(p)
		for _, before := range []time.Duration{0, warnBefore, nextBefore} {
			if t := nextAt(now, period, -int64(before/time.Second)); t.Before(next) {
				next = t
			}
		}
	}
	return next
}

// nextAt is the first whole second after now whose Unix time is offset
// (mod period) from a multiple of period.
func nextAt(now time.Time, period, offset int64) time.Time {
	s := now.Unix()
	r := ((offset % period) + period) % period
	t := s - ((s%period)+period)%period + r
	for !time.Unix(t, 0).After(now) {
		t += period
	}
	return time.Unix(t, 0)
}

// schedule arranges the next tick (see nextTick), replacing the one
// arranged before: a tick, the window coming to the front or going behind,
// a touch after a rest and a new filter call it. The idle auto-lock gets a
// tick of its own at its deadline.
func (u *UI) schedule(now time.Time) {
	if u.cfg.noTicker {
		return
	}
	gen := u.pace.cancel()
	var periods []int
	codes := u.state == stateCodes && u.list != nil
	if codes && !u.pace.hidden {
		periods = u.list.periods()
	}
	next := nextTick(now, codes && u.pace.inUse(now), periods)
	if d := u.prefs.AutoLock(); codes && d > 0 {
		if lock := u.pace.lastUsed.Add(d); lock.After(now) && lock.Before(next) {
			next = lock
		}
	}
	u.pace.stop = u.cfg.afterFunc(next.Sub(now), func() {
		select {
		case <-u.quit.done():
			return
		default:
		}
		onUI(func() {
			if gen == u.pace.gen {
				u.tick()
			}
		})
	})
}

// cadence is what sets the pace of the ticks: the user's last activity,
// whether the window is in front and on screen, and the one tick
// scheduled (gen numbers the scheduled ticks, so that only the last runs).
type cadence struct {
	lastUsed   time.Time // last user activity, for the idle auto-lock
	foreground bool      // an Authdesk window has the keyboard focus
	hidden     bool      // the window is not on screen (see setShown)
	gen        int
	stop       func() // cancels the scheduled tick
}

// cancel cancels the scheduled tick and returns the next tick's number.
func (c *cadence) cancel() int {
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
	c.gen++
	return c.gen
}

// inUse reports whether the countdown should move every second: the window
// is on screen, has the focus and was touched within activeFor. Only the
// codes screen has anything that moves each second.
func (c *cadence) inUse(now time.Time) bool {
	return c.foreground && !c.hidden && now.Sub(c.lastUsed) < activeFor
}

// touch records user activity, for the idle auto-lock and the cadence: the
// first touch after a rest brings the every-second ticks back at once.
func (u *UI) touch() {
	now := u.cfg.now()
	resting := !u.pace.inUse(now)
	u.pace.lastUsed = now
	if resting && u.pace.inUse(now) {
		u.schedule(now)
	}
}

// setForeground records whether an Authdesk window has the keyboard focus
// (the focus coming to it counts as a touch) and brings the countdown's
// cadence in line at once.
func (u *UI) setForeground(yes bool) {
	u.pace.foreground = yes
	if yes {
		u.pace.lastUsed = u.cfg.now()
	}
	u.tick()
}
