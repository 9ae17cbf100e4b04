package desktop

import (
	"fyne.io/fyne/v2"
)

// Quit (Ctrl+Q, and the menu's last item) ends Authdesk whether or not a
// tray holds it: without a tray there is no other way out but closing
// the window.

// quitApp stops the app: the window, the workbench and the tray go.
func (u *UI) quitApp() {
	u.touch()
	if u.tester != nil {
		u.tester.Close()
	}
	u.app.Quit()
}

// installQuit binds Ctrl+Q on the main window; it works under dialogs too.
func (u *UI) installQuit() {
	u.win.Canvas().AddShortcut(customShortcut(fyne.KeyQ), func(fyne.Shortcut) { u.quitApp() })
}

// withShortcut shows Ctrl+k beside a menu item (the window binds it).
func withShortcut(it *fyne.MenuItem, k fyne.KeyName) *fyne.MenuItem {
	it.Shortcut = customShortcut(k)
	return it
}
