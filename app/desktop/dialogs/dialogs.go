// Package dialogs makes Authdesk's dialogs take the keyboard: while one is
// open, Enter presses its default button, Escape its way out, and no key
// reaches the window below. Every Authdesk window (the main one and the
// tester's workbench) guards its keys with Guard and builds its dialogs
// with NewCustom, NewConfirm and the Width layout.
package dialogs

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// A dialog takes the keyboard while it is open: Enter presses its default
// button, Escape its cancel or close button, and no key reaches the window
// below (where Enter would copy a code). Fyne's dialogs, our custom ones and
// Fyne's file dialogs are all pop-ups on the canvas's overlay stack, so one
// handler in front of each window's key handlers serves them all.

// Open reports whether a dialog or pop-up covers c.
func Open(c fyne.Canvas) bool { return c.Overlays().Top() != nil }

// Key gives k to the dialog on top of c. It reports whether there is
// one: then the key is the dialog's, used or not.
func Key(c fyne.Canvas, k *fyne.KeyEvent) bool {
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
		} else if len(Buttons(top)) == 0 {
			top.Hide() // a menu or a pop-up without buttons
		}
	}
	return true
}

// Buttons returns a dialog's button row (Fyne's dialogs keep it as
// the fourth object of their content), or every button in a pop-up
// without one (a file dialog, a custom pop-up).
func Buttons(o fyne.CanvasObject) []*widget.Button {
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
	row := Buttons(o)
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
	row := Buttons(o)
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

// Guard sets c's key handler to keys behind Key, so that the
// window never sees a key meant for one of its dialogs; keys may be nil.
func Guard(c fyne.Canvas, keys func(*fyne.KeyEvent)) {
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if Key(c, k) || keys == nil {
			return
		}
		keys(k)
	})
}

// NewConfirm is dialog.NewConfirm with a message that wraps to the
// dialog's width, as sentences should, instead of breaking where the
// source did.
func NewConfirm(title, msg string, callback func(bool), w fyne.Window) *dialog.ConfirmDialog {
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(title, "Yes", "No", container.New(&Width{W: 380}, l), callback, w)
	ReleaseFocus(d, l)
	return d
}

// ReleaseFocus makes d's widgets give up the keyboard focus when d
// closes. Fyne drops a closed pop-up's focus manager without telling the
// focused widget (fyne v2.7.1 internal/overlay_stack.go, Remove), so an
// entry focused there keeps its 60 fps cursor blink running for as long
// as the program runs: Settings after Change password used 12–15 % of a
// core. A click on a dialog's button does not unfocus the entry either.
func ReleaseFocus(d dialog.Dialog, content ...fyne.CanvasObject) {
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

// Width gives its objects a fixed width and their minimum height.
type Width struct {
	W float32 // the width
}

// Layout gives every object the full size.
func (l *Width) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

// MinSize is W wide and as tall as the tallest object at that width.
func (l *Width) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		// Wrapped labels measure their height at their current W: give
		// them the final width first.
		if o.Size().Width != l.W {
			o.Resize(fyne.NewSize(l.W, max(o.Size().Height, 1)))
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.W, h)
}

// NewCustom is a dialog with the given buttons.
func NewCustom(title string, content fyne.CanvasObject, buttons []fyne.CanvasObject, w fyne.Window) *dialog.CustomDialog {
	d := dialog.NewCustomWithoutButtons(title, content, w)
	d.SetButtons(buttons)
	ReleaseFocus(d, content)
	return d
}
