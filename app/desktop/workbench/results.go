package workbench

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/journey"
	"authdesk/app/wording"
)

// The workbench's results: one collapsible group per scenario, in the
// scenarios' order however their steps interleave, each marked passed,
// failed, skipped, running or not run at its head. The first failure of a
// run opens by itself, its step, expected and observed on separate lines.
// Collapsed, the ten heads fit the window at 900×720.

// scenarioGroup is one scenario's head and steps.
type scenarioGroup struct {
	name    string
	summary string
	head    *widget.Button
	caret   *widget.Icon
	body    *fyne.Container
	box     *fyne.Container
	status  string // "" (not run), "running", or a journey status
	steps   int
	ms      int64
	reason  string
	open    bool
}

// resetGroups shows one closed group per named scenario, not run yet.
func (t *Workbench) resetGroups(names []string, status string) {
	summaries := map[string]string{}
	for _, s := range journey.Scenarios() {
		summaries[s.Name] = s.Summary
	}
	t.groups = map[string]*scenarioGroup{}
	t.steps.RemoveAll()
	t.openedFailure = false
	for _, n := range names {
		g := &scenarioGroup{name: n, summary: summaries[n], status: status, body: container.NewVBox(), caret: widget.NewIcon(theme.MenuExpandIcon())}
		hint := widget.NewLabelWithStyle(g.summary, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		hint.Wrapping = fyne.TextWrapWord
		g.body.Add(hint)
		g.body.Hide()
		g.head = widget.NewButton("", func() { g.setOpen(!g.open) })
		g.head.Alignment = widget.ButtonAlignLeading
		g.head.Importance = widget.LowImportance
		g.box = container.NewVBox(container.NewBorder(nil, nil, nil, g.caret, g.head), container.NewPadded(g.body))
		g.box.Objects[1].Hide()
		g.update()
		t.groups[n] = g
		t.steps.Add(g.box)
	}
}

// setOpen shows or hides the group's steps.
func (g *scenarioGroup) setOpen(open bool) {
	g.open = open
	if open {
		g.body.Show()
		g.box.Objects[1].Show()
		g.caret.SetResource(theme.MenuDropDownIcon())
	} else {
		g.body.Hide()
		g.box.Objects[1].Hide()
		g.caret.SetResource(theme.MenuExpandIcon())
	}
	g.box.Refresh()
}

// update writes the group's head from its state.
func (g *scenarioGroup) update() {
	var icon fyne.Resource
	var text string
	switch g.status {
	case "":
		icon, text = theme.RadioButtonIcon(), g.name+" — not run"
	case "running":
		icon, text = theme.MediaPlayIcon(), fmt.Sprintf("%s — running, %s", g.name, wording.Count(g.steps, "step", "steps"))
	case journey.Passed:
		icon, text = theme.ConfirmIcon(), fmt.Sprintf("%s — passed, %s in %.1f s", g.name, wording.Count(g.steps, "step", "steps"), float64(g.ms)/1000)
	case journey.Failed:
		icon, text = theme.ErrorIcon(), fmt.Sprintf("%s — FAILED: %s", g.name, g.reason)
	default:
		icon, text = theme.MediaSkipNextIcon(), fmt.Sprintf("%s — skipped: %s", g.name, g.reason)
	}
	g.head.SetIcon(icon)
	g.head.SetText(text)
}

// addRow adds one finished step, or a scenario's outcome, to its group.
func (t *Workbench) addRow(r stepRow) {
	t.rows = append(t.rows, r)
	g := t.groups[r.scenario]
	if g == nil {
		return
	}
	if strings.HasPrefix(r.title, "Scenario ") {
		return // the outcome is the group's head (see finishGroup)
	}
	g.steps++
	if g.status == "" {
		g.status = "running"
	}
	g.body.Add(stepView(g.steps, r))
	g.update()
}

// finishGroup marks a scenario's outcome; the run's first failure opens.
func (t *Workbench) finishGroup(name string, d *journey.ScenarioResult) {
	g := t.groups[name]
	if g == nil {
		return
	}
	g.status, g.ms, g.reason = d.Status, d.MS, d.Reason
	g.update()
	if d.Status == journey.Failed && !t.openedFailure {
		t.openedFailure = true
		g.setOpen(true)
	}
}

// stepView is one step: its mark, number and title, and its detail; a
// failed step shows what was expected and what was observed on lines of
// their own.
func stepView(n int, r stepRow) fyne.CanvasObject {
	icon := theme.ConfirmIcon()
	color := theme.ColorNamePlaceHolder
	if r.status == journey.Failed {
		icon, color = theme.ErrorIcon(), theme.ColorNameError
	}
	segs := []widget.RichTextSegment{&widget.TextSegment{Text: fmt.Sprintf("Step %d · %s", n, r.title), Style: widget.RichTextStyle{
		ColorName: theme.ColorNameForeground, SizeName: theme.SizeNameText, TextStyle: fyne.TextStyle{Bold: true}}}}
	if r.status == journey.Failed && r.expected != "" {
		segs = append(segs,
			&widget.TextSegment{Text: "Expected: " + r.expected, Style: widget.RichTextStyle{ColorName: theme.ColorNameForeground, SizeName: theme.SizeNameText}},
			&widget.TextSegment{Text: "Observed: " + r.observed, Style: widget.RichTextStyle{ColorName: color, SizeName: theme.SizeNameText}})
	} else {
		segs = append(segs, &widget.TextSegment{Text: r.detail, Style: widget.RichTextStyle{ColorName: color, SizeName: theme.SizeNameText}})
	}
	text := widget.NewRichText(segs...)
	text.Wrapping = fyne.TextWrapWord
	return container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(icon), layout.NewSpacer()), nil, text)
}
