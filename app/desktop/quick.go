package desktop

import (
	"fmt"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynedesktop "fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/vault"
)

// QuickTitle is the quick-access popup's window title: scripts find the
// window by it.
const QuickTitle = "Authdesk quick access"

// The popup's size, in Fyne units: a search field over quickRows rows.
const (
	quickWidth  = 460
	quickRows   = 6
	quickRowH   = 58
	quickAvatar = 34
)

// quickPopup is the small undecorated window of quick access: a search
// field over the matching accounts (favourites first, then recent), or,
// while the vault is locked, a PIN or password field. Its window is made
// once; opening it binds only the rows on screen.
type quickPopup struct {
	u   *UI
	win fyne.Window

	search *quickEntry // the filter
	secret *quickEntry // the PIN or password, while locked
	list   *widget.List
	status *widget.Label     // "Copying in 2 s", "No account matches"
	prompt *widget.Label     // "Enter your PIN to unlock"
	errMsg *widget.Label     // a wrong PIN or password
	find   *fyne.Container   // the search mode
	locked *fyne.Container   // the unlock mode
	body   *fyne.Container   // holds find or locked
	bg     *canvas.Rectangle // the window's frame

	accts []vault.Account // the vault's accounts in quick order, while open
	shown []int           // indexes into accts that match the search
	sel   int             // index into shown
	rows  map[*quickRow]struct{}

	open    bool
	pending bool // opened before the vault was: open once it is
	busy    bool // an unlock is running
	moving  bool // the popup moves the focus itself
	blurGen int  // numbers focus losses: a later gain or loss cancels the close of an earlier one

	// Typed while an unlock runs (type-ahead after the PIN): the search
	// text, and whether Enter followed; applied once the accounts show.
	ahead      []rune
	aheadEnter bool
	tickGen    int
	tickStop   func()
	waitStop   func() // cancels a copy waiting for the next code
}

// openQuick opens the quick popup under the pointer (the global shortcut,
// the tray, authdesk --quick call it). While the vault is still opening it
// opens once the vault is open; with no vault yet it shows the main window.
func (u *UI) openQuick() {
	p := u.quickPopup()
	switch u.state {
	case stateStarting:
		p.pending = true
		return
	case stateSetup, stateError:
		u.raise()
		return
	case stateLocked:
		p.showLocked()
	default:
		p.showFind()
	}
	p.present()
}

// quickAccess is quick access: the popup, made on first use, and the
// global shortcut that opens it (quickkey.go).
type quickAccess struct {
	popup *quickPopup
	key   *globalKey
}

// takePending reports whether the popup was asked for while the vault was
// still opening, and forgets that it was.
func (q *quickAccess) takePending() bool {
	if q.popup == nil || !q.popup.pending {
		return false
	}
	q.popup.pending = false
	return true
}

// close closes the popup if it is open.
func (q *quickAccess) close() {
	if q.popup != nil {
		q.popup.close()
	}
}

// quickAfterOpen opens the popup that was asked for while the vault was
// still opening.
func (u *UI) quickAfterOpen() {
	if u.quick.takePending() {
		u.openQuick()
	}
}

// closeQuick closes the popup (on lock: it may show codes).
func (u *UI) closeQuick() { u.quick.close() }

// quickPopup returns the popup, making its window on first use.
func (u *UI) quickPopup() *quickPopup {
	if u.quick.popup == nil {
		u.quick.popup = newQuickPopup(u)
	}
	return u.quick.popup
}

// newQuickWindow makes an undecorated window where the driver can.
func newQuickWindow(a fyne.App) fyne.Window {
	var w fyne.Window
	if d, ok := a.Driver().(fynedesktop.Driver); ok {
		w = d.CreateSplashWindow()
	} else {
		w = a.NewWindow(QuickTitle)
	}
	w.SetTitle(QuickTitle)
	w.SetIcon(Icon)
	return w
}

