package desktop

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"authdesk/app/desktop/hotkey"
	"authdesk/app/desktop/instance"
)

// globalKey is the global shortcut that opens the quick popup, and what
// Settings says about it.
type globalKey struct {
	l      hotkey.Listener
	state  keyState
	status string // a sentence for Settings
	gen    int    // numbers registrations, so that only the last one counts
	onDone func() // Settings' refresh, while it shows
}

// keyState is what became of the global shortcut.
type keyState int

const (
	keyPending keyState = iota // being registered
	keyBound                   // the shortcut opens quick access
	keyTaken                   // another program holds the keys (X11 BadAccess, Windows)
	keyByHand                  // no portal, or it refused: the user binds the command
	keyOff                     // the user chose no global shortcut
)

// startShortcut registers the saved shortcut (default Ctrl+Alt+A) off the
// UI goroutine (the Wayland portal may ask the user), replacing the one
// registered before; the result reaches Settings through fyne.Do.
func (u *UI) startShortcut() {
	if u.quick.key == nil {
		u.quick.key = &globalKey{}
		go func() {
			<-u.quit.done()
			onUI(u.stopShortcut)
		}()
	}
	k := u.quick.key
	if k.l != nil {
		_ = k.l.Close()
		k.l = nil
	}
	k.gen++
	gen := k.gen
	if u.prefs.QuickShortcut() == "" {
		k.state, k.status = keyOff, "No global shortcut: quick access opens from the tray, or with this command bound to a key in your desktop's keyboard settings:"
		if k.onDone != nil {
			k.onDone()
		}
		return
	}
	s, err := hotkey.Parse(u.prefs.QuickShortcut())
	if err != nil {
		s = hotkey.Default
	}
	k.state, k.status = keyPending, fmt.Sprintf("Setting up %s…", s)
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
	k := u.quick.key
	select {
	case <-u.quit.done():
		gen = -1
	default:
	}
	if gen != k.gen {
		if l != nil {
			_ = l.Close()
		}
		return
	}
	k.l = l
	k.state, k.status = shortcutStatus(s, l, err)
	if k.onDone != nil {
		k.onDone()
	}
}

// stopShortcut releases the shortcut (on quit).
func (u *UI) stopShortcut() {
	if k := u.quick.key; k != nil {
		k.gen++
		if k.l != nil {
			_ = k.l.Close()
			k.l = nil
		}
	}
}

// shortcutStatus is what Settings says about a registration. Where
// Authdesk cannot register it, Settings shows the command to bind below.
func shortcutStatus(s hotkey.Shortcut, l hotkey.Listener, err error) (keyState, string) {
	const bind = "Bind this command to a key in your desktop's keyboard settings instead:"
	switch {
	case err == nil && !sameKeys(l.Trigger(), s):
		return keyBound, fmt.Sprintf("The desktop opens quick access with %s.", l.Trigger())
	case err == nil:
		return keyBound, fmt.Sprintf("%s opens quick access from any program.", s)
	case errors.Is(err, hotkey.ErrTaken):
		return keyTaken, fmt.Sprintf("Another program already uses %s. Choose another shortcut, or free it in that program.", s)
	case errors.Is(err, hotkey.ErrNoPortal):
		return keyByHand, "The desktop's GlobalShortcuts portal is unavailable, so Authdesk cannot set a global shortcut. " + bind
	case errors.Is(err, hotkey.ErrRefused):
		return keyByHand, "The desktop's GlobalShortcuts portal refused the shortcut, or it was cancelled in the desktop's dialog. " + bind
	case errors.Is(err, hotkey.ErrUnsupported):
		if r := unsupportedReason(err); r != "" {
			return keyByHand, fmt.Sprintf("This desktop does not let Authdesk set a global shortcut (%s). %s", r, bind)
		}
		return keyByHand, "This desktop does not let Authdesk set a global shortcut. " + bind
	}
	return keyByHand, fmt.Sprintf("Could not set %s: %v. %s", s, err, bind)
}

// unsupportedReason is why err is hotkey.ErrUnsupported ("no X display,
// DISPLAY is unset"), without the sentinel's own words; "" if it says none.
func unsupportedReason(err error) string {
	r := err.Error()
	for _, sep := range []string{": ", "\n"} {
		r = strings.TrimSuffix(r, sep+hotkey.ErrUnsupported.Error())
	}
	if r == hotkey.ErrUnsupported.Error() {
		return ""
	}
	return r
}

// sameKeys reports whether the keys a desktop bound, as it describes them
// ("CTRL+ALT+a" from a portal; empty: it did not say), are s.
func sameKeys(trigger string, s hotkey.Shortcut) bool {
	t, err := hotkey.Parse(trigger)
	return trigger == "" || err == nil && t == s
}

// quickCommand is the command that opens quick access on this window's
// vault: authdesk --quick, with --vault unless it is the default vault
// (where --quick goes on its own).
func (u *UI) quickCommand() string {
	if u.cfg.VaultPath == "" {
		return hotkey.Command
	}
	r, err := instance.NewRequest(u.cfg.VaultPath, instance.Quick, os.Getenv)
	if err != nil || r.Default {
		return hotkey.Command
	}
	return hotkey.Command + " --vault " + shellQuote(r.Vault)
}

// shellQuote writes a path as a desktop's keyboard settings read a command
// (a shell's words on Unix, the command line on Windows).
func shellQuote(p string) string {
	if runtime.GOOS == "windows" {
		return `"` + p + `"`
	}
	plain := strings.IndexFunc(p, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+,:=@%", r))
	}) < 0
	if plain && p != "" {
		return p
	}
	return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
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
			case <-u.quit.done():
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
