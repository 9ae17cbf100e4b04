// Package hotkey registers a system-wide keyboard shortcut: the one that
// opens Authdesk's quick-access popup from any program.
//
// Register grabs a Shortcut with the system's own mechanism: key grabs on
// the X11 root window (with the NumLock and CapsLock variants, grabbed
// again when the keymap changes), RegisterHotKey on Windows, Carbon's
// RegisterEventHotKey on macOS (cgo), and on Wayland the
// org.freedesktop.portal.GlobalShortcuts portal, where the desktop asks the
// user and may bind another key. A shortcut another program holds gives
// ErrTaken; a desktop with no way to do it gives ErrUnsupported, and the
// user binds Command in the desktop's own keyboard settings instead.
// Waiting for the key costs nothing: a goroutine blocked on the system.
package hotkey

import (
	"errors"
	"fmt"
	"strings"
)

// Command is what to bind in a desktop's keyboard settings where Authdesk
// cannot register the shortcut itself.
const Command = "authdesk --quick"

// Default is the default shortcut, Ctrl+Alt+A.
var Default = Shortcut{Mods: Ctrl | Alt, Key: "A"}

// Modifier is a set of modifier keys.
type Modifier uint8

// The modifiers. Super is the Windows key (Cmd on macOS).
const (
	Ctrl Modifier = 1 << iota
	Alt
	Shift
	Super
)

// Shortcut is modifiers and one key: a letter A–Z, a digit 0–9, F1–F12 or
// Space.
type Shortcut struct {
	Mods Modifier
	Key  string
}

// Errors callers branch on.
var (
	// ErrTaken: another program holds the shortcut.
	ErrTaken = errors.New("another program already uses this shortcut")
	// ErrUnsupported: this desktop gives programs no global shortcuts.
	ErrUnsupported = errors.New("this desktop does not let programs register global shortcuts")
	// ErrRefused: the desktop (its portal) or the user declined.
	ErrRefused = errors.New("the desktop declined the shortcut")
	// ErrNoPortal: on Wayland, the GlobalShortcuts portal is missing (no
	// session bus, no portal, or one without GlobalShortcuts). It is also
	// ErrUnsupported.
	ErrNoPortal = fmt.Errorf("the desktop's GlobalShortcuts portal is unavailable: %w", ErrUnsupported)
)

var modNames = []struct {
	m     Modifier
	name  string
	alias []string
}{
	{Ctrl, "Ctrl", []string{"ctrl", "control"}},
	{Alt, "Alt", []string{"alt", "option", "opt"}},
	{Shift, "Shift", []string{"shift"}},
	{Super, "Super", []string{"super", "win", "windows", "cmd", "command", "meta", "logo"}},
}

// Parse reads a shortcut written like "Ctrl+Alt+A" (case and spaces do
// not matter). It needs Ctrl, Alt or Super, so that it cannot steal typing.
func Parse(s string) (Shortcut, error) {
	parts := strings.Split(strings.ReplaceAll(s, " ", ""), "+")
	var sc Shortcut
	for i, p := range parts {
		lp := strings.ToLower(p)
		if i == len(parts)-1 {
			k, ok := keyName(lp)
			if !ok {
				return Shortcut{}, fmt.Errorf("shortcut %q: %q is not a key Authdesk can use (A–Z, 0–9, F1–F12, Space)", s, p)
			}
			sc.Key = k
			break
		}
		found := false
		for _, mn := range modNames {
			for _, a := range mn.alias {
				if lp == a {
					sc.Mods |= mn.m
					found = true
				}
			}
		}
		if !found {
			return Shortcut{}, fmt.Errorf("shortcut %q: %q is not a modifier (Ctrl, Alt, Shift, Super)", s, p)
		}
	}
	if sc.Mods&(Ctrl|Alt|Super) == 0 {
		return Shortcut{}, fmt.Errorf("shortcut %q: add Ctrl, Alt or Super, or it would take the key from every program", s)
	}
	return sc, nil
}

// keyName is the canonical name of a key ("a" → "A", "f5" → "F5").
func keyName(k string) (string, bool) {
	switch {
	case len(k) == 1 && (k[0] >= 'a' && k[0] <= 'z' || k[0] >= '0' && k[0] <= '9'):
		return strings.ToUpper(k), true
	case k == "space":
		return "Space", true
	case len(k) >= 2 && len(k) <= 3 && k[0] == 'f':
		var n int
		if _, err := fmt.Sscanf(k[1:], "%d", &n); err == nil && n >= 1 && n <= 12 && fmt.Sprint(n) == k[1:] {
			return "F" + k[1:], true
		}
	}
	return "", false
}

// String writes s as Parse reads it: "Ctrl+Alt+A".
func (s Shortcut) String() string {
	var b strings.Builder
	for _, mn := range modNames {
		if s.Mods&mn.m != 0 {
			b.WriteString(mn.name + "+")
		}
	}
	b.WriteString(s.Key)
	return b.String()
}

// Listener is a registered shortcut.
type Listener interface {
	// Trigger says which keys the system bound: the shortcut, or on
	// Wayland whatever the user chose in the desktop's dialog.
	Trigger() string
	// Close releases the shortcut.
	Close() error
}
