package desktop

import (
	"authdesk/app/desktop/instance"
	"errors"
	"fmt"

	"authdesk/app/desktop/hotkey"
)

// globalKey is the global shortcut that opens the quick popup, and what
// Settings says about it.
type globalKey struct {
	l      hotkey.Listener
	status string // a sentence for Settings
	ok     bool   // the shortcut is registered
	gen    int    // numbers registrations, so that only the last one counts
	onDone func() // Settings' refresh, while it shows
}

// startShortcut registers the saved shortcut (default Ctrl+Alt+A) off the
// UI goroutine (the Wayland portal may ask the user), replacing the one
// registered before; the result reaches Settings through fyne.Do.
func (u *UI) startShortcut() {
	if u.shortcut == nil {
		u.shortcut = &globalKey{}
		go func() {
			<-u.quit
			onUI(u.stopShortcut)
		}()
	}
	k := u.shortcut
	if k.l != nil {
		_ = k.l.Close()
		k.l = nil
	}
	k.gen++
	gen := k.gen
	s, err := hotkey.Parse(u.prefs.QuickShortcut())
	if err != nil {
		s = hotkey.Default
	}
	k.ok, k.status = false, fmt.Sprintf("Setting up %s…", s)
	register := u.cfg.registerKey
	if register == nil {
		register = hotkey.Register
	}
	fire := func() { onUI(u.openQuick) }
	type result struct {
		l   hotkey.Listener
		err error
	}
	background(u, func() result {
		l, err := register(s, fire)
		return result{l, err}
	}, func(r result) { u.shortcutDone(gen, s, r.l, r.err) })
}

// shortcutDone records a registration's outcome.
func (u *UI) shortcutDone(gen int, s hotkey.Shortcut, l hotkey.Listener, err error) {
	k := u.shortcut
	select {
	case <-u.quit:
		gen = -1
	default:
	}
	if gen != k.gen {
		if l != nil {
			_ = l.Close()
		}
		return
	}
	k.l, k.ok, k.status = l, err == nil, shortcutStatus(s, l, err)
	if k.onDone != nil {
		k.onDone()
	}
}

// stopShortcut releases the shortcut (on quit).
func (u *UI) stopShortcut() {
	if k := u.shortcut; k != nil {
		k.gen++
		if k.l != nil {
			_ = k.l.Close()
			k.l = nil
		}
	}
}

// shortcutStatus is what Settings says about a registration.
func shortcutStatus(s hotkey.Shortcut, l hotkey.Listener, err error) string {
	bind := "Bind this command to a key in your desktop's keyboard settings instead: " + hotkey.Command
	switch {
	case err == nil && l.Trigger() != "" && l.Trigger() != s.String():
		return fmt.Sprintf("The desktop opens quick access with %s.", l.Trigger())
	case err == nil:
		return fmt.Sprintf("%s opens quick access from any program.", s)
	case errors.Is(err, hotkey.ErrTaken):
		return fmt.Sprintf("Another program already uses %s. Choose another shortcut, or free it in that program.", s)
	case errors.Is(err, hotkey.ErrRefused):
		return fmt.Sprintf("The desktop declined the shortcut (%v). %s", err, bind)
	case errors.Is(err, hotkey.ErrUnsupported):
		return fmt.Sprintf("This desktop does not let Authdesk set a global shortcut (%v). %s", err, bind)
	}
	return fmt.Sprintf("Could not set %s: %v. %s", s, err, bind)
}

// raise shows the main window and gives it the keyboard.
func (u *UI) raise() {
	u.win.Show()
	u.win.RequestFocus()
	u.setShown(true)
}

// serveRequests opens the popup asked for at start and acts on what other
// authdesk processes ask for (see package instance).
func (u *UI) serveRequests() {
	if u.cfg.Quick {
		u.openQuick()
	}
	if u.cfg.Requests == nil {
		return
	}
	go func() {
		for {
			select {
			case <-u.quit:
				return
			case a := <-u.cfg.Requests:
				onUI(func() {
					if a == instance.Quick {
						u.openQuick()
					} else {
						u.raise()
					}
				})
			}
		}
	}()
}
