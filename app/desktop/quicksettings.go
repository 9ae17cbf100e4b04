package desktop

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/hotkey"
)

// Preference keys of quick access.
const (
	prefQuickShortcut  = "quickShortcut"
	prefCopyWait       = "copyWaitNext"
	prefCopyWaitSecond = "copyWaitNextSeconds"
)

// defaultCopyWait is N in "when a code has less than N s left, wait for
// the next one".
const defaultCopyWait = 5

var copyWaitChoices = []int{3, 5, 8, 10, 15}

// QuickShortcut is the global shortcut, as hotkey.Parse reads it; "" is
// none (the user cleared it in Settings).
func (s settings) QuickShortcut() string {
	return s.p.StringWithFallback(prefQuickShortcut, hotkey.Default.String())
}
func (s settings) SetQuickShortcut(v string) { s.p.SetString(prefQuickShortcut, v) }

// CopyMinLeft is how many seconds a copied code must have left (0: off).
func (s settings) CopyMinLeft() int {
	if !s.p.Bool(prefCopyWait) {
		return 0
	}
	return s.CopyWaitSeconds()
}

// CopyWaitSeconds is N of the "wait for the next one" option, on or off.
func (s settings) CopyWaitSeconds() int {
	return s.p.IntWithFallback(prefCopyWaitSecond, defaultCopyWait)
}
func (s settings) SetCopyWait(on bool, seconds int) {
	s.p.SetBool(prefCopyWait, on)
	s.p.SetInt(prefCopyWaitSecond, seconds)
}

// quickSettings holds the quick-access widgets of Settings, for tests.
type quickSettings struct {
	box      *fyne.Container
	shortcut *widget.Entry
	status   *widget.Label
	command  *widget.Label // the command to bind by hand, where needed
	wait     *widget.Check
	waitSecs *widget.Select
	waitHint *widget.Label // what the option does, with its N: wrapped, so that Settings keep their width
}

// newQuickSettings builds the quick-access part of Settings: the global
// shortcut (saved and registered at Return), what became of it, and the
// "wait for the next one" option.
func (u *UI) newQuickSettings() *quickSettings {
	q := &quickSettings{shortcut: wheelThrough(widget.NewEntry()), status: widget.NewLabel("")}
	q.status.Wrapping = fyne.TextWrapWord
	q.shortcut.SetText(u.prefs.QuickShortcut())
	q.shortcut.SetPlaceHolder("None")
	q.shortcut.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return nil // no global shortcut
		}
		_, err := hotkey.Parse(v)
		return err
	}
	q.shortcut.OnSubmitted = func(v string) {
		if strings.TrimSpace(v) == "" {
			q.shortcut.SetText("")
			u.prefs.SetQuickShortcut("")
			u.startShortcut()
			q.refresh(u)
			return
		}
		s, err := hotkey.Parse(v)
		if err != nil {
			q.status.SetText(err.Error())
			return
		}
		q.shortcut.SetText(s.String())
		u.prefs.SetQuickShortcut(s.String())
		u.startShortcut()
		q.refresh(u)
	}
	set := widget.NewButton("Set", func() { q.shortcut.OnSubmitted(q.shortcut.Text) })
	// The command is a selectable label, wrapped to the pane: an entry
	// would scroll it sideways and take the pane's mouse wheel.
	q.command = widget.NewLabelWithStyle(u.quickCommand(), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	q.command.Selectable = true
	q.command.Wrapping = fyne.TextWrapBreak
	secs := u.prefs.CopyWaitSeconds()
	labels := make([]string, len(copyWaitChoices))
	for i, n := range copyWaitChoices {
		labels[i] = fmt.Sprintf("%d s", n)
	}
	q.wait = widget.NewCheck("Wait for the next code", nil)
	q.waitHint = widget.NewLabel(waitLabel(secs))
	q.waitHint.Wrapping = fyne.TextWrapWord
	q.wait.SetChecked(u.prefs.CopyMinLeft() > 0)
	q.waitSecs = widget.NewSelect(labels, nil)
	q.waitSecs.SetSelected(fmt.Sprintf("%d s", secs))
	save := func() {
		n := copyWaitChoices[max(q.waitSecs.SelectedIndex(), 0)]
		q.waitHint.SetText(waitLabel(n))
		u.prefs.SetCopyWait(q.wait.Checked, n)
	}
	q.wait.OnChanged = func(bool) { save() }
	q.waitSecs.OnChanged = func(string) { save() }
	u.shortcutRefresh(q)
	// The status and the command share a row, so that the hidden command
	// leaves no gap; the copy option's rule is wrapped on a row below it.
	form := widget.NewForm(
		widget.NewFormItem("Shortcut", container.NewBorder(nil, nil, nil, set, q.shortcut)),
		widget.NewFormItem("", container.NewVBox(q.status, q.command)),
		widget.NewFormItem("Copy", container.NewBorder(nil, nil, nil, q.waitSecs, q.wait)),
		widget.NewFormItem("", q.waitHint),
	)
	q.box = container.NewVBox(sectionHeading("Quick access"), form)
	q.refresh(u)
	return q
}

// shortcutRefresh has Settings follow the registration while it shows.
func (u *UI) shortcutRefresh(q *quickSettings) {
	if u.quick.key != nil {
		u.quick.key.onDone = func() { q.refresh(u) }
	}
}

// refresh shows the shortcut's state, and the command to bind by hand when
// Authdesk could not register it.
func (q *quickSettings) refresh(u *UI) {
	k := u.quick.key
	if k == nil {
		q.status.Importance = widget.MediumImportance
		q.status.SetText("The global shortcut is not set in this window.")
		q.command.Hide()
		return
	}
	q.status.Importance = map[keyState]widget.Importance{
		keyPending: widget.MediumImportance,
		keyBound:   widget.SuccessImportance,
		keyTaken:   widget.WarningImportance,
		keyByHand:  widget.WarningImportance,
		keyOff:     widget.MediumImportance,
	}[k.state]
	q.status.SetText(k.status)
	if k.state == keyByHand || k.state == keyOff {
		q.command.Show()
	} else {
		q.command.Hide()
	}
}

func waitLabel(n int) string {
	return fmt.Sprintf("When a code has less than %d s left, wait for the next one", n)
}
