package desktop

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
	"authdesk/app/wording"
	"authdesk/vault"
)

// The keychain status, in the one sentence Settings shows.
const (
	keychainOK          = "Opened with your system keychain."
	keychainUnavailable = "The system keychain is not available, so Authdesk asks for your password."
)

// vaultSection is the Vault part of Settings.
type vaultSection struct {
	keychain         *widget.Label
	details          *widget.Accordion // the technical reason, when the keychain is not used
	reason           *widget.Label
	password, backup *widget.Button
	box              *fyne.Container
}

// newVaultSection builds the Vault part of Settings: the keychain status,
// Change password… and Backups….
func (u *UI) newVaultSection() *vaultSection {
	s := &vaultSection{keychain: widget.NewLabel(""), reason: widget.NewLabel("")}
	s.keychain.Wrapping = fyne.TextWrapWord
	s.reason.Wrapping = fyne.TextWrapWord
	s.details = widget.NewAccordion(widget.NewAccordionItem("Details", s.reason))
	s.password = widget.NewButtonWithIcon("Change password…", theme.AccountIcon(), u.showChangePassword)
	s.backup = widget.NewButtonWithIcon("Backups…", theme.HistoryIcon(), u.showBackups)
	s.box = container.NewVBox(sectionHeading("Vault"), s.keychain, s.details,
		container.NewGridWithColumns(2, s.password, s.backup))
	s.update(u.v)
	return s
}

// update shows the keychain status of v.
func (s *vaultSection) update(v *vault.Vault) {
	var err error
	if v != nil {
		err = v.KeychainError()
	}
	if err == nil {
		s.keychain.SetText(keychainOK)
		s.details.Hide()
	} else {
		s.keychain.SetText(keychainUnavailable)
		s.reason.SetText(keychainReason(err))
		s.details.Show()
	}
	if v == nil {
		s.password.Disable()
		s.backup.Disable()
	}
}

// keychainReason is the technical reason behind the Details expander.
func keychainReason(err error) string {
	msg := err.Error()
	if msg == "" {
		return "unknown"
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

// passwordDialog changes the vault password.
type passwordDialog struct {
	current, next, repeat *dialogEntry
	errLabel, status      *widget.Label
	progress              busyBar
	change, cancel        *widget.Button
	d                     *dialog.CustomDialog
}

// showChangePassword asks for the current and a new password and retires
// the old one (vault.Vault.ChangePassword), off the UI goroutine.
func (u *UI) showChangePassword() {
	if u.v == nil || u.settingsUI == nil {
		return
	}
	p := &passwordDialog{current: newDialogEntry(true), next: newDialogEntry(true),
		repeat: newDialogEntry(true), errLabel: widget.NewLabel(""), status: widget.NewLabel(""),
		progress: newBusyBar()}
	u.settingsUI.password = p
	p.current.SetPlaceHolder("Current password")
	p.next.SetPlaceHolder(fmt.Sprintf("New password (%d characters or more)", vault.MinPasswordLen))
	p.repeat.SetPlaceHolder("Repeat the new password")
	p.errLabel.Importance = widget.DangerImportance
	p.errLabel.Wrapping = fyne.TextWrapWord
	p.errLabel.Hide()
	p.status.Wrapping = fyne.TextWrapWord
	p.status.Hide()
	p.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), nil)
	p.change = widget.NewButtonWithIcon("Change password", theme.ConfirmIcon(), u.changePassword)
	p.change.Importance = widget.HighImportance
	p.repeat.OnSubmitted = func(string) { u.changePassword() }
	help := dimText("The old password stops opening the vault and every backup: Authdesk makes a new key and re-encrypts them.", true)
	content := container.New(&dialogs.Width{W: 400}, container.NewVBox(
		p.current, p.next, p.repeat, help, p.errLabel, p.status, p.progress.box))
	p.d = dialogs.NewCustom("Change password", content, []fyne.CanvasObject{p.cancel, p.change}, u.win)
	p.cancel.OnTapped = p.d.Hide
	p.d.Show()
	u.win.Canvas().Focus(p.current)
}

func (u *UI) changePassword() {
	p := u.settingsUI.password
	if p == nil || p.change.Disabled() {
		return
	}
	fail := func(msg string) {
		p.errLabel.SetText(msg)
		p.errLabel.Show()
		p.d.Resize(p.d.MinSize())
	}
	switch {
	case p.current.Text == "":
		fail("Enter your current password.")
		return
	case vault.CheckPassword([]byte(p.next.Text)) != nil:
		fail(fmt.Sprintf("Choose a new password of at least %d characters.", vault.MinPasswordLen))
		return
	case p.next.Text != p.repeat.Text:
		fail("The two new passwords differ: type the same password twice.")
		return
	}
	p.errLabel.Hide()
	for _, w := range []fyne.Disableable{p.current, p.next, p.repeat, p.change, p.cancel} {
		w.Disable()
	}
	p.status.SetText("Checking the current password…")
	p.status.Show()
	p.progress.Show()
	p.d.Resize(p.d.MinSize())
	v, cur, next := u.v, []byte(p.current.Text), []byte(p.next.Text)
	type result struct {
		res vault.PasswordChange
		err error
	}
	background(u, func() result {
		// The key derivations take seconds: each step is shown as it starts.
		res, err := v.ChangePassword(cur, next, func(step string) {
			onUI(func() { p.status.SetText(step + "…") })
		})
		return result{res, err}
	}, func(r result) {
		p.progress.Hide()
		p.status.Hide()
		for _, w := range []fyne.Disableable{p.current, p.next, p.repeat, p.change, p.cancel} {
			w.Enable()
		}
		switch {
		case errors.Is(r.err, vault.ErrWrongPassword):
			p.current.SetText("")
			fail("The current password is wrong. Nothing was changed.")
			u.win.Canvas().Focus(p.current)
			return
		case r.err != nil:
			fail(fmt.Sprintf("Could not change the password: %v. The old password still opens the vault.", r.err))
			return
		}
		p.d.Hide()
		u.settingsUI.vault.update(v)
		msg := "Password changed. The old password opens nothing any more"
		if n := len(r.res.Reencrypted); n > 0 {
			msg += fmt.Sprintf(" (%d %s re-encrypted)", n, wording.Plural(n, "backup", "backups"))
		}
		// A message to read, not to miss: a dialog, not a passing toast.
		notes := []string{msg + "."}
		if len(r.res.Removed) > 0 {
			notes = append(notes, fmt.Sprintf("Removed, because they are damaged and the old password still opened them: %s.", baseNames(r.res.Removed)))
		}
		if len(r.res.Kept) > 0 {
			kept := make([]string, len(r.res.Kept))
			for i, k := range r.res.Kept {
				kept[i] = filepath.Base(k.Path) + " (" + k.Reason + ")"
			}
			notes = append(notes, fmt.Sprintf("Kept as they were, because the old password does not open them: %s.", strings.Join(kept, ", ")))
		}
		u.showInfo("Password changed", strings.Join(notes, "\n\n"))
	})
}

