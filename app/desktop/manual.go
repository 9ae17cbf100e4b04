package desktop

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
	"authdesk/vault"
)

// manualForm is the "Enter key manually" form.
type manualForm struct {
	issuer, name, key, period, counter *dialogEntry
	kind, algorithm, digits            *widget.Select
	errs                               map[string]*widget.Label
	general                            *widget.Label
	advanced                           *widget.Accordion
	d                                  *dialog.CustomDialog
	add                                *widget.Button
	content                            *fyne.Container
	shown                              string // the messages on screen, to re-layout only on change
}

// showManualEntry shows the form for typing a key.
func (u *UI) showManualEntry() {
	if u.state != stateCodes {
		return
	}
	f := &manualForm{issuer: newDialogEntry(false), name: newDialogEntry(false), key: newDialogEntry(false),
		period: newDialogEntry(false), counter: newDialogEntry(false), errs: map[string]*widget.Label{}}
	u.adding.manual = f
	f.issuer.SetPlaceHolder("Site or service, e.g. GitHub")
	f.name.SetPlaceHolder("Your user name or e-mail")
	f.key.SetPlaceHolder("e.g. JBSW Y3DP EHPK 3PXP")
	f.period.SetText("30")
	f.counter.SetText("0")
	f.kind = widget.NewSelect([]string{"Time-based (TOTP)", "Counter-based (HOTP)", "Steam"}, nil)
	f.algorithm = widget.NewSelect([]string{"SHA1", "SHA256", "SHA512"}, nil)
	f.digits = widget.NewSelect([]string{"6", "7", "8"}, nil)
	f.kind.SetSelectedIndex(0)
	f.algorithm.SetSelectedIndex(0)
	f.digits.SetSelectedIndex(0)
	f.kind.OnChanged = func(string) { f.kindChanged() }
	field := func(name string, o fyne.CanvasObject) fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Importance = widget.DangerImportance
		l.Wrapping = fyne.TextWrapWord // a long message must not lose its end
		l.Hide()
		f.errs[name] = l
		return container.NewVBox(o, l)
	}
	f.general = widget.NewLabel("")
	f.general.Importance = widget.DangerImportance
	f.general.Wrapping = fyne.TextWrapWord
	f.general.Hide()
	adv := widget.NewForm(
		widget.NewFormItem("Type", f.kind),
		widget.NewFormItem("Algorithm", f.algorithm),
		widget.NewFormItem("Digits", f.digits),
		widget.NewFormItem("Period (s)", field("period", f.period)),
		widget.NewFormItem("Counter", field("counter", f.counter)),
	)
	f.advanced = widget.NewAccordion(widget.NewAccordionItem("Advanced", adv))
	form := widget.NewForm(
		widget.NewFormItem("Issuer", field("issuer", f.issuer)),
		widget.NewFormItem("Account", f.name),
		widget.NewFormItem("Key", field("key", f.key)),
	)
	help := dimText("Spaces, dashes and lower case are fine. Most sites need nothing under Advanced.", true)
	for _, e := range []*dialogEntry{f.issuer, f.name, f.key, f.period, f.counter} {
		e.OnChanged = func(string) { f.validate(false) }
		e.OnSubmitted = func(string) { u.submitManual() }
	}
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), nil)
	f.add = widget.NewButtonWithIcon("Add", theme.ConfirmIcon(), u.submitManual)
	f.add.Importance = widget.HighImportance
	f.content = container.New(&dialogs.Width{W: 440}, container.NewVBox(form, help, f.advanced, f.general))
	f.d = dialogs.NewCustom("Enter key manually", f.content, []fyne.CanvasObject{cancel, f.add}, u.win)
	cancel.OnTapped = f.d.Hide
	f.kindChanged() // enable the fields of the default type only
	f.d.Show()
	u.win.Canvas().Focus(f.issuer)
}

