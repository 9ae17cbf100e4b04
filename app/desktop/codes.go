package desktop

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
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

// Sort orders for the list.
const (
	sortManual = "manual"
	sortName   = "name"
	sortRecent = "recent"
)

// codeList is the main screen: a search field over the list of accounts.
type codeList struct {
	u        *UI
	accounts []vault.Account // every account, in display order
	shown    []int           // indexes into accounts that match the search
	selected int             // index into shown, -1 for none
	list     *widget.List
	search   *searchEntry
	empty    fyne.CanvasObject
	noMatch  *widget.Label         // "No account matches 'zzz'"
	rows     map[*codeRow]struct{} // the row widgets the list created
	body     *fyne.Container
	offset   float32 // the list's scroll offset at the last tick
}

// showCodes switches to the codes screen for v.
func (u *UI) showCodes(v *vault.Vault) {
	u.v = v
	u.state = stateCodes
	u.touch()
	c := &codeList{u: u, selected: -1, rows: map[*codeRow]struct{}{}}
	u.list = c
	c.search = newSearchEntry(u)
	c.list = widget.NewList(
		func() int { return len(c.shown) },
		func() fyne.CanvasObject { return newCodeRow(u) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(c.shown) {
				r := o.(*codeRow)
				c.rows[r] = struct{}{}
				r.bind(c.accounts[c.shown[id]], u.cfg.now())
			}
		})
	// Rows are set apart by their avatars; separators would be 13 more
	// objects to draw every second.
	c.list.HideSeparators = true
	c.list.OnSelected = func(id widget.ListItemID) { c.selected = id; u.touch() }
	c.list.OnUnselected = func(id widget.ListItemID) {
		if c.selected == id {
			c.selected = -1
		}
	}
	add := widget.NewButtonWithIcon("", theme.ContentAddIcon(), u.showAddChooser)
	add.Importance = widget.HighImportance
	menu := widget.NewButtonWithIcon("", theme.MenuIcon(), nil)
	menu.Importance = widget.LowImportance
	menu.OnTapped = func() { u.showMainMenu(menu) }
	lock := widget.NewButtonWithIcon("", lockIcon, u.lock)
	lock.Importance = widget.LowImportance
	header := container.NewBorder(nil, nil, nil, container.NewHBox(add, lock, menu), c.search)

	addFirst := widget.NewButtonWithIcon("Add account", theme.ContentAddIcon(), u.showAddChooser)
	addFirst.Importance = widget.HighImportance
	hint := widget.NewLabel("Scan a QR code, drop or paste its image (Ctrl+V), or type the key the site shows you.")
	hint.Wrapping = fyne.TextWrapWord
	hint.Alignment = fyne.TextAlignCenter
	c.empty = centred(container.NewVBox(container.NewCenter(logo()), heading("No accounts yet"), hint, container.NewCenter(addFirst)))
	c.noMatch = widget.NewLabel("")
	c.noMatch.Alignment = fyne.TextAlignCenter
	c.noMatch.Hide()
	c.body = container.NewStack(c.list, c.empty, container.NewVBox(c.noMatch))
	u.setScreen(container.NewBorder(container.NewPadded(header), nil, nil, nil, c.body))
	c.reload("")
	u.syncStart(v)
	// Nothing is focused at rest: a focused entry blinks its cursor at 60 fps.
	// Typing anywhere focuses the search field (see installShortcuts).
	u.win.Canvas().Unfocus()
	if !u.trimmed && u.cfg.Settled != nil {
		u.trimmed = true
		u.cfg.afterFunc(2*time.Second, u.cfg.Settled)
	}
	if u.cfg.Trace != nil && !u.traced {
		u.traced = true
		onUI(func() { fmt.Fprintf(u.cfg.Trace, "authdesk: codes shown: %d accounts\n", len(c.accounts)) })
	}
}

// reload re-reads the accounts from the vault, re-applies sort and search,
// and selects selectID (or the first row).
func (c *codeList) reload(selectID string) {
	c.accounts = c.u.v.Accounts()
	switch c.u.prefs.Sort() {
	case sortName:
		slices.SortStableFunc(c.accounts, func(a, b vault.Account) int {
			return cmp.Or(cmp.Compare(strings.ToLower(a.Issuer), strings.ToLower(b.Issuer)),
				cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)))
		})
	case sortRecent:
		slices.SortStableFunc(c.accounts, func(a, b vault.Account) int { return b.Created.Compare(a.Created) })
	}
	vault.FavoritesFirst(c.accounts)
	c.filter(c.search.Text, selectID)
	c.u.updateTray()
}

