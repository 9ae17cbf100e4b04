package desktop

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"authdesk/app/desktop/dialogs"
	"authdesk/vault"
	"authdesk/vault/otpauth"
)

// popUpBelow shows m under the button b.
func (u *UI) popUpBelow(m *fyne.Menu, b fyne.CanvasObject) {
	c := u.win.Canvas()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
	widget.ShowPopUpMenuAtPosition(m, c, pos.Add(fyne.NewPos(0, b.Size().Height)))
}

// showMainMenu shows the header menu below b.
func (u *UI) showMainMenu(b fyne.CanvasObject) { u.popUpBelow(u.mainMenu(), b) }

// mainMenu is the header menu: adding, sorting, settings, lock, quit.
func (u *UI) mainMenu() *fyne.Menu {
	sortItem := func(label, mode string) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, func() { u.setSort(mode) })
		it.Checked = u.prefs.Sort() == mode
		return it
	}
	m := fyne.NewMenu("",
		withShortcut(fyne.NewMenuItem("Add account…", u.showAddChooser), fyne.KeyN),
		withShortcut(fyne.NewMenuItem("Import from file…", u.importFile), fyne.KeyI),
		fyne.NewMenuItem("Export…", u.showExportAll),
		fyne.NewMenuItem("Transfer to phone…", u.showTransfer),
		fyne.NewMenuItemSeparator(),
		sortItem("Manual order", sortManual),
		sortItem("Sort by name", sortName),
		sortItem("Recently added first", sortRecent),
		fyne.NewMenuItemSeparator(),
		withShortcut(fyne.NewMenuItem("Platform simulator…", u.showPlatform), fyne.KeyP),
		fyne.NewMenuItem("Settings…", u.showSettings),
		withShortcut(fyne.NewMenuItem("Lock", u.lock), fyne.KeyL),
		fyne.NewMenuItemSeparator(),
		withShortcut(fyne.NewMenuItem("Quit", u.quitApp), fyne.KeyQ),
	)
	return m
}

// setSort changes the list order and remembers it.
func (u *UI) setSort(mode string) {
	u.prefs.SetSort(mode)
	if u.state == stateCodes {
		sel, _ := u.list.Selected()
		u.list.reload(sel.ID)
	}
}

// showRowMenu shows an account's actions.
func (u *UI) showRowMenu(id string, b fyne.CanvasObject) {
	a, ok := u.v.Account(id)
	if !ok {
		return
	}
	u.selectID(id)
	items := []*fyne.MenuItem{fyne.NewMenuItem("Copy code", func() { u.copyCode(a) }),
		fyne.NewMenuItem(favoriteLabel(a), func() { u.toggleFavorite(id) })}
	if a.Type == vault.HOTP {
		items = append(items, fyne.NewMenuItem("Next code", func() { u.advanceHOTP(id) }))
	}
	items = append(items,
		fyne.NewMenuItem("Edit…", func() { u.showEdit(id) }),
		fyne.NewMenuItem("Change icon…", func() { u.showBrandPicker(id) }),
		fyne.NewMenuItem("Show QR code…", func() { u.showExport(id) }))
	if u.prefs.Sort() == sortManual && u.list.search.Text == "" {
		items = append(items, fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Move up", func() { u.moveBy(id, -1) }),
			fyne.NewMenuItem("Move down", func() { u.moveBy(id, 1) }))
	}
	items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem("Delete…", func() { u.confirmDelete(id) }))
	u.popUpBelow(fyne.NewMenu("", items...), b)
}

// moveBy moves an account delta places in the manual order, as the list
// shows it (favourites first): it takes the place of its neighbour in the
// vault's order, and stays among the favourites or among the others.
func (u *UI) moveBy(id string, delta int) {
	shown := u.list.accounts
	i := slices.IndexFunc(shown, func(a vault.Account) bool { return a.ID == id })
	j := min(max(i+delta, 0), len(shown)-1)
	if i < 0 || j == i || !sameGroup(shown[i], shown[j]) {
		return
	}
	all := u.v.Accounts()
	to := slices.IndexFunc(all, func(a vault.Account) bool { return a.ID == shown[j].ID })
	if to < 0 {
		return
	}
	u.mutate("Could not move the account", id, func(v *vault.Vault) error { return v.Move(id, to) })
}

