package desktop

import (
	"sync"

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

// quitSignal is closed when the app stops (the window closed, the tray's
// Quit): the goroutines that wait on something else watch it.
type quitSignal struct {
	once *sync.Once
	ch   chan struct{}
}

// newQuitSignal makes an open signal.
func newQuitSignal() quitSignal { return quitSignal{once: &sync.Once{}, ch: make(chan struct{})} }

// fire closes the signal; later calls do nothing.
func (q quitSignal) fire() { q.once.Do(func() { close(q.ch) }) }

// done is closed once fire was called.
func (q quitSignal) done() <-chan struct{} { return q.ch }