// filter shows the accounts matching query and selects selectID if shown,
// else the first one.
func (c *codeList) filter(query, selectID string) {
	c.shown = c.shown[:0]
	words := strings.Fields(strings.ToLower(query))
	for i, a := range c.accounts {
		if matches(a, words) {
			c.shown = append(c.shown, i)
		}
	}
	if len(c.accounts) == 0 {
		c.empty.Show()
		c.list.Hide()
	} else {
		c.empty.Hide()
		c.list.Show()
	}
	if len(c.accounts) > 0 && len(c.shown) == 0 {
		c.noMatch.SetText(fmt.Sprintf("No account matches '%s'", strings.TrimSpace(query)))
		c.noMatch.Show()
	} else {
		c.noMatch.Hide()
	}
	c.list.UnselectAll()
	c.selected = -1
	// The refresh binds the rows it keeps again (and drops its pool); the
	// rows it dropped are wiped and forgotten. Fyne also makes a row on each
	// refresh only to measure it: rows count once bound, so it never does.
	old := c.rows
	c.rows = map[*codeRow]struct{}{}
	c.list.Refresh()
	for r := range old {
		if _, kept := c.rows[r]; !kept {
			r.bind(vault.Account{}, time.Time{})
		}
	}
	c.u.schedule(c.u.cfg.now())
	if len(c.shown) == 0 {
		return
	}
	sel := 0
	for i, idx := range c.shown {
		if c.accounts[idx].ID == selectID {
			sel = i
		}
	}
	c.list.Select(sel)
}