// mutate saves a vault change off the UI goroutine, then reloads the list
// selecting selectID.
func (u *UI) mutate(what, selectID string, f func(*vault.Vault) error) {
	v := u.v
	background(u, func() error { return f(v) }, func(err error) {
		if err != nil {
			u.showError(what, err)
			return
		}
		if u.state == stateCodes && u.v == v {
			u.list.reload(selectID)
		}
	})
}

// showEdit edits an account's issuer, name, tags and note.
func (u *UI) showEdit(id string) {
	a, ok := u.v.Account(id)
	if !ok {
		return
	}
	issuer, name, tags, note := newDialogEntry(false), newDialogEntry(false), newDialogEntry(false), newDialogMultiLineEntry()
	issuer.SetText(a.Issuer)
	name.SetText(a.Name)
	tags.SetText(strings.Join(a.Tags, ", "))
	tags.SetPlaceHolder("work, personal")
	note.SetText(a.Note)
	note.SetMinRowsVisible(3)
	items := []*widget.FormItem{
		widget.NewFormItem("Issuer", issuer), widget.NewFormItem("Account", name),
		widget.NewFormItem("Tags", tags), widget.NewFormItem("Note", note),
	}
	u.edit = &editDialog{issuer: issuer, name: name, tags: tags, note: note}
	d := dialog.NewForm("Edit "+a.Title(), "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		a.Issuer, a.Name, a.Note = strings.TrimSpace(issuer.Text), strings.TrimSpace(name.Text), note.Text
		a.Tags = splitTags(tags.Text)
		u.mutate("Could not save the account", id, func(v *vault.Vault) error { return v.Update(a) })
	}, u.win)
	dialogs.ReleaseFocus(d, issuer, name, tags, note)
	d.Resize(fyne.NewSize(460, 0))
	d.Show()
}

// editDialog holds the edit form's entries, for tests.
type editDialog struct{ issuer, name, tags, note *dialogEntry }

// splitTags splits "a, b,,c" into [a b c].
func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// confirmDelete deletes an account after asking.
func (u *UI) confirmDelete(id string) {
	a, ok := u.v.Account(id)
	if !ok {
		return
	}
	d := dialogs.NewConfirm("Delete "+a.Title()+"?",
		"Its key is removed from Authdesk. Make sure you can still sign in to this account (another authenticator, or the site's recovery codes) or turn off two-step sign-in first.",
		func(ok bool) {
			if !ok {
				return
			}
			next := ""
			if c := u.list; c.selected+1 < len(c.shown) {
				next = c.accounts[c.shown[c.selected+1]].ID
			}
			u.mutate("Could not delete the account", next, func(v *vault.Vault) error { return v.Remove(id) })
		}, u.win)
	d.SetConfirmText("Delete")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// showExport shows an account's QR code and otpauth URI, after a warning.
func (u *UI) showExport(id string) {
	a, ok := u.v.Account(id)
	if !ok {
		return
	}
	d := dialogs.NewConfirm("Show the secret of "+a.Title()+"?",
		"The QR code lets any phone or camera that sees it generate your codes. Show it only to move this account to another authenticator, with nobody watching.",
		func(ok bool) {
			if ok {
				u.showQR(a)
			}
		}, u.win)
	d.SetConfirmText("Show QR code")
	d.Show()
}

func (u *UI) showQR(a vault.Account) {
	u.exported = a.ID
	uri := otpauth.Format(a)
	png, err := qrcode.Encode(uri, qrcode.Medium, 512)
	if err != nil {
		u.showError("Could not draw the QR code", fmt.Errorf("encode QR code: %w", err))
		return
	}
	img := canvas.NewImageFromResource(fyne.NewStaticResource("qr.png", png))
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSize(280, 280))
	text := widget.NewEntry()
	text.SetText(uri)
	text.Wrapping = fyne.TextWrapBreak
	text.MultiLine = true
	text.SetMinRowsVisible(3)
	help := widget.NewLabel("Scan this with your phone's authenticator app, or copy the link.")
	help.Wrapping = fyne.TextWrapWord
	dialog.NewCustom(a.Title(), "Done", container.New(&dialogs.Width{W: 420},
		container.NewVBox(container.NewCenter(img), help, text)), u.win).Show()
}
