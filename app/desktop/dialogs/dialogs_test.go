package dialogs

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestGuardGivesKeysToTheDialog: while a dialog is open, Enter presses its
// default button and Escape its way out, and the window's own handler sees
// neither; a destructive confirmation has no default button; with no
// dialog the window's handler gets every key.
func TestGuardGivesKeysToTheDialog(t *testing.T) {
	for _, c := range []struct {
		name    string
		danger  bool
		key     fyne.KeyName
		want    string // the answer the callback got; "" for none
		stillUp bool   // the dialog is still open
	}{
		{"Enter confirms", false, fyne.KeyReturn, "yes", false},
		{"keypad Enter confirms", false, fyne.KeyEnter, "yes", false},
		{"Escape refuses", false, fyne.KeyEscape, "no", false},
		{"Enter does not delete", true, fyne.KeyReturn, "", true},
		{"Escape cancels a deletion", true, fyne.KeyEscape, "no", false},
		{"other keys stay with the dialog", false, fyne.KeyA, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := test.NewTempApp(t)
			w := a.NewWindow("guarded")
			w.Resize(fyne.NewSize(500, 400))
			var window []fyne.KeyName
			Guard(w.Canvas(), func(k *fyne.KeyEvent) { window = append(window, k.Name) })
			got := ""
			d := NewConfirm("Delete GitHub?", "The account and its key go.", func(ok bool) {
				got = map[bool]string{true: "yes", false: "no"}[ok]
			}, w)
			if c.danger {
				d.SetConfirmImportance(widget.DangerImportance)
			}
			d.Show()
			w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: c.key})
			if got != c.want || Open(w.Canvas()) != c.stillUp {
				t.Errorf("answer %q, dialog open %v; want %q, %v", got, Open(w.Canvas()), c.want, c.stillUp)
			}
			if len(window) != 0 {
				t.Errorf("the window saw %v under a dialog", window)
			}
			w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
			w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
			if len(window) != 1 || window[0] != fyne.KeyReturn {
				t.Errorf("without a dialog the window saw %v, want [Return]", window)
			}
		})
	}
}

// TestNewCustomButtons: Escape presses a custom dialog's button labelled
// like a way out, and Enter its highlighted one.
func TestNewCustomButtons(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("custom")
	w.Resize(fyne.NewSize(500, 400))
	Guard(w.Canvas(), nil)
	var pressed []string
	retry := widget.NewButton("Try again", func() { pressed = append(pressed, "retry") })
	retry.Importance = widget.HighImportance
	closeB := widget.NewButton("Close", func() { pressed = append(pressed, "close") })
	d := NewCustom("Could not open the browser", widget.NewLabel("xdg-open failed"), []fyne.CanvasObject{closeB, retry}, w)
	d.Show()
	if b := Buttons(w.Canvas().Overlays().Top()); len(b) != 2 {
		t.Fatalf("the dialog's buttons: %d, want 2", len(b))
	}
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(pressed) != 2 || pressed[0] != "retry" || pressed[1] != "close" {
		t.Errorf("Enter then Escape pressed %v, want [retry close]", pressed)
	}
}

// TestWidthLayout: Width gives its content that width, and the height a
// wrapped label needs at it.
func TestWidthLayout(t *testing.T) {
	test.NewTempApp(t)
	l := widget.NewLabel("A sentence long enough to wrap onto a second line at a narrow width, and a third.")
	l.Wrapping = fyne.TextWrapWord
	narrow := (&Width{W: 150}).MinSize([]fyne.CanvasObject{l})
	wide := (&Width{W: 600}).MinSize([]fyne.CanvasObject{l})
	if narrow.Width != 150 || wide.Width != 600 || narrow.Height <= wide.Height {
		t.Errorf("min sizes %v at 150 and %v at 600", narrow, wide)
	}
}