// matches reports whether every word occurs in the issuer, name or a tag.
func matches(a vault.Account, words []string) bool {
	hay := strings.ToLower(a.Issuer + "\x00" + a.Name + "\x00" + strings.Join(a.Tags, "\x00"))
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// Selected returns the selected account.
func (c *codeList) Selected() (vault.Account, bool) {
	if c.selected < 0 || c.selected >= len(c.shown) {
		return vault.Account{}, false
	}
	return c.accounts[c.shown[c.selected]], true
}

// move moves the selection by delta rows.
func (c *codeList) move(delta int) {
	if len(c.shown) == 0 {
		return
	}
	c.list.Select(min(max(c.selected+delta, 0), len(c.shown)-1))
}

// tick updates the code, countdown and next code of every row on screen;
// while the window is hidden it does nothing (see setShown).
func (c *codeList) tick(now time.Time) {
	if c.u.hidden {
		return
	}
	for r := range c.rows {
		if r.Visible() {
			r.tick(now)
		}
	}
}

// periods lists the periods (in seconds) of the TOTP codes the filter
// shows, once each: the moments their rows change set the background
// cadence, whichever of them are scrolled into view.
func (c *codeList) periods() []int {
	var ps []int
	for _, i := range c.shown {
		a := c.accounts[i]
		if a.Type == vault.HOTP {
			continue
		}
		p := a.Period
		if p == 0 {
			p = vault.DefaultPeriod
		}
		if !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	return ps
}

// setShown records whether the window is on screen (Show and Hide are
// called only by Authdesk: the tray, start minimised, screen scans). While it
// is hidden, no code is computed and nothing refreshes, so the event loop
// sleeps; showing it brings the visible rows up to date before the first
// frame is drawn.
func (u *UI) setShown(shown bool) {
	u.hidden = !shown
	u.tick()
}

// clear wipes every code from the rows (on lock).
func (c *codeList) clear() {
	for r := range c.rows {
		r.bind(vault.Account{}, time.Time{})
	}
	c.accounts, c.shown = nil, nil
}

// searchEntry is the filter field; it also takes the list's keys so that
// typing, arrows, Enter and Esc work without moving the focus.
type searchEntry struct {
	widget.Entry
	u *UI
}

func newSearchEntry(u *UI) *searchEntry {
	e := &searchEntry{u: u}
	e.ExtendBaseWidget(e)
	e.SetPlaceHolder("Search accounts (Ctrl+F)")
	e.ActionItem = widget.NewIcon(theme.SearchIcon())
	e.OnChanged = func(s string) {
		if u.list != nil {
			u.list.filter(s, "")
		}
		u.touch()
	}
	return e
}

// TypedKey handles the list keys before the usual text editing.
func (e *searchEntry) TypedKey(k *fyne.KeyEvent) {
	if e.u.listKey(k) {
		return
	}
	e.Entry.TypedKey(k)
}

// TypedShortcut sends Copy (with no text selected), Paste of an account and
// the window shortcuts to the UI, and the rest to the entry.
func (e *searchEntry) TypedShortcut(s fyne.Shortcut) {
	e.u.touch()
	switch s := s.(type) {
	case *fyne.ShortcutCopy:
		if e.SelectedText() == "" {
			e.u.copySelected()
			return
		}
	case *fyne.ShortcutPaste:
		if !looksLikeText(e.u.app.Clipboard().Content()) {
			e.u.paste()
			return
		}
	case *fynedesktop.CustomShortcut:
		if s.KeyName == fyne.KeyQ && s.Modifier == fyne.KeyModifierShortcutDefault {
			e.u.quitApp()
			return
		}
		if e.u.windowShortcut(s) {
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

// looksLikeText reports whether clipboard text should be pasted into the
// search field rather than imported (anything but an otpauth URI or nothing).
func looksLikeText(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return s != "" && !strings.HasPrefix(s, "otpauth://") && !strings.HasPrefix(s, "otpauth-migration://")
}

// listKey handles the keys that act on the list; it reports whether it did.
func (u *UI) listKey(k *fyne.KeyEvent) bool {
	if u.state != stateCodes {
		return false
	}
	u.touch()
	c := u.list
	switch k.Name {
	case fyne.KeyDown:
		c.move(1)
	case fyne.KeyUp:
		c.move(-1)
	case fyne.KeyPageDown:
		c.move(8)
	case fyne.KeyPageUp:
		c.move(-8)
	case fyne.KeyReturn, fyne.KeyEnter:
		u.copySelected()
	case fyne.KeyEscape:
		c.search.SetText("")
		u.win.Canvas().Unfocus()
	default:
		return false
	}
	return true
}

// codeRow shows one account: avatar, issuer, name, code, countdown.
type codeRow struct {
	widget.BaseWidget
	u    *UI
	acct vault.Account

	avatar  *canvas.Image // disc and initials in one image: one draw, not two
	star    *canvas.Image // on the avatar's corner of a favourite
	issuer  *widget.Label
	name    *widget.RichText
	nameSeg *widget.TextSegment
	code    *canvas.Text
	next    *canvas.Text
	track   *canvas.Rectangle
	bar     *canvas.Rectangle
	hover   *canvas.Rectangle // the hover highlight (the row takes the pointer from the list item)
	tap     *tapArea
	advance *widget.Button
	more    *widget.Button
	frac    float32 // countdown fraction left, 0..1
	warn    bool
}

func newCodeRow(u *UI) *codeRow {
	r := &codeRow{u: u,
		avatar:  &canvas.Image{FillMode: canvas.ImageFillStretch},
		issuer:  widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nameSeg: &widget.TextSegment{Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameText}},
		code:    canvas.NewText("", theme.Color(theme.ColorNameForeground)),
		next:    canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder)),
		track:   canvas.NewRectangle(trackColor()),
		bar:     canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)),
		hover:   canvas.NewRectangle(theme.Color(theme.ColorNameHover)),
		star:    canvas.NewImageFromResource(starIcon),
	}
	r.hover.Hide()
	r.star.Hide()
	r.issuer.Truncation = fyne.TextTruncateEllipsis
	r.name = widget.NewRichText(r.nameSeg)
	r.name.Truncation = fyne.TextTruncateEllipsis
	// The bold face is loaded for the issuers anyway (its digits are all
	// one width); a monospace face would cost ~3 MB more to parse.
	r.code.TextStyle = fyne.TextStyle{Bold: true}
	r.code.TextSize = 26
	r.code.Alignment = fyne.TextAlignTrailing
	r.next.TextSize = 12
	r.next.Alignment = fyne.TextAlignTrailing
	r.tap = newTapArea(func() {
		r.u.touch()
		if r.acct.ID != "" {
			r.u.selectID(r.acct.ID)
			r.u.copyCode(r.acct)
		}
	})
	r.advance = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() { r.u.advanceHOTP(r.acct.ID) })
	r.advance.Importance = widget.LowImportance
	r.more = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), nil)
	r.more.Importance = widget.LowImportance
	r.more.OnTapped = func() { r.u.showRowMenu(r.acct.ID, r.more) }
	r.ExtendBaseWidget(r)
	return r
}

