package desktop

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	fynedesktop "fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A dialog takes the keyboard while it is open: Enter presses its default
// button, Escape its cancel or close button, and no key reaches the window
// below (where Enter would copy a code). Fyne's dialogs, our custom ones and
// Fyne's file dialogs are all pop-ups on the canvas's overlay stack, so one
// handler in front of each window's key handlers serves them all.

// dialogOpen reports whether a dialog or pop-up covers c.
func dialogOpen(c fyne.Canvas) bool { return c.Overlays().Top() != nil }

// dialogKey gives k to the dialog on top of c. It reports whether there is
// one: then the key is the dialog's, used or not.
func dialogKey(c fyne.Canvas, k *fyne.KeyEvent) bool {
	top := c.Overlays().Top()
	if top == nil {
		return false
	}
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if b := defaultButton(top); b != nil {
			b.Tapped(&fyne.PointEvent{})
		}
	case fyne.KeyEscape:
		if b := cancelButton(top); b != nil {
			b.Tapped(&fyne.PointEvent{})
		} else if len(dialogButtons(top)) == 0 {
			top.Hide() // a menu or a pop-up without buttons
		}
	}
	return true
}

// dialogButtons returns a dialog's button row (Fyne's dialogs keep it as
// the fourth object of their content), or every button in a pop-up
// without one (a file dialog, a custom pop-up).
func dialogButtons(o fyne.CanvasObject) []*widget.Button {
	if p, ok := o.(*widget.PopUp); ok {
		if c, ok := p.Content.(*fyne.Container); ok && len(c.Objects) == 5 {
			if row := buttonsIn(c.Objects[3]); len(row) > 0 {
				return row
			}
		}
		return buttonsIn(p.Content)
	}
	return buttonsIn(o)
}

// buttonsIn lists the visible buttons under o, in tree order, looking
// through containers and scrolls.
func buttonsIn(o fyne.CanvasObject) []*widget.Button {
	var out []*widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *widget.Button:
			out = append(out, o)
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(o.Content)
		case *container.Split:
			walk(o.Leading)
			walk(o.Trailing)
		case *widget.PopUp:
			walk(o.Content)
		}
	}
	walk(o)
	return out
}

// defaultButton is the enabled button Enter presses: the highlighted one,
// or a dialog's only button. A destructive confirmation (its button marked
// as danger) has none: Enter must not delete.
func defaultButton(o fyne.CanvasObject) *widget.Button {
	row := dialogButtons(o)
	var found *widget.Button
	for _, b := range row {
		if b.Importance == widget.HighImportance && !b.Disabled() {
			found = b
		}
	}
	if found == nil && len(row) == 1 && !row[0].Disabled() {
		found = row[0]
	}
	return found
}

// cancelWords are the labels of the buttons Escape presses.
var cancelWords = map[string]bool{"cancel": true, "no": true, "close": true, "ok": true, "done": true,
	"dismiss": true, "not now": true, "keep": true, "back": true}

// cancelButton is the button Escape presses: one labelled like a way out,
// or a dialog's only button.
func cancelButton(o fyne.CanvasObject) *widget.Button {
	row := dialogButtons(o)
	for _, b := range row {
		if cancelWords[strings.ToLower(strings.TrimSpace(b.Text))] && !b.Disabled() {
			return b
		}
	}
	if len(row) == 1 && !row[0].Disabled() {
		return row[0]
	}
	return nil
}

// guardKeys sets c's key handler to keys behind dialogKey, so that the
// window never sees a key meant for one of its dialogs; keys may be nil.
func guardKeys(c fyne.Canvas, keys func(*fyne.KeyEvent)) {
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if dialogKey(c, k) || keys == nil {
			return
		}
		keys(k)
	})
}

// newConfirm is dialog.NewConfirm with a message that wraps to the
// dialog's width, as sentences should, instead of breaking where the
// source did.
func newConfirm(title, msg string, callback func(bool), w fyne.Window) *dialog.ConfirmDialog {
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(title, "Yes", "No", container.New(&widthLayout{width: 380}, l), callback, w)
	dialogReleaseFocus(d, l)
	return d
}

// dialogReleaseFocus makes d's widgets give up the keyboard focus when d
// closes. Fyne drops a closed pop-up's focus manager without telling the
// focused widget (fyne v2.7.1 internal/overlay_stack.go, Remove), so an
// entry focused there keeps its 60 fps cursor blink running for as long
// as the program runs: Settings after Change password used 12–15 % of a
// core. A click on a dialog's button does not unfocus the entry either.
func dialogReleaseFocus(d dialog.Dialog, content ...fyne.CanvasObject) {
	d.SetOnClosed(func() { // chained after d's own callback
		for _, o := range content {
			releaseFocus(o)
		}
	})
}

// releaseFocus tells every focusable widget under o that it lost the focus.
func releaseFocus(o fyne.CanvasObject) {
	switch o := o.(type) {
	case nil:
	case fyne.Focusable:
		o.FocusLost()
	case *fyne.Container:
		for _, c := range o.Objects {
			releaseFocus(c)
		}
	case *container.Scroll:
		releaseFocus(o.Content)
	case *container.Split:
		releaseFocus(o.Leading)
		releaseFocus(o.Trailing)
	case *widget.Form:
		for _, it := range o.Items {
			releaseFocus(it.Widget)
		}
	case *widget.Accordion:
		for _, it := range o.Items {
			releaseFocus(it.Detail)
		}
	}
}

// dialogEntry is an entry for a dialog: Escape typed in it goes to the
// dialog (its cancel or close button), where a plain entry would keep it;
// every other key is the entry's.
type dialogEntry struct {
	widget.Entry
}

// newDialogEntry makes a dialogEntry; password hides what is typed.
func newDialogEntry(password bool) *dialogEntry {
	e := &dialogEntry{}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	if password {
		e.Password = true
		r := &dialogRevealer{icon: widget.NewIcon(theme.VisibilityOffIcon()), e: e}
		r.ExtendBaseWidget(r)
		e.ActionItem = r
	}
	return e
}

// dialogRevealer is a password field's eye, as Fyne's own (which only
// widget.NewPasswordEntry can make): a click shows or hides the password.
// Like Fyne's, it takes no focus, so Tab goes from field to field.
type dialogRevealer struct {
	widget.BaseWidget
	icon *widget.Icon
	e    *dialogEntry
}

func (r *dialogRevealer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewCenter(r.icon))
}

// MinSize is Fyne's: the icon and a padding around it.
func (r *dialogRevealer) MinSize() fyne.Size {
	return fyne.NewSquareSize(theme.Size(theme.SizeNameInlineIcon) + 2*theme.Size(theme.SizeNameInnerPadding))
}

// Tapped shows or hides the password.
func (r *dialogRevealer) Tapped(*fyne.PointEvent) {
	r.e.Password = !r.e.Password
	if r.e.Password {
		r.icon.SetResource(theme.VisibilityOffIcon())
	} else {
		r.icon.SetResource(theme.VisibilityIcon())
	}
	r.e.Refresh()
}

// Cursor is the pointing hand.
func (r *dialogRevealer) Cursor() fynedesktop.Cursor { return fynedesktop.PointerCursor }

// newDialogMultiLineEntry makes a multi-line dialogEntry.
func newDialogMultiLineEntry() *dialogEntry {
	e := &dialogEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey gives Escape to the dialog the entry is in.
func (e *dialogEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil && dialogKey(c, k) {
			return
		}
	}
	e.Entry.TypedKey(k)
}
