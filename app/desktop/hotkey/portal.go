//go:build linux || freebsd || openbsd || netbsd

package hotkey

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

// AppID is Authdesk's application ID, as in its .desktop file
// (io.authdesk.app.desktop); the portal names the shortcut's owner by it.
const AppID = "io.authdesk.app"

const (
	portalName = "org.freedesktop.portal.Desktop"
	portalPath = dbus.ObjectPath("/org/freedesktop/portal/desktop")
	gsIface    = "org.freedesktop.portal.GlobalShortcuts"
	shortcutID = "quick"
)

// portalTimeout bounds each portal request, which may wait for the user
// to confirm the shortcut in a desktop dialog.
var portalTimeout = 2 * time.Minute

// portalGrab is a shortcut bound through the GlobalShortcuts portal.
type portalGrab struct {
	conn    *dbus.Conn
	session dbus.ObjectPath
	trigger string
}

// registerPortal binds s through org.freedesktop.portal.GlobalShortcuts on
// a session-bus connection of its own, after registering the host app ID.
func registerPortal(s Shortcut, fire func()) (Listener, error) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return nil, fmt.Errorf("%w (no session bus: DBUS_SESSION_BUS_ADDRESS is unset)", ErrNoPortal)
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("%w (session bus: %v)", ErrNoPortal, err)
	}
	g, err := bindPortal(conn, s, fire)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return g, nil
}

func bindPortal(conn *dbus.Conn, s Shortcut, fire func()) (*portalGrab, error) {
	desk := conn.Object(portalName, portalPath)
	// xdg-desktop-portal ≥ 1.19 learns a host (unsandboxed) app's ID this
	// way, before any other portal call; older ones lack the method.
	_ = desk.Call("org.freedesktop.host.portal.Registry.Register", 0, AppID, map[string]dbus.Variant{}).Err
	if _, err := desk.GetProperty(gsIface + ".version"); err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNoPortal, err)
	}
	signals := make(chan *dbus.Signal, 16)
	conn.Signal(signals)
	for _, m := range [][]dbus.MatchOption{
		{dbus.WithMatchInterface("org.freedesktop.portal.Request"), dbus.WithMatchMember("Response")},
		{dbus.WithMatchInterface(gsIface), dbus.WithMatchMember("Activated")},
	} {
		if err := conn.AddMatchSignal(m...); err != nil {
			return nil, fmt.Errorf("subscribe to the portal's signals: %w", err)
		}
	}
	res, err := portalRequest(conn, signals, func(opts map[string]dbus.Variant) *dbus.Call {
		opts["session_handle_token"] = dbus.MakeVariant(token())
		return desk.Call(gsIface+".CreateSession", 0, opts)
	})
	if err != nil {
		return nil, fmt.Errorf("GlobalShortcuts.CreateSession: %w", err)
	}
	g := &portalGrab{conn: conn, session: objectPath(res["session_handle"])}
	if g.session == "" {
		return nil, errors.New("GlobalShortcuts.CreateSession: the portal gave no session")
	}
	type shortcut struct {
		ID   string
		Opts map[string]dbus.Variant
	}
	want := []shortcut{{shortcutID, map[string]dbus.Variant{
		"description":       dbus.MakeVariant("Open Authdesk quick access"),
		"preferred_trigger": dbus.MakeVariant(xdgTrigger(s)),
	}}}
	res, err = portalRequest(conn, signals, func(opts map[string]dbus.Variant) *dbus.Call {
		return desk.Call(gsIface+".BindShortcuts", 0, g.session, want, "", opts)
	})
	if err != nil {
		g.Close()
		return nil, fmt.Errorf("GlobalShortcuts.BindShortcuts: %w", err)
	}
	g.trigger = boundTrigger(res["shortcuts"])
	go g.listen(signals, fire)
	return g, nil
}

