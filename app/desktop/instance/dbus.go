//go:build linux || freebsd || openbsd || netbsd

package instance

import (
	"fmt"
	"os"
	"strings"

	"github.com/godbus/dbus/v5"
)

const (
	objPath = dbus.ObjectPath("/io/authdesk/app")
	appIf   = "org.freedesktop.Application"
)

// Start claims r's vault, or hands r's action to the instance that holds
// it (handed: this process is done). Without a session bus it claims
// nothing and returns a nil Server: Authdesk then runs on its own.
func Start(r Request) (s *Server, handed bool, err error) {
	conn, err := sessionBus()
	if err != nil {
		return nil, false, nil
	}
	s, handed, err = start(conn, r)
	if s == nil {
		conn.Close()
	}
	return s, handed, err
}

// sessionBus connects to the session bus if there is one; it never
// launches one.
func sessionBus() (*dbus.Conn, error) {
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return nil, err
	}
	if err := conn.Auth(nil); err != nil {
		conn.Close()
		return nil, err
	}
	if err := conn.Hello(); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

func start(conn *dbus.Conn, r Request) (*Server, bool, error) {
	if r.Action == Quick && !r.Explicit {
		if target := quickTarget(conn); target != "" && send(conn, target, Quick) == nil {
			return nil, true, nil
		}
	}
	name := busName(r.Vault)
	for range 2 {
		reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
		if err != nil {
			return nil, false, fmt.Errorf("request bus name %s: %w", name, err)
		}
		if reply == dbus.RequestNameReplyPrimaryOwner {
			return serve(conn, r)
		}
		if err := send(conn, name, r.Action); err == nil {
			return nil, true, nil
		}
		// The owner went away meanwhile: try to take the name again.
	}
	return nil, false, fmt.Errorf("another Authdesk holds %s but does not answer", r.Vault)
}

// busName is the vault's own bus name.
func busName(vaultPath string) string { return AppID + ".v" + vaultID(vaultPath) }

// quickTarget is the instance --quick goes to: the default vault's, else
// the only one running, else none.
func quickTarget(conn *dbus.Conn) string {
	var has bool
	if conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, AppID).Store(&has) == nil && has {
		return AppID
	}
	var names []string
	if conn.BusObject().Call("org.freedesktop.DBus.ListNames", 0).Store(&names) != nil {
		return ""
	}
	var ours []string
	for _, n := range names {
		if strings.HasPrefix(n, AppID+".v") {
			ours = append(ours, n)
		}
	}
	if len(ours) == 1 {
		return ours[0]
	}
	return ""
}

// send asks the owner of name to do a.
func send(conn *dbus.Conn, name string, a Action) error {
	obj := conn.Object(name, objPath)
	noData := map[string]dbus.Variant{}
	if a == Quick {
		return obj.Call(appIf+".ActivateAction", 0, string(Quick), []dbus.Variant{}, noData).Err
	}
	return obj.Call(appIf+".Activate", 0, noData).Err
}

// serve exports org.freedesktop.Application for the vault's name (and the
// well-known name for the default vault).
func serve(conn *dbus.Conn, r Request) (*Server, bool, error) {
	s := newServer()
	app := &application{conn: conn, s: s, uid: uint32(os.Getuid())}
	if err := conn.Export(app, objPath, appIf); err != nil {
		return nil, false, fmt.Errorf("export %s: %w", appIf, err)
	}
	if r.Default {
		// Held by a default vault's instance already (a moment ago it was
		// not running, or it is another path to the same file): ours is
		// still reachable by its vault's name.
		_, _ = conn.RequestName(AppID, dbus.NameFlagDoNotQueue)
	}
	s.close = func() { conn.Close() }
	return s, false, nil
}

// application is org.freedesktop.Application on the bus.
type application struct {
	conn *dbus.Conn
	s    *Server
	uid  uint32
}

// sameUser refuses callers of another user: the session bus is the user's,
// but a bus can be configured to admit others.
func (a *application) sameUser(sender dbus.Sender) *dbus.Error {
	var uid uint32
	err := a.conn.BusObject().Call("org.freedesktop.DBus.GetConnectionUnixUser", 0, string(sender)).Store(&uid)
	if err != nil || uid != a.uid {
		return dbus.NewError("org.freedesktop.DBus.Error.AccessDenied", []any{"Authdesk answers only its own user"})
	}
	return nil
}

// Activate shows the main window.
func (a *application) Activate(sender dbus.Sender, _ map[string]dbus.Variant) *dbus.Error {
	if err := a.sameUser(sender); err != nil {
		return err
	}
	a.s.deliver(Activate)
	return nil
}

// Open shows the main window (Authdesk opens no files this way).
func (a *application) Open(sender dbus.Sender, _ []string, _ map[string]dbus.Variant) *dbus.Error {
	return a.Activate(sender, nil)
}

// ActivateAction runs an action: "quick" opens the quick popup.
func (a *application) ActivateAction(sender dbus.Sender, name string, _ []dbus.Variant, _ map[string]dbus.Variant) *dbus.Error {
	if err := a.sameUser(sender); err != nil {
		return err
	}
	switch Action(name) {
	case Quick:
		a.s.deliver(Quick)
	case Activate:
		a.s.deliver(Activate)
	default:
		return dbus.NewError("org.freedesktop.DBus.Error.InvalidArgs", []any{"unknown action " + name})
	}
	return nil
}
