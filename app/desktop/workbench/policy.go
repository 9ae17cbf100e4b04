package workbench

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
	"authdesk/app/platform"
	"authdesk/app/platform/duration"
)

// policyForm is the "Platform policy…" dialog's fields: the policies
// `platform serve` takes as flags, for the embedded platform.
type policyForm struct {
	digits, algorithm, period, skew *widget.Select
	reenrol, remember, failures     *widget.Entry
	err                             *widget.Label
	apply                           *widget.Button
	dlg                             *dialog.CustomDialog
}

// showPolicy opens the policy dialog with the running platform's policy
// (or, after a failed restart, the last one that ran).
func (t *Workbench) showPolicy() {
	if t.running {
		return
	}
	f := newPolicyForm(t.policy)
	cancel := widget.NewButton("Cancel", func() { f.dlg.Hide() })
	f.apply = widget.NewButtonWithIcon("Apply and restart", theme.ConfirmIcon(), func() {
		p, err := f.read()
		if err == nil {
			err = p.Validate()
		}
		if err != nil {
			f.err.SetText(err.Error())
			f.err.Show()
			return
		}
		f.dlg.Hide()
		t.applyPolicy(p)
	})
	f.apply.Importance = widget.HighImportance
	for _, e := range []*widget.Entry{f.reenrol, f.remember, f.failures} {
		e.OnSubmitted = func(string) { f.apply.OnTapped() } // Enter in a field applies
	}
	form := widget.NewForm(
		widget.NewFormItem("Digits", f.digits),
		widget.NewFormItem("Algorithm", f.algorithm),
		widget.NewFormItem("Period (s)", f.period),
		widget.NewFormItem("Skew (steps)", f.skew),
		widget.NewFormItem("Re-enrol after", f.reenrol),
		widget.NewFormItem("Remember device for", f.remember),
		widget.NewFormItem("Wrong codes before a lock", f.failures),
	)
	hint := widget.NewLabel("Apply restarts the platform; accounts and the test clock stay. Scenarios read the policy from GET /api/policy.")
	hint.Wrapping = fyne.TextWrapWord
	hint.SizeName = theme.SizeNameCaptionText
	content := container.NewVBox(form, f.err, hint)
	f.dlg = dialog.NewCustomWithoutButtons("Platform policy", content, t.win)
	dialogs.ReleaseFocus(f.dlg, content)
	f.dlg.SetButtons([]fyne.CanvasObject{cancel, f.apply})
	f.dlg.Resize(fyne.NewSize(460, 0))
	f.dlg.Show()
	t.policyDlg = f
}

// newPolicyForm fills the fields from p.
func newPolicyForm(p platform.Policy) *policyForm {
	f := &policyForm{
		digits:    widget.NewSelect([]string{"6", "8"}, nil),
		algorithm: widget.NewSelect([]string{"SHA1", "SHA256", "SHA512"}, nil),
		period:    widget.NewSelect([]string{"30", "60"}, nil),
		skew:      widget.NewSelect([]string{"0", "1", "2", "3"}, nil),
		reenrol:   widget.NewEntry(),
		remember:  widget.NewEntry(),
		failures:  widget.NewEntry(),
		err:       widget.NewLabel(""),
	}
	f.digits.SetSelected(strconv.Itoa(p.Digits))
	f.algorithm.SetSelected(p.Algorithm)
	f.period.SetSelected(strconv.Itoa(p.Period))
	f.skew.SetSelected(strconv.Itoa(p.Skew))
	f.reenrol.SetText(duration.Format(p.ReenrolAfter))
	f.reenrol.SetPlaceHolder("e.g. 30d")
	f.remember.SetText(duration.Format(p.RememberFor))
	f.remember.SetPlaceHolder("e.g. 30d")
	f.failures.SetText(strconv.Itoa(p.MaxCodeFailures))
	f.err.Wrapping = fyne.TextWrapWord
	f.err.Importance = widget.DangerImportance
	f.err.Hide()
	return f
}

// read parses the fields; the ranges are Policy.Validate's to check.
func (f *policyForm) read() (platform.Policy, error) {
	var p platform.Policy
	var err error
	num := func(name, s string) int {
		n, e := strconv.Atoi(strings.TrimSpace(s))
		if e != nil && err == nil {
			err = fmt.Errorf("policy: %s must be a whole number, not %q", name, s)
		}
		return n
	}
	dur := func(name, s string) time.Duration {
		d, e := duration.Parse(s)
		if e != nil && err == nil {
			err = fmt.Errorf("policy: %s must be a duration like 30d, 36h or 90m, not %q", name, s)
		}
		return d
	}
	p.Digits = num("the digits", f.digits.Selected)
	p.Algorithm = f.algorithm.Selected
	p.Period = num("the period", f.period.Selected)
	p.Skew = num("the skew", f.skew.Selected)
	p.ReenrolAfter = dur("the key refresh interval", f.reenrol.Text)
	p.RememberFor = dur("remembering a device", f.remember.Text)
	p.MaxCodeFailures = num("the wrong codes before a lock", f.failures.Text)
	return p, err
}

// applyPolicy restarts the embedded platform with p (already valid) off
// the UI goroutine, on the same address when it is still free.
func (t *Workbench) applyPolicy(p platform.Policy) {
	if t.running {
		return
	}
	addr := "127.0.0.1:0"
	if u, err := url.Parse(t.url); err == nil && u.Host != "" {
		addr = u.Host
	}
	old := t.srv
	t.srv, t.url = nil, ""
	t.open.Disable()
	t.setRunning(false)
	t.status.SetText("Restarting the platform with the new policy…")
	t.launch(p, old, addr)
}
