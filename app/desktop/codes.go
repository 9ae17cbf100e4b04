package desktop

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	fynedesktop "fyne.io/fyne/v2/driver/desktop"
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
	u.startup.codesShown(u.cfg, len(c.accounts))
}

// startupCues tells the process, once, that the codes are on screen:
// Config.Trace's line and, two seconds later, Config.Settled.
type startupCues struct{ traced, settled bool }

// codesShown gives the cues that are still due, for n accounts on screen.
func (s *startupCues) codesShown(cfg Config, n int) {
	if !s.settled && cfg.Settled != nil {
		s.settled = true
		cfg.afterFunc(2*time.Second, cfg.Settled)
	}
	if cfg.Trace != nil && !s.traced {
		s.traced = true
		onUI(func() { fmt.Fprintf(cfg.Trace, "authdesk: codes shown: %d accounts\n", n) })
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
	if c.u.pace.hidden {
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
	u.pace.hidden = !shown
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
