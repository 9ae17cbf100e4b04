//go:build e2e

package main_test

// make bench-gui: quick access's time-to-code. The clock starts when
// xdotool presses the global shortcut and stops when Authdesk owns the
// clipboard with the code; the popup's MapNotify and FocusIn are timed on
// the way. Events come from an X connection of the benchmark's own
// (StructureNotify and FocusChange on the popup, XFixes selection events
// on CLIPBOARD), not from polling, so the figures carry no poll interval.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xfixes"
	"github.com/jezek/xgb/xproto"
)

// quickRuns is how many shortcut presses each state is timed over.
const quickRuns = 20

// xEvent is one X event the benchmark waits for, with when it came.
type xEvent struct {
	kind string // "map", "focus", "clipboard"
	at   time.Time
}

// xWatch reports the popup's map and focus and every new CLIPBOARD owner.
type xWatch struct {
	c      *xgb.Conn
	events chan xEvent
}

func watchX(b *testing.B, popup string) *xWatch {
	b.Helper()
	c, err := xgb.NewConn()
	if err != nil {
		b.Fatalf("X connection: %v", err)
	}
	b.Cleanup(c.Close)
	if err := xfixes.Init(c); err != nil {
		b.Fatalf("XFixes: %v", err)
	}
	if _, err := xfixes.QueryVersion(c, 5, 0).Reply(); err != nil {
		b.Fatalf("XFixes version: %v", err)
	}
	id, err := strconv.ParseUint(popup, 10, 32)
	if err != nil {
		b.Fatalf("popup window id %q: %v", popup, err)
	}
	win := xproto.Window(id)
	root := xproto.Setup(c).DefaultScreen(c).Root
	name := "CLIPBOARD"
	atom, err := xproto.InternAtom(c, false, uint16(len(name)), name).Reply()
	if err != nil {
		b.Fatal(err)
	}
	if err := xproto.ChangeWindowAttributesChecked(c, win, xproto.CwEventMask,
		[]uint32{xproto.EventMaskStructureNotify | xproto.EventMaskFocusChange}).Check(); err != nil {
		b.Fatalf("watch the popup window: %v", err)
	}
	if err := xfixes.SelectSelectionInputChecked(c, root, atom.Atom,
		xfixes.SelectionEventMaskSetSelectionOwner).Check(); err != nil {
		b.Fatalf("watch the clipboard: %v", err)
	}
	w := &xWatch{c: c, events: make(chan xEvent, 64)}
	go func() {
		for {
			ev, err := c.WaitForEvent()
			if ev == nil && err == nil {
				close(w.events)
				return
			}
			now := time.Now()
			switch e := ev.(type) {
			case xproto.MapNotifyEvent:
				if e.Window == win {
					w.events <- xEvent{"map", now}
				}
			case xproto.FocusInEvent:
				if e.Event == win && e.Detail != xproto.NotifyDetailPointer {
					w.events <- xEvent{"focus", now}
				}
			case xfixes.SelectionNotifyEvent:
				w.events <- xEvent{"clipboard", now}
			}
		}
	}()
	return w
}

// drain forgets the events that came so far.
func (w *xWatch) drain() {
	for {
		select {
		case <-w.events:
		default:
			return
		}
	}
}

// wait returns when the next event of kind came (30 s at most).
func (w *xWatch) wait(b *testing.B, kind string) time.Time {
	b.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev := <-w.events:
			if ev.kind == kind {
				return ev.at
			}
		case <-timeout:
			clip, _ := readClipboard()
			b.Fatalf("no %s event within 30 s (clipboard %q)", kind, clip)
		}
	}
}

// BenchmarkQuickAccess times Ctrl+Alt+A → popup mapped → code in the
// clipboard with 500 accounts, quickRuns times from hidden in the tray and
// from locked with a PIN (its Argon2id included; the hash alone is
// BenchmarkCheckPIN in vault). Three characters of an account's name and
// Enter (the PIN and Enter first when locked) are typed as soon as the
// popup has the keyboard; each copied code is checked against
// authdesk-cli after the clock stops.
func BenchmarkQuickAccess(b *testing.B) {
	for _, state := range []string{"hidden", "locked"} {
		b.Run(state, func(b *testing.B) {
			for range b.N {
				quickBench(b, state)
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}

func quickBench(b *testing.B, state string) {
	e := newEnv(b)
	e.runCLI("e2e password\n", "--password-stdin", "init")
	e.importAccounts(500)
	if state == "locked" {
		e.setPIN(quickPIN)
	}
	a := e.startIn(state)
	// The first press waits for the grab (made just after start); the
	// popup's window is made then, so the timed presses find it made.
	popup := a.pressQuick(b)
	xdotool(b, "key", "--clearmodifiers", "Escape")
	a.waitQuickClosed(b, "Esc")
	w := watchX(b, popup)
	var mapped, focused, toCode []time.Duration
	for i := range quickRuns {
		n := 100 + i*17 // user100 … user423: three digits only its name has
		time.Sleep(500 * time.Millisecond)
		w.drain()
		start := time.Now()
		xdotool(b, "key", "--clearmodifiers", quickShortcut)
		mapped = append(mapped, w.wait(b, "map").Sub(start))
		focused = append(focused, w.wait(b, "focus").Sub(start))
		typed := fmt.Sprintf("%03d", n)
		if state == "locked" {
			typed = quickPIN + "\n" + typed
		}
		xdotool(b, keystrokes(typed+"\n")...)
		var got string
		for got == "" { // the 30 s clear of an earlier copy is a new owner too
			at := w.wait(b, "clipboard")
			got, _ = readClipboard()
			if got != "" {
				toCode = append(toCode, at.Sub(start))
			}
		}
		if name := fmt.Sprintf("user%03d@example.com", n); !e.matchesCode(name, got) {
			b.Fatalf("run %d copied %q, authdesk-cli code %s says %q", i, got, name, e.runCLI("", "code", name))
		}
		a.waitQuickClosed(b, "Enter copied a code")
		if state == "locked" {
			xdotool(b, "windowfocus", "--sync", a.wid)
			xdotool(b, "key", "--clearmodifiers", "ctrl+l")
		}
	}
	for _, m := range []struct {
		unit string
		d    []time.Duration
	}{{"mapped", mapped}, {"focused", focused}, {"to-code", toCode}} {
		p50, p90 := percentiles(m.d)
		b.ReportMetric(p50, "ms-p50-"+m.unit)
		b.ReportMetric(p90, "ms-p90-"+m.unit)
	}
	// Where an unlock's time went, run by run (AUTHDESK_TRACE's lines).
	for _, l := range strings.Split(a.log(), "\n") {
		if strings.Contains(l, "authdesk: unlock:") {
			b.Log(l)
		}
	}
}

// keystrokes is xdotool's key command for digits and newlines (Return),
// 5 ms apart: one xdotool for the lot.
func keystrokes(s string) []string {
	args := []string{"key", "--delay", "5"}
	for _, r := range s {
		if r == '\n' {
			args = append(args, "Return")
		} else {
			args = append(args, string(r))
		}
	}
	return args
}

// percentiles are the median and the 90th percentile of d, in ms.
func percentiles(d []time.Duration) (p50, p90 float64) {
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(q float64) float64 {
		return float64(s[int(q*float64(len(s)-1)+0.5)].Microseconds()) / 1000
	}
	return at(0.5), at(0.9)
}
