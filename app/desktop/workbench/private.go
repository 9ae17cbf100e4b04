package workbench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"authdesk/app/journey"
	"authdesk/app/platform"
	"authdesk/app/platform/duration"
)

// Scenarios run against a private platform of their own by default: the
// same policy as the tester's platform, its own database in a temporary
// folder, its own test clock, closed and removed when the run ends. The
// tester's platform (the one their browser uses) keeps its sessions,
// remembered devices and clock, unless they tick "Run against the shared
// platform".

// privatePlatform starts a platform with policy on a free loopback port and
// returns its URL and the function that closes it and removes its files.
// Its users are the scenarios' own and live for one run, so it hashes their
// passwords at platform.ThrowawayHashCost.
func privatePlatform(policy platform.Policy) (url string, closeIt func(), err error) {
	dir, err := os.MkdirTemp("", "authdesk-workbench-")
	if err != nil {
		return "", nil, fmt.Errorf("start a private platform: %w", err)
	}
	srv, err := platform.New(platform.Config{DBPath: filepath.Join(dir, "platform.db"), TestClock: true, PasswordHash: platform.ThrowawayHashCost, Policy: &policy})
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, fmt.Errorf("start a private platform: %w", err)
	}
	url, err = srv.Start("127.0.0.1:0")
	if err != nil {
		_ = srv.Close()
		_ = os.RemoveAll(dir)
		return "", nil, fmt.Errorf("start a private platform: %w", err)
	}
	return url, func() {
		_ = srv.Close()
		_ = os.RemoveAll(dir)
	}, nil
}

// sharedClockEvery is how often the header reads the shared platform's clock,
// which the tester's browser may move at any time.
const sharedClockEvery = 5 * time.Second

// watchClock shows the shared platform's clock in the header now and every
// sharedClockEvery until the window closes.
func (t *Workbench) watchClock() {
	if t.url == "" || t.closed {
		return
	}
	client, err := journey.NewClient(t.url)
	if err != nil {
		return
	}
	gen := t.clockGen
	background(t.cfg, func() string {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		now, err := client.Now(ctx)
		if err != nil {
			return "Shared platform clock: " + err.Error()
		}
		// The platform's clock is the wall clock plus the tester's moves.
		return clockText(now, time.Now())
	}, func(s string) {
		if t.closed || gen != t.clockGen {
			return
		}
		t.clockL.SetText(s)
		if t.tabs != nil && t.tabs.Selected() == t.outboxTab {
			t.refreshOutbox()
		}
		t.clockStop = t.cfg.AfterFunc(sharedClockEvery, func() { onUI(t.watchClock) })
	})
}

// restartClock reads the clock again at once (after a move or a restart).
func (t *Workbench) restartClock() {
	if t.clockStop != nil {
		t.clockStop()
		t.clockStop = nil
	}
	t.clockGen++
	t.watchClock()
}

// stopClock stops reading the clock (the window closed).
func (t *Workbench) stopClock() {
	t.clockGen++
	if t.clockStop != nil {
		t.clockStop()
		t.clockStop = nil
	}
}

// clockText says the platform's date and how far it is from local time.
func clockText(platformNow, local time.Time) string {
	off := platformNow.Sub(local).Round(time.Minute)
	rel := "the same as yours"
	switch {
	case off > 0:
		rel = duration.Format(off) + " ahead of yours"
	case off < 0:
		rel = duration.Format(-off) + " behind yours"
	}
	return fmt.Sprintf("Shared platform clock: %s (%s)", platformNow.Local().Format("Mon 2 Jan 2006 15:04"), rel)
}

// parseAdvance reads a custom clock move in duration.Parse's syntax ("7d",
// "36h", "90m"); ok is false for anything else or a move that is not forward.
func parseAdvance(s string) (d time.Duration, ok bool) {
	d, err := duration.Parse(s)
	return d, err == nil && d > 0
}

// advance moves the platform's test clock.
func (t *Workbench) advance(d time.Duration) {
	if t.url == "" || t.running {
		return
	}
	client, err := journey.NewClient(t.url)
	if err != nil {
		return
	}
	background(t.cfg, func() string {
		now, err := client.Advance(context.Background(), d)
		if err != nil {
			return "clock: " + err.Error()
		}
		return "platform date " + now.Format("2 Jan 2006 15:04")
	}, func(s string) {
		t.date.SetText(s)
		t.restartClock()
	})
}
