package desktop

import (
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
	"authdesk/vault"
)

// securitySection is the Security part of Settings: the quick-unlock PIN.
type securitySection struct {
	status      *widget.Label
	set, remove *widget.Button
	box         *fyne.Container
	pin         *pinDialog // Set PIN…, while shown
}

// pinDialog asks for a new PIN twice.
type pinDialog struct {
	pin, repeat *dialogEntry
	errLabel    *widget.Label
	save        *widget.Button
	d           *dialog.CustomDialog
}

func (u *UI) newSecuritySection() *securitySection {
	s := &securitySection{status: widget.NewLabel("")}
	s.status.Wrapping = fyne.TextWrapWord
	s.set = widget.NewButtonWithIcon("Set PIN…", theme.LoginIcon(), u.showSetPIN)
	s.remove = widget.NewButtonWithIcon("Remove PIN", theme.DeleteIcon(), u.removePIN)
	s.box = container.NewVBox(sectionHeading("Security"), s.status, container.NewGridWithColumns(2, s.set, s.remove))
	s.update(u.v)
	return s
}

// update shows whether v has a PIN.
func (s *securitySection) update(v *vault.Vault) {
	switch {
	case v == nil:
		s.set.Disable()
		s.remove.Disable()
		return
	case v.HasPIN() && v.KeychainError() != nil:
		s.status.SetText("A PIN is set, but it cannot unlock while the system keychain is not available.")
	case v.HasPIN():
		s.status.SetText("After the auto-lock, your PIN or your password unlocks. Three wrong PINs require the password.")
	default:
		s.status.SetText("Set a PIN of 4 to 10 digits to unlock quickly after the auto-lock; your password always works too.")
	}
	s.set.SetText("Set PIN…")
	if v.HasPIN() {
		s.set.SetText("Change PIN…")
		s.remove.Enable()
	} else {
		s.remove.Disable()
	}
}

// showSetPIN asks for the new PIN twice and saves its hash in the vault.
func (u *UI) showSetPIN() {
	if u.v == nil || u.settingsUI == nil || u.settingsUI.security == nil {
		return
	}
	p := &pinDialog{pin: newDialogEntry(true), repeat: newDialogEntry(true), errLabel: widget.NewLabel("")}
	u.settingsUI.security.pin = p
	p.pin.SetPlaceHolder("New PIN (4 to 10 digits)")
	p.repeat.SetPlaceHolder("Repeat the PIN")
	p.errLabel.Importance = widget.DangerImportance
	p.errLabel.Wrapping = fyne.TextWrapWord
	p.errLabel.Hide()
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), nil)
	p.save = widget.NewButtonWithIcon("Set PIN", theme.ConfirmIcon(), u.savePIN)
	p.save.Importance = widget.HighImportance
	p.repeat.OnSubmitted = func(string) { u.savePIN() }
	help := dimText("The PIN unlocks only on this computer, with the key in your system keychain. Anyone who can read your keychain does not need it.", true)
	content := container.New(&dialogs.Width{W: 360}, container.NewVBox(p.pin, p.repeat, help, p.errLabel))
	p.d = dialogs.NewCustom("Quick-unlock PIN", content, []fyne.CanvasObject{cancel, p.save}, u.win)
	cancel.OnTapped = p.d.Hide
	p.d.Show()
	u.win.Canvas().Focus(p.pin)
}

func (u *UI) savePIN() {
	s := u.settingsUI.security
	p := s.pin
	if p == nil || p.save.Disabled() {
		return
	}
	fail := func(msg string) {
		p.errLabel.SetText(msg)
		p.errLabel.Show()
	}
	if err := vault.ValidatePIN(p.pin.Text); err != nil {
		fail(capitalised(err.Error()) + ".")
		return
	}
	if p.pin.Text != p.repeat.Text {
		fail("The two PINs differ.")
		return
	}
	v, pin := u.v, p.pin.Text
	p.save.Disable()
	background(u, func() error { return v.SetPIN(pin) }, func(err error) {
		p.save.Enable()
		if err != nil {
			fail(capitalised(err.Error()) + ".")
			return
		}
		p.d.Hide()
		s.update(v)
		u.frame.toast.show("PIN set", u)
	})
}

func (u *UI) removePIN() {
	s := u.settingsUI.security
	v := u.v
	if v == nil {
		return
	}
	background(u, func() error { return v.RemovePIN() }, func(err error) {
		if err != nil {
			u.showError("Could not remove the PIN", err)
			return
		}
		s.update(v)
		u.frame.toast.show("PIN removed", u)
	})
}

// capitalised is s with its first letter in capitals.
func capitalised(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
