package desktop

import (
	"fyne.io/fyne/v2"
	fynedesktop "fyne.io/fyne/v2/driver/desktop"
	"fyne.io/systray"
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
	// A left click opens quick access; the menu stays on the right click.
	systray.SetOnTapped(func() { onUI(u.openQuick) })
}
