package desktop

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynedesktop "fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
)

// Small building blocks shared by the screens.

// centred places o in the middle of the window at a comfortable width.
func centred(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewCenter(container.New(&dialogs.Width{W: 400}, o))
}

// heading is a large bold title line.
func heading(s string) fyne.CanvasObject {
	t := canvas.NewText(s, theme.Color(theme.ColorNameForeground))
	t.TextSize = 22
	t.TextStyle.Bold = true
	t.Alignment = fyne.TextAlignCenter
	return t
}

// wheelThrough makes a one-line entry leave the mouse wheel to the pane
// around it. Fyne's entries scroll their own text by default and take the
// wheel, so a scrolled pane such as Settings stopped whenever an entry passed
// under the pointer.
func wheelThrough(e *widget.Entry) *widget.Entry {
	e.Wrapping = fyne.TextWrapOff
	e.Scroll = container.ScrollNone
	return e
}

// sectionHeading titles one section of a long pane such as Settings: bold,
// at the theme's sub-heading size, aligned with the fields below it.
func sectionHeading(s string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

func logo() fyne.CanvasObject {
	img := canvas.NewImageFromResource(Icon)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(72, 72))
	return img
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// dimText is secondary text in the placeholder colour: readable, but quieter
// than a label. Long text wraps, short text is truncated.
func dimText(s string, wrap bool) *widget.RichText {
	t := widget.NewRichText(&widget.TextSegment{Text: s,
		Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameText}})
	if wrap {
		t.Wrapping = fyne.TextWrapWord
	} else {
		t.Truncation = fyne.TextTruncateEllipsis
	}
	return t
}

// toast is a short message floating at the bottom of the window.
type toast struct {
	overlay *fyne.Container
	text    *widget.RichText
	seg     *widget.TextSegment
	bg      *canvas.Rectangle
	gen     int
}

// newToast makes the toast: a pill at the bottom of the window whose text
// wraps to the window's width (toastLayout), so that a long message never
// widens the window.
func newToast() *toast {
	t := &toast{seg: &widget.TextSegment{Style: widget.RichTextStyle{ColorName: theme.ColorNameBackground, SizeName: theme.SizeNameText}},
		bg: canvas.NewRectangle(theme.Color(theme.ColorNameForeground))}
	t.text = widget.NewRichText(t.seg)
	t.text.Wrapping = fyne.TextWrapWord
	t.bg.CornerRadius = 8
	pill := container.NewStack(t.bg, container.New(layout.NewCustomPaddedLayout(2, 2, 8, 8), t.text))
	t.overlay = container.New(&toastLayout{t: t}, pill)
	t.overlay.Hide()
	return t
}

// show displays msg for three seconds.
func (t *toast) show(msg string, u *UI) {
	t.gen++
	gen := t.gen
	t.seg.Text = msg
	t.bg.FillColor = theme.Color(theme.ColorNameForeground) // the theme may have changed
	t.text.Refresh()
	t.overlay.Show()
	t.overlay.Refresh()
	u.later(3*time.Second, func() {
		if t.gen == gen {
			t.overlay.Hide()
		}
	})
}

// Message returns the toast text, or "" when hidden.
func (t *toast) Message() string {
	if !t.overlay.Visible() {
		return ""
	}
	return t.seg.Text
}

// toastLayout puts the pill at the bottom centre, as wide as its text on
// one line or the window less a margin, whichever is narrower; it asks for
// no size of its own, so the window never grows for a toast.
type toastLayout struct{ t *toast }

// toastMargin is the space between the pill and the window's edges.
const toastMargin = 24

func (l *toastLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

func (l *toastLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pill := objs[0]
	line := fyne.MeasureText(l.t.seg.Text, theme.TextSize(), fyne.TextStyle{}).Width + 16 + 4*theme.InnerPadding()
	w := min(line, size.Width-2*toastMargin)
	pill.Resize(fyne.NewSize(w, pill.MinSize().Height))
	h := pill.MinSize().Height
	pill.Resize(fyne.NewSize(w, h))
	pill.Move(fyne.NewPos((size.Width-w)/2, size.Height-h-toastMargin))
}

// customShortcut is Ctrl (Cmd on macOS) + k.
func customShortcut(k fyne.KeyName) *fynedesktop.CustomShortcut {
	return &fynedesktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
}
