package desktop

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	fynedesktop "fyne.io/fyne/v2/driver/desktop"
	"fyne.io/systray"

	"authdesk/app/desktop/trayhost"
	"authdesk/app/wording"
	"authdesk/vault"
)

// The system tray's quick-copy menu. Unlocked, it holds "Quick access…",
// the favourites (at most 10), the recent accounts (at most 5), "All
// accounts" grouped by the issuer's initial, then Show, Lock and Quit; a
// click copies the account's code of that moment. Locked, it holds only
// "Unlock…" and Quit: no account names. The tray host (a StatusNotifierItem
// with its dbusmenu on Linux) gets a new menu only when what it shows
// changes: the accounts, the favourites, the recent ones, the lock state;
// never at a tick.

// trayMenu is the tray's menu and what it was built from.
type trayMenu struct {
	set func(*fyne.Menu) // the desktop's SetSystemTrayMenu; nil: no tray
	// menu is the one menu the tray is ever given, its items replaced at
	// each change: Fyne's tray, once its D-Bus item is ready, shows again
	// the menu it was first given, which would otherwise be a stale one.
	menu   *fyne.Menu
	shown  string // the key of the menu the tray shows
	builds int    // menus handed to the tray, for tests
	host   trayhost.Status
}

// Labels of the tray menu's fixed items.
const (
	trayQuick  = "Quick access…"
	trayAll    = "All accounts"
	trayShow   = "Show"
	trayLock   = "Lock"
	trayUnlock = "Unlock…"
	trayQuit   = "Quit"
	trayFavs   = "Favourites"
	trayRecent = "Recent"
)

// installTray adds the system tray menu where the desktop has one. Where
// it has none, closing the window quits: hidden, it could not come back.
func (u *UI) installTray() {
	if u.cfg.trayHost == nil {
		u.cfg.trayHost = trayhost.Check
	}
	u.tray.host = u.cfg.trayHost()
	u.win.SetCloseIntercept(u.closeWindow)
	desk, ok := u.app.(fynedesktop.App)
	if !ok || !u.tray.host.Available {
		return
	}
	u.tray.set = desk.SetSystemTrayMenu
	u.updateTray()
	desk.SetSystemTrayIcon(Icon)
	// A left click opens quick access; the menu stays on the right click.
	systray.SetOnTapped(func() { onUI(u.openQuick) })
}

// closeWindow is the window's close button: the window goes and the tray
// keeps Authdesk running, or, with no tray, Authdesk quits.
func (u *UI) closeWindow() {
	if !u.tray.host.Available {
		u.quitApp()
		return
	}
	u.win.Close()
}

// vaultChanged is called on the UI goroutine after v was saved or reloaded
// (nil: the vault was locked); the tray follows.
func (u *UI) vaultChanged(v *vault.Vault) {
	if v == u.v {
		u.updateTray()
	}
}

// updateTray hands the tray a new menu if what it shows changed.
func (u *UI) updateTray() {
	t := &u.tray
	if t.set == nil {
		return
	}
	var accts []vault.Account
	open := u.state == stateCodes && u.v != nil
	if open {
		accts = u.v.Accounts()
	}
	key := trayKey(open, accts)
	if key == t.shown && t.builds > 0 {
		return
	}
	t.shown = key
	t.builds++
	m := u.trayLockedMenu()
	if open {
		m = u.trayOpenMenu(accts)
	}
	wipe(accts)
	if t.menu == nil {
		t.menu = m
	} else {
		t.menu.Items = m.Items
	}
	t.set(t.menu)
}