// bind shows a (or nothing, for the zero Account).
func (r *codeRow) bind(a vault.Account, now time.Time) {
	r.acct = a
	issuer, name := a.Issuer, a.Name
	if issuer == "" {
		issuer, name = name, ""
	}
	r.issuer.SetText(issuer)
	if r.nameSeg.Text != name {
		r.nameSeg.Text = name
		r.name.Refresh()
	}
	if a.ID == "" {
		r.avatar.Image = nil
		r.avatar.Hide()
	} else {
		px := int(math.Ceil(float64(avatarSize * r.u.win.Canvas().Scale())))
		r.avatar.Image = r.u.brandAvatar(a, px)
		r.avatar.Show()
		r.avatar.Refresh()
	}
	r.star.Hidden = !a.Favorite
	if a.Type == vault.HOTP {
		r.advance.Show()
		r.track.Hide()
		r.bar.Hide()
	} else {
		r.advance.Hide()
		r.track.Show()
		r.bar.Show()
	}
	r.code.Text, r.next.Text = "", ""
	r.tick(now)
	r.Refresh()
}

// tick refreshes only what changed: the code text once a period, the bar
// once a second, the next code in the last 10 seconds. Nothing is computed
// while the window is hidden.
func (r *codeRow) tick(now time.Time) {
	if r.u.hidden {
		return
	}
	next := ""
	code, frac, warn, left := codeAt(r.acct, now)
	if r.acct.ID != "" && len(r.acct.Secret) > 0 {
		if r.acct.Type != vault.HOTP && r.acct.Period > 0 {
			if left <= nextBefore {
				if n, err := r.acct.NextCode(now); err == nil {
					next = "next " + vault.GroupCode(n)
				}
			}
		}
	}
	if code != r.code.Text {
		relayout := len(code) != len(r.code.Text)
		r.code.Text = code
		r.code.Refresh()
		if relayout {
			r.Refresh()
		}
	}
	if next != r.next.Text {
		r.next.Text = next
		r.next.Refresh()
	}
	if warn != r.warn {
		r.warn = warn
		r.bar.FillColor = theme.Color(theme.ColorNamePrimary)
		if warn {
			r.bar.FillColor = theme.Color(theme.ColorNameWarning)
		}
		r.bar.Refresh()
	}
	if frac != r.frac {
		r.frac = frac
		r.layoutBar()
	}
}

// CreateRenderer lays the row out by hand: it is drawn hundreds of times.
func (r *codeRow) CreateRenderer() fyne.WidgetRenderer {
	return &rowRenderer{r: r, objects: []fyne.CanvasObject{r.hover, r.avatar, r.star, r.issuer, r.name,
		r.code, r.next, r.track, r.bar, r.tap, r.advance, r.more}}
}

const (
	rowHeight   = 76
	avatarSize  = 42
	starSize    = 18
	codeWidth   = 150
	rowPad      = 10
	buttonWidth = 36
)

type rowRenderer struct {
	r       *codeRow
	objects []fyne.CanvasObject
}

func (rr *rowRenderer) Layout(size fyne.Size) {
	r := rr.r
	h := size.Height
	r.hover.Resize(size)
	r.avatar.Resize(fyne.NewSize(avatarSize, avatarSize))
	r.avatar.Move(fyne.NewPos(rowPad, (h-avatarSize)/2))
	r.star.Resize(fyne.NewSize(starSize, starSize))
	r.star.Move(fyne.NewPos(rowPad+avatarSize-starSize+4, (h+avatarSize)/2-starSize+4))

	right := size.Width - rowPad
	r.more.Resize(fyne.NewSize(buttonWidth, buttonWidth))
	right -= buttonWidth
	r.more.Move(fyne.NewPos(right, (h-buttonWidth)/2))
	if r.advance.Visible() {
		right -= buttonWidth + 2
		r.advance.Resize(fyne.NewSize(buttonWidth, buttonWidth))
		r.advance.Move(fyne.NewPos(right, (h-buttonWidth)/2))
	}
	right -= 8
	codeX := right - codeWidth
	cs := r.code.MinSize()
	codeY := float32(10)
	if r.acct.Type == vault.HOTP {
		codeY = (h - cs.Height) / 2
	}
	r.code.Move(fyne.NewPos(codeX, codeY))
	r.code.Resize(fyne.NewSize(codeWidth, cs.Height))
	r.tap.Move(fyne.NewPos(codeX, 0))
	r.tap.Resize(fyne.NewSize(codeWidth, h))
	// The countdown runs under the code's digits, right-aligned with them.
	textW := min(cs.Width, codeWidth)
	barY := codeY + cs.Height + 2
	r.track.Move(fyne.NewPos(right-textW+2, barY))
	r.track.Resize(fyne.NewSize(textW-4, 3))
	ns := r.next.MinSize()
	r.next.Move(fyne.NewPos(codeX, barY+6))
	r.next.Resize(fyne.NewSize(codeWidth-2, ns.Height))
	r.layoutBar()

	textX := float32(rowPad + avatarSize + 12)
	textW = max(codeX-textX-4, 0)
	ih := r.issuer.MinSize().Height
	nh := r.name.MinSize().Height
	top := (h - ih - nh + 10) / 2
	r.issuer.Move(fyne.NewPos(textX, top))
	r.issuer.Resize(fyne.NewSize(textW, ih))
	r.name.Move(fyne.NewPos(textX, top+ih-12))
	r.name.Resize(fyne.NewSize(textW, nh))
}