// listen fires at each Activated signal of the session's shortcut; it ends
// when the connection closes.
func (g *portalGrab) listen(signals <-chan *dbus.Signal, fire func()) {
	for sig := range signals {
		if sig.Name != gsIface+".Activated" || len(sig.Body) < 2 {
			continue
		}
		id, _ := sig.Body[1].(string)
		if objectPath(dbus.MakeVariant(sig.Body[0])) == g.session && id == shortcutID {
			fire()
		}
	}
}

// Trigger is what the desktop bound, as it describes it.
func (g *portalGrab) Trigger() string { return g.trigger }

// Close ends the portal session, which releases the shortcut.
func (g *portalGrab) Close() error {
	_ = g.conn.Object(portalName, g.session).Call("org.freedesktop.portal.Session.Close", 0).Err
	return g.conn.Close()
}

// portalRequest makes a portal call that answers through a Request object's
// Response signal and returns the response's results.
func portalRequest(conn *dbus.Conn, signals <-chan *dbus.Signal, call func(map[string]dbus.Variant) *dbus.Call) (map[string]dbus.Variant, error) {
	tok := token()
	names := conn.Names()
	if len(names) == 0 {
		return nil, errors.New("no unique name on the session bus")
	}
	sender := strings.ReplaceAll(strings.TrimPrefix(names[0], ":"), ".", "_")
	want := dbus.ObjectPath("/org/freedesktop/portal/desktop/request/" + sender + "/" + tok)
	var handle dbus.ObjectPath
	if err := call(map[string]dbus.Variant{"handle_token": dbus.MakeVariant(tok)}).Store(&handle); err != nil {
		return nil, err
	}
	timer := time.NewTimer(portalTimeout)
	defer timer.Stop()
	for {
		select {
		case <-timer.C:
			return nil, fmt.Errorf("no answer from the portal in %v", portalTimeout)
		case sig, ok := <-signals:
			if !ok {
				return nil, errors.New("session bus closed")
			}
			if sig.Name == "org.freedesktop.portal.Request.Response" && (sig.Path == want || sig.Path == handle) {
				return portalResponse(sig.Body)
			}
		}
	}
}

// portalResponse reads a Response signal's body: 0 is success, 1 the user
// cancelled, anything else the portal refused.
func portalResponse(body []any) (map[string]dbus.Variant, error) {
	if len(body) != 2 {
		return nil, errors.New("malformed portal response")
	}
	code, _ := body[0].(uint32)
	results, _ := body[1].(map[string]dbus.Variant)
	switch code {
	case 0:
		return results, nil
	case 1:
		return nil, fmt.Errorf("%w: the user cancelled (response 1)", ErrRefused)
	}
	return nil, fmt.Errorf("%w (response %d)", ErrRefused, code)
}

// objectPath reads a session handle, which portals send as an object path
// or a string.
func objectPath(v dbus.Variant) dbus.ObjectPath {
	switch p := v.Value().(type) {
	case dbus.ObjectPath:
		return p
	case string:
		return dbus.ObjectPath(p)
	}
	return ""
}

// boundTrigger reads the trigger_description of our shortcut from
// BindShortcuts' results (a(sa{sv})).
func boundTrigger(v dbus.Variant) string {
	list, _ := v.Value().([][]any)
	for _, s := range list {
		if len(s) != 2 {
			continue
		}
		id, _ := s[0].(string)
		opts, _ := s[1].(map[string]dbus.Variant)
		if d, ok := opts["trigger_description"].Value().(string); ok && id == shortcutID {
			return d
		}
	}
	return ""
}

// xdgTrigger writes s as the XDG shortcuts specification does ("CTRL+ALT+a").
func xdgTrigger(s Shortcut) string {
	var parts []string
	for _, m := range []struct {
		m    Modifier
		name string
	}{{Ctrl, "CTRL"}, {Alt, "ALT"}, {Shift, "SHIFT"}, {Super, "LOGO"}} {
		if s.Mods&m.m != 0 {
			parts = append(parts, m.name)
		}
	}
	key := strings.ToLower(s.Key)
	if strings.HasPrefix(s.Key, "F") {
		key = s.Key
	}
	return strings.Join(append(parts, key), "+")
}

func token() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "authdesk_" + hex.EncodeToString(b[:])
}
