package workbench

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// scrollerHolding returns the window's scroller whose content lists o.
func scrollerHolding(t *testing.T, tr *Workbench, o fyne.CanvasObject) *container.Scroll {
	t.Helper()
	for _, x := range test.LaidOutObjects(tr.win.Content()) {
		if s, ok := x.(*container.Scroll); ok {
			if box, ok := s.Content.(*fyne.Container); ok && slices.Contains(box.Objects, o) {
				return s
			}
		}
	}
	t.Fatalf("no scroller lists %v", o)
	return nil
}

// assertAllVisible fails unless every object in objs lies wholly inside the
// visible area of its scroller, scrolled to its top, and the scroller has
// nothing to scroll.
func assertAllVisible(t *testing.T, what string, tr *Workbench, objs []fyne.CanvasObject) {
	t.Helper()
	scroll := scrollerHolding(t, tr, objs[0])
	if scroll.Offset.Y != 0 {
		t.Errorf("%s: scrolled to %v", what, scroll.Offset)
	}
	visible := scroll.Size().Height
	for i, o := range objs {
		if bottom := o.Position().Y + o.Size().Height; o.Size().Height == 0 || bottom > visible {
			t.Errorf("%s: number %d ends at y=%v, below the %v px its scroller shows", what, i+1, bottom, visible)
		}
	}
	if need := scroll.Content.MinSize().Height; need > visible {
		t.Errorf("%s: the list needs %v px, its scroller shows %v: it scrolls", what, need, visible)
	}
}

// TestAllScenariosFitTheWindow: at the size the workbench opens in
// (900×720, as in README's picture), every scenario's tick box and every
// scenario's result line is on screen without scrolling, before and after
// Run all, in Authdesk's theme and in Fyne's default.
func TestAllScenariosFitTheWindow(t *testing.T) {
	h, tr := openWorkbench(t)
	if got := tr.win.Canvas().Size(); got != fyne.NewSize(900, 720) {
		t.Fatalf("the workbench opens at %v, want 900×720", got)
	}
	look := h.a.Settings().Theme()
	assertFit := func(when string) {
		t.Helper()
		for _, th := range []struct {
			name string
			th   fyne.Theme
		}{{"Fyne's default theme", theme.DefaultTheme()}, {"Authdesk's theme", look}} {
			h.a.Settings().SetTheme(th.th)
			var checks, results []fyne.CanvasObject
			for i, c := range tr.checks {
				checks = append(checks, c)
				results = append(results, tr.groups[tr.names[i]].box)
			}
			if len(checks) != 10 || len(tr.steps.Objects) != 10 {
				t.Fatalf("%d tick boxes and %d result lines, want the ten scenarios'", len(checks), len(tr.steps.Objects))
			}
			assertAllVisible(t, when+", "+th.name+": tick boxes", tr, checks)
			assertAllVisible(t, when+", "+th.name+": results", tr, results)
		}
	}
	assertFit("before a run")
	tr.shared.SetChecked(true) // the longer summary, as in README's picture
	test.Tap(tr.runAll)
	if tr.report == nil {
		t.Fatal("Run all made no report")
	}
	assertFit("after Run all")
}
