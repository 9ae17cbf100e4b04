package desktop

import (
	"fyne.io/fyne/v2"
	fynedesktop "fyne.io/fyne/v2/driver/desktop"

	"authdesk/vault"
)

// installTray adds the system tray menu where the desktop has one.
func (u *UI) installTray() {
	desk, ok := u.app.(fynedesktop.App)
	if !ok {
		return
	}
	show := func() { u.win.Show(); u.win.RequestFocus(); u.setShown(true) }
	desk.SetSystemTrayMenu(fyne.NewMenu(Title,
		fyne.NewMenuItem("Show", show),
		fyne.NewMenuItem("Lock", u.lock),
	))
	desk.SetSystemTrayIcon(Icon)
}

// vaultChanged is called on the UI goroutine after v was saved or reloaded.
func (u *UI) vaultChanged(v *vault.Vault) {}