func newQuickPopup(u *UI) *quickPopup {
	p := &quickPopup{u: u, win: newQuickWindow(u.app), rows: map[*quickRow]struct{}{}}
	p.search = newQuickEntry(p, false)
	p.search.SetPlaceHolder("Type to find an account")
	p.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	p.search.OnChanged = func(string) { p.filter(); u.touch() }
	p.secret = newQuickEntry(p, true)
	p.secret.OnSubmitted = func(string) { p.unlock() }
	p.list = widget.NewList(
		func() int { return len(p.shown) },
		func() fyne.CanvasObject { return newQuickRow(p) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			r := o.(*quickRow)
			p.rows[r] = struct{}{}
			if id < len(p.shown) {
				r.bind(p.accts[p.shown[id]], id == p.sel, u.cfg.now())
			}
		})
	p.list.HideSeparators = true
	p.status = widget.NewLabel("")
	p.status.Alignment = fyne.TextAlignCenter
	p.status.Hide()
	hint := dimText("↑ ↓ choose    Enter copies    Esc closes", false)
	p.find = container.NewBorder(
		container.New(layout.NewCustomPaddedLayout(10, 4, 10, 10), p.search), hint, nil, nil,
		container.NewStack(p.list, container.NewCenter(p.status)))
	p.prompt = widget.NewLabel("")
	p.prompt.Wrapping = fyne.TextWrapWord
	p.prompt.Alignment = fyne.TextAlignCenter
	p.errMsg = widget.NewLabel("")
	p.errMsg.Importance = widget.DangerImportance
	p.errMsg.Alignment = fyne.TextAlignCenter
	p.errMsg.Hide()
	lock := widget.NewIcon(lockIcon)
	// Centred in the popup's height, the lock as large as the avatars.
	p.locked = container.New(layout.NewCustomPaddedLayout(16, 16, 28, 28), container.NewVBox(
		layout.NewSpacer(),
		container.NewCenter(container.NewGridWrap(fyne.NewSize(48, 48), lock)),
		heading("Authdesk is locked"), p.prompt, p.secret, p.errMsg,
		layout.NewSpacer()))
	p.body = container.NewStack(p.find)
	p.bg = canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	p.bg.StrokeWidth = 1
	p.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	p.win.SetContent(container.NewStack(p.bg, p.body))
	p.win.Resize(fyne.NewSize(quickWidth, quickHeight()))
	p.win.SetFixedSize(true)
	p.win.SetCloseIntercept(p.close)
	c := p.win.Canvas()
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			p.close()
		}
	})
	c.SetOnTypedRune(func(r rune) {
		if p.typeAhead(r) {
			return
		}
		if e := p.field(); !e.Disabled() {
			p.focus(e)
			e.TypedRune(r)
		}
	})
	return p
}

// quickHeight is the window's height: the field, the rows and the hint.
func quickHeight() float32 { return 56 + quickRows*quickRowH + 30 }

// field is the entry that has the keyboard in the current mode.
func (p *quickPopup) field() *quickEntry {
	if p.body.Objects[0] == p.locked {
		return p.secret
	}
	return p.search
}

// showFind switches to the search mode with the vault's accounts in quick
// order: with nothing typed, favourites, then recent, then the rest.
func (p *quickPopup) showFind() {
	p.accts = vault.QuickOrder(p.u.v.Accounts())
	p.setBody(p.find)
	p.filter()
}

// showLocked switches to the unlock mode: no account name shows.
func (p *quickPopup) showLocked() {
	p.accts, p.shown = nil, nil
	p.wipeRows()
	if p.u.pinEnabled() {
		p.prompt.SetText("Enter your PIN (or your password) to unlock.")
		p.secret.SetPlaceHolder("PIN or password")
	} else {
		p.prompt.SetText("Enter your password to unlock.")
		p.secret.SetPlaceHolder("Password")
	}
	p.secret.SetText("")
	p.errMsg.Hide()
	p.setBody(p.locked)
}

func (p *quickPopup) setBody(o fyne.CanvasObject) {
	if p.body.Objects[0] != o {
		p.body.Objects[0] = o
		p.body.Refresh()
	}
}

// present shows the window under the pointer with the field focused.
func (p *quickPopup) present() {
	p.u.touch()
	p.bg.FillColor = theme.Color(theme.ColorNameBackground)
	p.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	p.bg.Refresh()
	wasOpen := p.open
	p.open = true
	p.win.Show()
	if !wasOpen {
		placeAtPointer(p.win, fyne.NewSize(quickWidth, quickHeight()))
	}
	p.win.RequestFocus()
	p.focus(p.field())
	p.scheduleTick()
}

// close hides the popup and forgets what it showed.
func (p *quickPopup) close() {
	p.pending = false
	if !p.open {
		return
	}
	p.open = false
	p.cancelWait()
	if p.tickStop != nil {
		p.tickStop()
		p.tickStop = nil
	}
	p.tickGen++
	p.win.Canvas().Unfocus()
	p.win.Hide()
	p.search.SetText("")
	p.secret.SetText("")
	p.dropAhead()
	p.accts, p.shown = nil, nil
	p.wipeRows()
	p.list.Refresh()
}