// layoutBar sizes the countdown bar from the track and the fraction left.
func (r *codeRow) layoutBar() {
	w := r.track.Size().Width * r.frac
	r.bar.Move(fyne.NewPos(r.track.Position().X+r.track.Size().Width-w, r.track.Position().Y))
	r.bar.Resize(fyne.NewSize(w, r.track.Size().Height))
}

func (rr *rowRenderer) MinSize() fyne.Size {
	return fyne.NewSize(rowPad*2+avatarSize+8+80+codeWidth+buttonWidth+8, rowHeight)
}

func (rr *rowRenderer) Refresh() {
	r := rr.r
	r.code.Color = theme.Color(theme.ColorNameForeground)
	r.next.Color = theme.Color(theme.ColorNamePlaceHolder)
	r.track.FillColor = trackColor()
	r.hover.FillColor = theme.Color(theme.ColorNameHover)
	r.bar.FillColor = theme.Color(theme.ColorNamePrimary)
	if r.warn {
		r.bar.FillColor = theme.Color(theme.ColorNameWarning)
	}
	rr.Layout(r.Size())
	for _, o := range rr.objects {
		o.Refresh()
	}
}

func (rr *rowRenderer) Objects() []fyne.CanvasObject { return rr.objects }
func (rr *rowRenderer) Destroy()                     {}

// MouseIn highlights the row and counts as activity for the idle auto-lock.
// (Being hoverable, the row takes the pointer from the list item, which would
// otherwise draw the highlight.)
func (r *codeRow) MouseIn(*fynedesktop.MouseEvent) {
	r.u.touch()
	r.hover.Show()
	r.hover.Refresh()
}

// MouseMoved counts as activity for the idle auto-lock.
func (r *codeRow) MouseMoved(*fynedesktop.MouseEvent) { r.u.touch() }

// MouseOut removes the highlight.
func (r *codeRow) MouseOut() {
	r.hover.Hide()
	r.hover.Refresh()
}

// tapArea is an invisible tappable region (the code: click to copy).
type tapArea struct {
	widget.BaseWidget
	onTap func()
}

func newTapArea(f func()) *tapArea {
	t := &tapArea{onTap: f}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped runs the tap action.
func (t *tapArea) Tapped(*fyne.PointEvent) { t.onTap() }

// Cursor shows a pointing hand over the code.
func (t *tapArea) Cursor() fynedesktop.Cursor { return fynedesktop.PointerCursor }

// CreateRenderer draws nothing.
func (t *tapArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(layout.NewSpacer())
}

// trackColor is the countdown's background: the text colour, faint.
func trackColor() color.Color {
	r, g, b, _ := theme.Color(theme.ColorNameForeground).RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0x30}
}

// codeAt is what a row shows of a at now: the grouped code ("error" when it
// cannot be made), the countdown's fraction left, whether it is in its
// warning seconds, and the time left (0 for HOTP). The codes list and the
// quick popup share it.
func codeAt(a vault.Account, now time.Time) (code string, frac float32, warn bool, left time.Duration) {
	if a.ID == "" || len(a.Secret) == 0 {
		return "", 0, false, 0
	}
	if c, err := a.Code(now); err == nil {
		code = vault.GroupCode(c)
	} else {
		code = "error"
	}
	if a.Type != vault.HOTP && a.Period > 0 {
		left = a.Remaining(now)
		frac = float32(left.Seconds() / float64(a.Period))
		warn = left <= warnBefore
	}
	return code, frac, warn, left
}
