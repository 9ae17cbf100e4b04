package workbench

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"time"

	"authdesk/app/journey"
	"authdesk/app/wording"
)

// runScenarios runs the named scenarios against the platform off the UI
// goroutine; each step reaches the screen as it finishes.
func (t *Workbench) runScenarios(names []string) {
	if t.running || t.url == "" {
		return
	}
	if len(names) == 0 {
		t.summary.SetText("Tick at least one scenario.")
		return
	}
	scs, err := journey.Select(names)
	if err != nil {
		t.summary.SetText(err.Error())
		return
	}
	t.setRunning(true)
	t.rows = nil
	t.resetGroups(names0(scs), "")
	shared := t.shared.Checked
	where := "a private platform with the same policy (your platform and its clock are not touched)"
	if shared {
		where = "the shared platform at " + t.url
	}
	t.summary.SetText(fmt.Sprintf("Running %s against %s…", wording.Count(len(scs), "scenario", "scenarios"), where))
	policy := t.policy
	opt := journey.Options{
		URL:    t.url,
		Decode: t.cfg.Decode,
		Keep:   t.keeper(),
		Events: func(ev journey.Event) {
			onUI(func() {
				// Fyne's test driver runs this on the scenario's goroutine.
				t.evMu.Lock()
				defer t.evMu.Unlock()
				t.showEvent(ev)
			})
		},
	}
	type result struct {
		rep *journey.Report
		err error
	}
	background(t.cfg, func() result {
		if !shared {
			url, closeIt, err := privatePlatform(policy)
			if err != nil {
				return result{err: err}
			}
			defer closeIt()
			opt.URL = url
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		rep, err := journey.Run(ctx, opt, scs)
		return result{rep, err}
	}, func(r result) {
		if r.err != nil {
			t.summary.SetText("The scenarios could not run: " + r.err.Error())
			t.setRunning(false)
			return
		}
		t.report = r.rep
		p, f, s := r.rep.Counts()
		msg := fmt.Sprintf("%d passed, %d failed, %d skipped in %.1f s, against %s.", p, f, s, float64(r.rep.MS)/1000, where)
		if off := r.rep.ClockOffsetMS; off > 10_000 || off < -10_000 {
			msg += fmt.Sprintf(" The platform's clock is %s from yours: codes may be refused.", (time.Duration(off) * time.Millisecond).String())
		}
		t.summary.SetText(msg)
		t.setRunning(false)
		t.restartClock()
		t.showSimulator()
		if t.cfg.Enrolled != nil {
			t.cfg.Enrolled()
		}
	})
}

// showEvent adds one finished step, or a scenario's outcome, to the list.
func (t *Workbench) showEvent(ev journey.Event) {
	switch {
	case ev.Start:
		if g := t.groups[ev.Scenario]; g != nil {
			g.status = "running"
			g.update()
		}
	case ev.Step != nil:
		s := ev.Step
		detail := s.Observed
		if s.Status == journey.Failed {
			detail = "expected " + s.Expected + "; observed " + s.Observed
		}
		t.addRow(stepRow{scenario: ev.Scenario, title: s.Title, status: s.Status, detail: fmt.Sprintf("%s (%d ms)", detail, s.MS),
			expected: s.Expected, observed: s.Observed})
		if len(s.QRPNG) > 0 {
			if img, err := png.Decode(bytes.NewReader(s.QRPNG)); err == nil {
				t.qr.Image = img
				t.qr.Show()
				t.qr.Refresh()
			}
		}
	case ev.Done != nil:
		d := ev.Done
		detail := fmt.Sprintf("%s, %.1f s", wording.Count(len(d.Steps), "step", "steps"), float64(d.MS)/1000)
		if d.Reason != "" {
			detail = d.Reason + " — " + detail
		}
		t.addRow(stepRow{scenario: ev.Scenario, title: "Scenario " + d.Status, status: d.Status, detail: detail})
		t.finishGroup(ev.Scenario, d)
	}
}

// names0 lists the scenarios' names.
func names0(scs []journey.Scenario) []string {
	out := make([]string, len(scs))
	for i, s := range scs {
		out[i] = s.Name
	}
	return out
}
