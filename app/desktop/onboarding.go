package desktop

import (
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/vault"
)

// showMessage shows a centred message, with a spinner while busy.
func (u *UI) showMessage(msg string, busy bool) {
	l := widget.NewLabel(msg)
	l.Alignment = fyne.TextAlignCenter
	l.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{l}
	if busy {
		objs = append(objs, widget.NewProgressBarInfinite())
	}
	u.setScreen(centred(container.NewVBox(objs...)))
}

// gate is the way into the vault: the first-run setup screen, the unlock
// screen and the PIN that unlocks after the auto-lock.
type gate struct {
	setup  *setupScreen
	unlock *unlockScreen
	pin    unlocker
}

// pinEnabled reports whether the unlock screen offers the PIN.
func (g *gate) pinEnabled() bool { return g.pin.available() }

// setupScreen creates the vault on first run.
type setupScreen struct {
	password, confirm *widget.Entry
	errLabel          *widget.Label
	create            *widget.Button
	progress          busyBar
	join              *joinScreen // the vault of a synced folder (syncjoin.go)
}

func (u *UI) showSetup() {
	u.state = stateSetup
	s := &setupScreen{password: widget.NewPasswordEntry(), confirm: widget.NewPasswordEntry(),
		errLabel: widget.NewLabel(""), progress: newBusyBar()}
	u.gate.setup = s
	s.password.SetPlaceHolder(fmt.Sprintf("Recovery password (%d characters or more)", vault.MinPasswordLen))
	s.confirm.SetPlaceHolder("Repeat the password")
	s.errLabel.Importance = widget.DangerImportance
	s.errLabel.Wrapping = fyne.TextWrapWord
	s.errLabel.Hide()
	s.create = widget.NewButtonWithIcon("Create vault", theme.ConfirmIcon(), u.createVault)
	s.create.Importance = widget.HighImportance
	s.confirm.OnSubmitted = func(string) { u.createVault() }
	u.setScreen(centred(container.NewVBox(
		container.NewCenter(logo()),
		heading("Welcome to Authdesk"),
		wrapped("Your accounts are encrypted with a key that Authdesk keeps in your system keychain, so it opens without asking for anything."),
		wrapped("The password below is your recovery: it unlocks the vault if the keychain is unavailable or after you lock Authdesk."),
		s.password, s.confirm, s.errLabel, s.progress.box, s.create,
		widget.NewSeparator(), wrapped("Already use Authdesk on another computer, with a synced folder?"), u.joinButton(),
	)))
	u.win.Canvas().Focus(s.password)
}

// setupFail shows msg under the setup screen's passwords.
func (u *UI) setupFail(msg string) {
	s := u.gate.setup
	s.errLabel.SetText(msg)
	s.errLabel.Show()
	u.frame.screen.Refresh()
}

func (u *UI) createVault() {
	s := u.gate.setup
	fail := u.setupFail
	switch pw := s.password.Text; {
	case vault.CheckPassword([]byte(pw)) != nil:
		fail(fmt.Sprintf("Choose a password of at least %d characters.", vault.MinPasswordLen))
		return
	case pw != s.confirm.Text:
		fail("The two passwords differ: type the same password twice.")
		return
	}
	s.errLabel.Hide()
	s.create.Disable()
	s.progress.Show()
	pw := []byte(s.password.Text)
	background(u, func() openResult {
		v, err := vault.Create(u.cfg.VaultPath, pw, u.cfg.Options)
		return openResult{v, err}
	}, func(r openResult) {
		s.create.Enable()
		s.progress.Hide()
		if r.err != nil {
			fail(fmt.Sprintf("Could not create the vault: %v", r.err))
			return
		}
		u.showCodes(r.v)
		if err := r.v.KeychainError(); err != nil {
			u.frame.toast.show(fmt.Sprintf("Keychain unavailable: Authdesk will ask for the password next time (%v)", err), u)
		}
	})
}

// unlockScreen asks for the password.
type unlockScreen struct {
	password *widget.Entry
	errLabel *widget.Label
	button   *widget.Button
	progress busyBar
	focused  bool // password's focus is known: seen by idle or given by typing
}