func (f *manualForm) kindChanged() {
	steam := f.kind.SelectedIndex() == 2
	for _, w := range []fyne.Disableable{f.algorithm, f.digits, f.period} {
		if steam {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if f.kind.SelectedIndex() == 1 {
		f.period.Disable()
		f.counter.Enable()
	} else {
		f.counter.Disable()
	}
	f.validate(false)
}

// validate builds the account from the form with vault.Manual, the builder
// authdesk-cli add uses too; with all set it reports every problem,
// otherwise only those in fields the user has typed in.
func (f *manualForm) validate(all bool) (vault.Account, bool) {
	errs := map[string]string{}
	m := f.read(errs)
	a, err := m.Account()
	general := ""
	var me *vault.ManualError
	if errors.As(err, &me) {
		general = f.explain(me.Problems, all, errs)
	}
	f.showErrors(errs, general)
	return a, err == nil && len(errs) == 0
}

// read reads the form into a vault.Manual; a counter or period that is no
// number goes into errs.
func (f *manualForm) read(errs map[string]string) vault.Manual {
	m := vault.Manual{Issuer: f.issuer.Text, Name: f.name.Text, Secret: f.key.Text,
		Type: vault.TOTP, Algorithm: vault.Algorithm(f.algorithm.Selected)}
	m.Digits, _ = strconv.Atoi(f.digits.Selected)
	switch f.kind.SelectedIndex() {
	case 1:
		m.Type = vault.HOTP
		c, err := strconv.ParseUint(strings.TrimSpace(f.counter.Text), 10, 64)
		if err != nil {
			errs["counter"] = "A whole number, 0 or more (usually 0)."
		}
		m.Counter = c
	case 2:
		// Steam has its own algorithm, digits and period: the builder
		// fills them in (the fields are disabled).
		m.Type, m.Algorithm, m.Digits = vault.Steam, "", 0
	default:
		p, err := strconv.Atoi(strings.TrimSpace(f.period.Text))
		if err != nil {
			errs["period"] = "A whole number of seconds, usually 30."
		}
		m.Period = p
	}
	return m
}

// explain puts the builder's problems into errs, in the form's words, by
// field (with all unset, only for fields the user has typed in), and
// returns the first problem no field shows.
func (f *manualForm) explain(problems []vault.FieldError, all bool, errs map[string]string) (general string) {
	for _, p := range problems {
		switch p.Field {
		case "issuer":
			if all || f.name.Text != "" {
				errs["issuer"] = "Enter the site's name, your account name, or both."
			}
		case "secret":
			if strings.TrimSpace(f.key.Text) != "" {
				errs["key"] = "Not a valid key: use the letters A–Z and digits 2–7."
			} else if all {
				errs["key"] = "Enter the key the site shows."
			}
		case "period":
			if errs["period"] == "" {
				errs["period"] = fmt.Sprintf("A whole number of seconds from 1 to %d, usually 30.", vault.MaxPeriod)
			}
		case "counter":
		default:
			if general == "" {
				general = "Cannot add this account: " + p.Err.Error()
			}
		}
	}
	return general
}

// showErrors shows each field's message from errs under it and general
// under the form, and fits the dialog to them.
func (f *manualForm) showErrors(errs map[string]string, general string) {
	for name, l := range f.errs {
		if msg := errs[name]; msg != "" {
			l.SetText(msg)
			l.Show()
		} else {
			l.Hide()
		}
	}
	if general != "" {
		f.general.SetText(general)
		f.general.Show()
	} else {
		f.general.Hide()
	}
	if errs["period"] != "" || errs["counter"] != "" {
		f.advanced.Open(0)
	}
	if shown := strings.Join(f.Errors(), "\n"); shown != f.shown && f.d != nil {
		// Shown or hidden messages change the form's height.
		f.shown = shown
		f.content.Refresh()
		f.d.Resize(f.d.MinSize())
	}
}

// submitManual adds the account typed in the manual form.
func (u *UI) submitManual() {
	f := u.adding.manual
	a, ok := f.validate(true)
	if !ok {
		return
	}
	if d, dup := u.v.FindBySecret(a.Secret); dup {
		f.general.SetText(fmt.Sprintf("This key is already in your vault as %s.", d.Title()))
		f.general.Show()
		f.content.Refresh()
		f.d.Resize(f.d.MinSize())
		return
	}
	f.d.Hide()
	u.addAccounts([]vault.Account{a})
}

// Errors returns the visible validation messages of the manual form, for tests.
func (f *manualForm) Errors() []string {
	var out []string
	for _, l := range f.errs {
		if l.Visible() {
			out = append(out, l.Text)
		}
	}
	if f.general.Visible() {
		out = append(out, f.general.Text)
	}
	slices.Sort(out)
	return out
}
