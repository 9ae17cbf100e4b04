package desktop

import (
	"errors"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/wording"
	"authdesk/vault"
	"authdesk/vault/replica"
)

// joinScreen is the first run's other way in: the vault that another
// computer keeps in a synced folder (Settings → Sync there), joined with its
// password once. The key then lives in this computer's keychain, and the
// folder stays synced.
type joinScreen struct {
	dir, replica string
	password     *widget.Entry
	errLabel     *widget.Label
	join         *widget.Button
	progress     busyBar
}

// joinButton is the setup screen's "Join a synced vault…".
func (u *UI) joinButton() *widget.Button {
	b := widget.NewButtonWithIcon("Join a vault from a synced folder…", theme.FolderOpenIcon(), func() {
		d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
			if err == nil && dir != nil {
				u.joinFolder(dir.Path())
			}
		}, u.win)
		d.Resize(fyne.NewSize(540, 600))
		d.Show()
	})
	b.Importance = widget.LowImportance
	return b
}

// joinFolder looks for the one replica in dir, off the UI goroutine, and
// asks for its password; the setup screen says why when there is none.
func (u *UI) joinFolder(dir string) {
	type found struct {
		replica string
		err     error
	}
	background(u, func() found {
		if err := replica.CheckDir(dir, u.cfg.VaultPath); err != nil {
			return found{err: err}
		}
		names, err := replica.Find(dir)
		switch {
		case err != nil:
			return found{err: err}
		case len(names) == 0:
			return found{err: fmt.Errorf("%s holds no Authdesk vault: choose Settings → Sync → Choose folder… on the computer that has it first, and let the folder arrive here", dir)}
		case len(names) > 1:
			return found{err: fmt.Errorf("%s holds %d Authdesk vaults: keep one vault per synced folder", dir, len(names))}
		}
		return found{replica: names[0]}
	}, func(r found) {
		if u.state != stateSetup {
			return
		}
		if r.err != nil {
			u.setupFail(syncSentence(r.err.Error()))
			return
		}
		u.showJoin(dir, r.replica)
	})
}

// showJoin asks for the password of the vault in dir.
func (u *UI) showJoin(dir, rep string) {
	s := &joinScreen{dir: dir, replica: rep, password: widget.NewPasswordEntry(),
		errLabel: widget.NewLabel(""), progress: newBusyBar()}
	u.gate.setup.join = s
	s.password.SetPlaceHolder("The vault's password")
	s.errLabel.Importance = widget.DangerImportance
	s.errLabel.Wrapping = fyne.TextWrapWord
	s.errLabel.Hide()
	s.join = widget.NewButtonWithIcon("Join", theme.LoginIcon(), u.joinVault)
	s.join.Importance = widget.HighImportance
	s.password.OnSubmitted = func(string) { u.joinVault() }
	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), u.showSetup)
	back.Importance = widget.LowImportance
	u.setScreen(centred(container.NewVBox(
		container.NewCenter(logo()),
		heading("Join a synced vault"),
		wrapped(fmt.Sprintf("Another computer keeps its vault in %s. Type that vault's password once: Authdesk copies the vault here, keeps its key in this computer's keychain, and keeps both in step through the folder.", dir)),
		s.password, s.errLabel, s.progress.box, s.join, back,
	)))
	u.win.Canvas().Focus(s.password)
}

// joinVault makes the local vault from the replica, then syncs with the
// folder from now on.
func (u *UI) joinVault() {
	s := u.gate.setup.join
	if s.password.Text == "" {
		u.joinFail("Type the password of the vault you are joining.")
		return
	}
	s.errLabel.Hide()
	s.join.Disable()
	s.progress.Show()
	pw := []byte(s.password.Text)
	background(u, func() openResult {
		if _, err := vault.SecureDir(filepath.Dir(u.cfg.VaultPath)); err != nil {
			return openResult{nil, err}
		}
		v, err := vault.Join(u.cfg.VaultPath, s.replica, pw, u.cfg.Options)
		return openResult{v, err}
	}, func(r openResult) {
		s.join.Enable()
		s.progress.Hide()
		switch {
		case errors.Is(r.err, vault.ErrWrongPassword):
			u.joinFail("Wrong password for the vault in this folder: it is the password you chose on the other computer.")
			return
		case r.err != nil:
			u.joinFail(fmt.Sprintf("Could not join the vault: %v", r.err))
			return
		}
		u.prefs.SetSyncFolder(r.v.ID(), s.dir)
		u.showCodes(r.v)
		u.frame.toast.show(fmt.Sprintf("Joined the synced vault: %s", wording.Count(len(r.v.Accounts()), "account", "accounts")), u)
		if err := r.v.KeychainError(); err != nil {
			u.frame.toast.show(fmt.Sprintf("Keychain unavailable: Authdesk will ask for the password next time (%v)", err), u)
		}
	})
}

// joinFail shows msg under the join screen's password.
func (u *UI) joinFail(msg string) {
	s := u.gate.setup.join
	s.errLabel.SetText(msg)
	s.errLabel.Show()
	u.frame.screen.Refresh()
}