// trayKey sums up what the menu shows: the lock state and, for each
// account, its ID, title, star and place among the recent ones.
func trayKey(open bool, accts []vault.Account) string {
	if !open {
		return "locked"
	}
	var b strings.Builder
	recent := vault.Recent(accts, vault.MaxQuickRecent)
	for _, a := range accts {
		b.WriteString(a.ID + "\x00" + a.Title() + "\x00")
		if a.Favorite {
			b.WriteString("*")
		}
		if i := slices.IndexFunc(recent, func(r vault.Account) bool { return r.ID == a.ID }); i >= 0 {
			b.WriteByte(byte('0' + i))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func (u *UI) trayLockedMenu() *fyne.Menu {
	return fyne.NewMenu(Title,
		fyne.NewMenuItem(trayUnlock, u.showWindow),
		fyne.NewMenuItemSeparator(),
		u.trayQuitItem())
}

func (u *UI) trayOpenMenu(accts []vault.Account) *fyne.Menu {
	items := []*fyne.MenuItem{fyne.NewMenuItem(trayQuick, u.openQuick)}
	section := func(title string, list []vault.Account) {
		if len(list) == 0 {
			return
		}
		head := fyne.NewMenuItem(title, nil)
		head.Disabled = true
		items = append(items, fyne.NewMenuItemSeparator(), head)
		for _, a := range list {
			items = append(items, u.trayAccountItem(a))
		}
	}
	favs := vault.Favorites(accts)
	section(trayFavs, favs[:min(len(favs), vault.MaxQuickFavorites)])
	section(trayRecent, vault.Recent(accts, vault.MaxQuickRecent))
	items = append(items, fyne.NewMenuItemSeparator())
	if len(accts) > 0 {
		all := fyne.NewMenuItem(trayAll, nil)
		all.ChildMenu = fyne.NewMenu(trayAll, u.trayGroups(accts)...)
		items = append(items, all)
	}
	items = append(items,
		fyne.NewMenuItem(trayShow, u.showWindow),
		fyne.NewMenuItem(trayLock, u.lock),
		fyne.NewMenuItemSeparator(),
		u.trayQuitItem())
	return fyne.NewMenu(Title, items...)
}

// trayGroups lists accts by the initial of their title, a submenu per
// letter, in alphabetical order (digits and symbols under "#").
func (u *UI) trayGroups(accts []vault.Account) []*fyne.MenuItem {
	sorted := slices.Clone(accts)
	slices.SortStableFunc(sorted, func(a, b vault.Account) int {
		return strings.Compare(strings.ToLower(a.Title()), strings.ToLower(b.Title()))
	})
	var items []*fyne.MenuItem
	var cur *fyne.MenuItem
	for _, a := range sorted {
		g := initialGroup(a)
		if cur == nil || cur.Label != g {
			cur = fyne.NewMenuItem(g, nil)
			cur.ChildMenu = fyne.NewMenu(g)
			items = append(items, cur)
		}
		cur.ChildMenu.Items = append(cur.ChildMenu.Items, u.trayAccountItem(a))
	}
	return items
}

// initialGroup is the "All accounts" submenu an account is listed under.
func initialGroup(a vault.Account) string {
	if r, _ := utf8.DecodeRuneInString(a.Title()); unicode.IsLetter(r) {
		return string(unicode.ToUpper(r))
	}
	return "#"
}

// trayAccountItem copies a's code at the moment of the click.
func (u *UI) trayAccountItem(a vault.Account) *fyne.MenuItem {
	id, title := a.ID, a.Title()
	return fyne.NewMenuItem(title, func() { u.trayCopy(id) })
}

// trayCopy copies the current code of the account with that ID, as a click
// in the list does (the clipboard clears after the usual delay), and says
// so in a desktop notification that names the account, never the code.
func (u *UI) trayCopy(id string) {
	if u.state != stateCodes || u.v == nil {
		return
	}
	a, ok := u.v.Account(id)
	if !ok {
		return
	}
	defer wipe([]vault.Account{a})
	if a.Type == vault.HOTP {
		u.advanceHOTP(id)
	} else {
		u.copyCode(a)
	}
	n := fyne.NewNotification("Code copied", a.Title()+": the code is on the clipboard.")
	if d := u.prefs.ClipboardClear(); d > 0 {
		secs := int(d.Seconds())
		n.Content = fmt.Sprintf("%s: the code is on the clipboard for %d %s.", a.Title(), secs, wording.Plural(secs, "second", "seconds"))
	}
	// Notify is a D-Bus call that can wait on a slow daemon.
	app := u.app
	u.cfg.spawn(func() { app.SendNotification(n) })
}

// showWindow brings the main window to the front.
func (u *UI) showWindow() {
	u.win.Show()
	u.win.RequestFocus()
	u.setShown(true)
}

// trayQuitItem is Quit, with its action set: the tray takes a menu's
// actions when it builds it, before Fyne would fill in a Quit of its own.
func (u *UI) trayQuitItem() *fyne.MenuItem {
	q := fyne.NewMenuItem(trayQuit, u.app.Quit)
	q.IsQuit = true
	return q
}

// wipe zeroes the secrets of accounts copied out of the vault.
func wipe(accts []vault.Account) {
	for i := range accts {
		clear(accts[i].Secret)
	}
}