// typed records typing in the password field as activity; the focus that
// typing gives the field is thus no news to idle.
func (s *unlockScreen) typed(u *UI) {
	u.touch()
	s.focused = true
}

// idle runs at every tick: it drops the password field's focus passwordIdle
// after the last activity, to stop the cursor animation. A focus gained
// since the last tick (a click, Tab) counts as activity.
func (s *unlockScreen) idle(u *UI, now time.Time) {
	c := u.win.Canvas()
	focused := c.Focused() == s.password
	if focused && !s.focused {
		u.touch()
	}
	s.focused = focused
	if focused && now.Sub(u.pace.lastUsed) >= passwordIdle {
		// Typing focuses the field again (see installShortcuts, unlockKey).
		c.Unfocus()
		s.focused = false
	}
}

// showUnlock shows the password prompt; why says why it is needed.
func (u *UI) showUnlock(why string) {
	u.state = stateLocked
	s := &unlockScreen{password: widget.NewPasswordEntry(), errLabel: widget.NewLabel(""),
		progress: newBusyBar()}
	u.gate.unlock = s
	s.password.SetPlaceHolder("Password")
	if u.pinEnabled() {
		s.password.SetPlaceHolder("PIN or password")
	}
	s.errLabel.Importance = widget.DangerImportance
	s.errLabel.Wrapping = fyne.TextWrapWord
	s.errLabel.Hide()
	s.button = widget.NewButtonWithIcon("Unlock", theme.LoginIcon(), u.unlockVault)
	s.button.Importance = widget.HighImportance
	s.password.OnSubmitted = func(string) { u.unlockVault() }
	// Typing counts as activity: tick drops the focus passwordIdle after the
	// last change, so the cursor stops blinking (60 fps) while nobody types.
	s.password.OnChanged = func(string) { s.typed(u) }
	if why == "" {
		why = "Enter your Authdesk password to unlock your codes."
	}
	u.setScreen(centred(container.NewVBox(
		container.NewCenter(logo()),
		heading("Authdesk is locked"),
		wrapped(why),
		s.password, s.errLabel, s.progress.box, s.button,
		layout.NewSpacer(),
	)))
	// No focus at rest (a focused entry animates its cursor at 60 fps while
	// nobody is there); typing anywhere goes to the password field.
	u.win.Canvas().Unfocus()
}

// passwordIdle is how long the password field keeps the focus without
// typing; any key typed afterwards focuses it again (see installShortcuts).
const passwordIdle = 5 * time.Second

// unlockKey gives k to the password field, focusing it first, when the
// unlock screen shows and nothing else has the focus; it reports whether it
// did. Keys typed after the field lost its idle focus thus still reach it:
// Backspace edits the password and Enter unlocks.
func (u *UI) unlockKey(k *fyne.KeyEvent) bool {
	if u.state != stateLocked || u.gate.unlock == nil || u.win.Canvas().Overlays().Top() != nil {
		return false
	}
	e := u.gate.unlock.password
	if e.Disabled() {
		return false
	}
	u.gate.unlock.typed(u)
	u.win.Canvas().Focus(e)
	e.TypedKey(k)
	return true
}

// unlockVault runs the slow password KDF off the UI goroutine.
func (u *UI) unlockVault() {
	s := u.gate.unlock
	if s.password.Text == "" {
		s.errLabel.SetText("Enter your password.")
		s.errLabel.Show()
		u.frame.screen.Refresh()
		return
	}
	s.errLabel.Hide()
	s.button.Disable()
	s.password.Disable()
	s.progress.Show()
	u.unlockWithSecret(s.password.Text, func(err error) {
		s.button.Enable()
		s.password.Enable()
		s.progress.Hide()
		if err == nil {
			return
		}
		if !u.pinEnabled() {
			s.password.SetPlaceHolder("Password")
		}
		s.errLabel.SetText(err.Error())
		s.errLabel.Show()
		u.frame.screen.Refresh()
		if errors.Is(err, vault.ErrWrongPassword) || errors.Is(err, vault.ErrWrongPIN) || errors.Is(err, errPINTooMany) {
			s.password.SetText("")
			u.win.Canvas().Focus(s.password)
		}
	})
}