func baseNames(paths []string) string {
	names := make([]string, len(paths))
	for i, f := range paths {
		names[i] = filepath.Base(f)
	}
	return strings.Join(names, ", ")
}

// backupsDialog lists the backups.
type backupsDialog struct {
	list    []vault.BackupInfo
	rows    *fyne.Container
	restore []*widget.Button // one per row of list
	d       *dialog.CustomDialog
	confirm *dialog.ConfirmDialog // the last restore confirmation, for tests
}

// showBackups lists the vault's backups with their date and account count;
// each can be restored after a confirmation.
func (u *UI) showBackups() {
	if u.v == nil || u.settingsUI == nil {
		return
	}
	b := &backupsDialog{rows: container.NewVBox()}
	u.settingsUI.backups = b
	closeB := widget.NewButton("Close", nil)
	b.d = dialogs.NewCustom("Backups", container.New(&dialogs.Width{W: 440}, container.NewVBox(
		dimText("Authdesk keeps the last ten versions of your vault. Restoring one sets the current file aside beside the vault; nothing is deleted.", true),
		b.rows)), []fyne.CanvasObject{closeB}, u.win)
	closeB.OnTapped = b.d.Hide
	u.loadBackups(b)
	b.d.Show()
}

// loadBackups reads the backup list off the UI goroutine into b.
func (u *UI) loadBackups(b *backupsDialog) {
	v := u.v
	type result struct {
		list []vault.BackupInfo
		err  error
	}
	background(u, func() result {
		l, err := v.ListBackups()
		return result{l, err}
	}, func(r result) {
		b.rows.RemoveAll()
		b.list, b.restore = r.list, nil
		switch {
		case r.err != nil:
			b.rows.Add(wrapped(fmt.Sprintf("Could not list the backups: %v", r.err)))
		case len(r.list) == 0:
			b.rows.Add(wrapped("No backups yet: Authdesk makes one each time the vault changes."))
		}
		for _, bi := range r.list {
			when := "unknown date"
			if !bi.Time.IsZero() {
				when = bi.Time.In(u.cfg.now().Location()).Format("2 Jan 2006 15:04:05")
			}
			what := fmt.Sprintf("%d %s", bi.Accounts, wording.Plural(bi.Accounts, "account", "accounts"))
			if bi.Accounts < 0 {
				what = "does not open with this vault's key"
			}
			btn := widget.NewButton("Restore…", func() { u.confirmRestore(b, bi, when) })
			if bi.Accounts < 0 {
				btn.Disable()
			}
			b.restore = append(b.restore, btn)
			b.rows.Add(container.NewBorder(nil, nil, nil, btn, widget.NewLabel(when+" — "+what)))
		}
		b.d.Resize(b.d.MinSize())
	})
}

// confirmRestore asks before restoring bi, then restores it as
// authdesk-cli restore does.
func (u *UI) confirmRestore(b *backupsDialog, bi vault.BackupInfo, when string) {
	msg := fmt.Sprintf("Your vault goes back to how it was on %s (%d %s). Accounts added or changed since then are not in it. The current file is kept beside the vault, so this can be undone.",
		when, bi.Accounts, wording.Plural(bi.Accounts, "account", "accounts"))
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Restore this backup?", "Restore", "Cancel", container.New(&dialogs.Width{W: 380}, l), func(ok bool) {
		if ok {
			u.restoreBackup(b, bi.Path)
		}
	}, u.win)
	b.confirm = d
	d.Show()
}

func (u *UI) restoreBackup(b *backupsDialog, path string) {
	v := u.v
	type result struct {
		kept string
		err  error
	}
	background(u, func() result {
		kept, err := v.Restore(path)
		return result{kept, err}
	}, func(r result) {
		if r.err != nil {
			u.showError("Could not restore the backup", r.err)
			return
		}
		if u.state == stateCodes && u.v == v {
			u.list.reload("")
		}
		u.loadBackups(b)
		msg := "Backup restored."
		if r.kept != "" {
			msg += " The previous file is kept as " + filepath.Base(r.kept) + "."
		}
		u.frame.toast.show(msg, u)
	})
}