// wipeRows clears every code and name from the row widgets.
func (p *quickPopup) wipeRows() {
	for r := range p.rows {
		r.bind(vault.Account{}, false, time.Time{})
	}
}

// filter shows the accounts matching the search (the main search's rule,
// in quick order) and selects the first.
func (p *quickPopup) filter() {
	p.cancelWait()
	words := strings.Fields(strings.ToLower(p.search.Text))
	p.shown = p.shown[:0]
	for i, a := range p.accts {
		if matches(a, words) {
			p.shown = append(p.shown, i)
		}
	}
	p.sel = 0
	switch {
	case len(p.accts) == 0:
		p.showStatus("No accounts yet: add one in the Authdesk window.")
	case len(p.shown) == 0:
		p.showStatus("No account matches.")
	default:
		p.status.Hide()
	}
	p.list.Refresh()
	p.list.ScrollToTop()
}

func (p *quickPopup) showStatus(msg string) {
	p.status.SetText(msg)
	p.status.Show()
}

// move moves the selection by delta rows.
func (p *quickPopup) move(delta int) {
	if len(p.shown) == 0 {
		return
	}
	p.cancelWait()
	p.sel = min(max(p.sel+delta, 0), len(p.shown)-1)
	p.list.ScrollTo(p.sel)
	p.list.RefreshItem(p.sel)
	for r := range p.rows {
		r.setSelected(r.acct.ID != "" && r.acct.ID == p.accts[p.shown[p.sel]].ID)
	}
	p.u.touch()
}

// enter copies the selected account's code, or waits for the next code
// first when the one showing is about to expire (the "wait for the next
// one" setting), then closes.
func (p *quickPopup) enter() {
	if len(p.shown) == 0 || p.waitStop != nil {
		return
	}
	a := p.accts[p.shown[p.sel]]
	now := p.u.cfg.now()
	p.copyAt(a, now.Add(p.u.copyWait(a, now)))
}

// copyAt copies a's code at deadline, counting down in the status line
// until then.
func (p *quickPopup) copyAt(a vault.Account, deadline time.Time) {
	left := deadline.Sub(p.u.cfg.now())
	if left <= 0 {
		p.waitStop = nil
		p.status.Hide()
		p.u.copyCode(a)
		p.close()
		return
	}
	p.showStatus(fmt.Sprintf("Copying in %d s", int(math.Ceil(left.Seconds()))))
	step := left - (left - 1).Truncate(time.Second) // to the next whole second left
	stopped := false
	cancel := p.u.cfg.afterFunc(step, func() {
		onUI(func() {
			if !stopped && p.open {
				p.copyAt(a, deadline)
			}
		})
	})
	p.waitStop = func() { stopped = true; cancel() }
}

// cancelWait drops a copy waiting for the next code.
func (p *quickPopup) cancelWait() {
	if p.waitStop != nil {
		p.waitStop()
		p.waitStop = nil
		p.status.Hide()
	}
}

// copyWait is how long a copy of a at now waits under the "wait for the
// next one" setting (the rule of authdesk-cli code --min-left).
func (u *UI) copyWait(a vault.Account, now time.Time) time.Duration {
	n := u.prefs.CopyMinLeft()
	if n <= 0 || a.Type == vault.HOTP {
		return 0
	}
	return vault.CodeWait(now, int64(a.Period), int64(n), -1)
}

func (p *quickPopup) showError(msg string) {
	p.errMsg.SetText(msg)
	p.errMsg.Show()
}

// scheduleTick moves the countdowns every second while the popup is open.
func (p *quickPopup) scheduleTick() {
	if p.u.cfg.noTicker {
		return
	}
	if p.tickStop != nil {
		p.tickStop()
	}
	p.tickGen++
	gen := p.tickGen
	now := p.u.cfg.now()
	p.tickStop = p.u.cfg.afterFunc(now.Truncate(time.Second).Add(time.Second).Sub(now), func() {
		onUI(func() {
			if gen == p.tickGen && p.open {
				p.tick()
				p.scheduleTick()
			}
		})
	})
}

// tick refreshes the codes and countdowns of the rows on screen.
func (p *quickPopup) tick() {
	now := p.u.cfg.now()
	for r := range p.rows {
		if r.Visible() {
			r.tick(now)
		}
	}
}
