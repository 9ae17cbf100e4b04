package desktop

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// focus gives e the keyboard; the field losing it then is no reason to close.
func (p *quickPopup) focus(e *quickEntry) {
	p.moving = true
	p.win.Canvas().Focus(e)
	p.moving = false
}

// quickBlurGrace is how long the popup waits, after its window lost the
// keyboard, for it to come back before closing. X11 sends a FocusOut just
// before the FocusIn when the keyboard moves to the popup from PointerRoot
// (no window focused, as under a bare X server or focus-follows-mouse) with
// the pointer over the popup: that first FocusOut must not close it.
const quickBlurGrace = 100 * time.Millisecond

// lostFocus closes the popup once it no longer has the keyboard, unless the
// keyboard comes back within quickBlurGrace.
func (p *quickPopup) lostFocus() {
	if !p.open || p.busy || p.moving {
		return
	}
	p.blurGen++
	gen := p.blurGen
	p.u.cfg.afterFunc(quickBlurGrace, func() {
		onUI(func() {
			if gen == p.blurGen && p.open && !p.busy {
				p.close()
			}
		})
	})
}

// gainedFocus keeps the popup open: the keyboard came back.
func (p *quickPopup) gainedFocus() { p.blurGen++ }

// quickEntry is the popup's field: it takes the list keys (↑, ↓, Enter,
// Esc) before the text editing, and closes the popup when the window loses
// the keyboard.
type quickEntry struct {
	widget.Entry
	p *quickPopup
}

func newQuickEntry(p *quickPopup, password bool) *quickEntry {
	e := &quickEntry{p: p}
	e.Password = password
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey handles the popup's keys.
func (e *quickEntry) TypedKey(k *fyne.KeyEvent) {
	p := e.p
	if p.typeAheadKey(k.Name) {
		return
	}
	switch k.Name {
	case fyne.KeyEscape:
		p.close()
		return
	case fyne.KeyReturn, fyne.KeyEnter:
		if e == p.search {
			p.enter()
			return
		}
	}
	if e == p.search {
		switch k.Name {
		case fyne.KeyDown:
			p.move(1)
			return
		case fyne.KeyUp:
			p.move(-1)
			return
		case fyne.KeyPageDown:
			p.move(quickRows)
			return
		case fyne.KeyPageUp:
			p.move(-quickRows)
			return
		}
	}
	e.Entry.TypedKey(k)
}

// TypedRune keeps what is typed while an unlock runs for the search.
func (e *quickEntry) TypedRune(r rune) {
	if !e.p.typeAhead(r) {
		e.Entry.TypedRune(r)
	}
}

// FocusLost closes the popup when its window lost the keyboard.
func (e *quickEntry) FocusLost() {
	e.Entry.FocusLost()
	e.p.lostFocus()
}

// FocusGained cancels a close for a lost focus that came straight back.
func (e *quickEntry) FocusGained() {
	e.Entry.FocusGained()
	e.p.gainedFocus()
}
