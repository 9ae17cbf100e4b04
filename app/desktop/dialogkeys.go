package desktop

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	fynedesktop "fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
)

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
		if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil && dialogs.Key(c, k) {
			return
		}
	}
	e.Entry.TypedKey(k)
}
