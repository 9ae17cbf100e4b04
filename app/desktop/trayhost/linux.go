//go:build linux || freebsd || openbsd || netbsd

package trayhost

import (
	"fmt"

	"github.com/godbus/dbus/v5"
)

// Check asks the session bus for a tray host.
func Check() Status {
	conn, err := dbus.ConnectSessionBus() // private: closing it leaves the shared one alone
	if err != nil {
		return Status{Reason: fmt.Sprintf("No system tray: the session bus cannot be reached (%v).", err)}
	}
	defer conn.Close()
	return CheckOn(conn)
}

// CheckOn asks conn's bus for a tray host.
func CheckOn(conn *dbus.Conn) Status {
	var has bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, Watcher).Store(&has); err != nil {
		return Status{Reason: fmt.Sprintf("No system tray: the session bus did not answer (%v).", err)}
	}
	if !has {
		return Status{Reason: "No system tray is running (nothing provides " + Watcher + " on the session bus; on GNOME, the AppIndicator extension does)."}
	}
	return Status{Available: true}
}
