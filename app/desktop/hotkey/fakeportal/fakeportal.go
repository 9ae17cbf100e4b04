// Package fakeportal is an org.freedesktop.portal.GlobalShortcuts portal on
// a private session bus, for tests: it answers CreateSession and
// BindShortcuts through Request.Response signals as xdg-desktop-portal
// does, records the calls it gets in order, and emits Activated on demand.
// It needs the dbus-daemon program.
package fakeportal

import (
	"strings"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"

	"authdesk/internal/testbus"
)

const (
	name   = "org.freedesktop.portal.Desktop"
	path   = dbus.ObjectPath("/org/freedesktop/portal/desktop")
	gsIf   = "org.freedesktop.portal.GlobalShortcuts"
	regIf  = "org.freedesktop.host.portal.Registry"
	propIf = "org.freedesktop.DBus.Properties"
)

// StartBus runs a private session bus (dbus-daemon) for the test and
// returns its address; the test skips where dbus-daemon is missing, unless
// AUTHDESK_REQUIRE_DESKTOP=1 makes it fail.
func StartBus(t testing.TB) string {
	t.Helper()
	return testbus.Start(t, testbus.Options{})
}

// Config is how the portal answers.
type Config struct {
	// NoShortcuts leaves out the GlobalShortcuts interface: the portal has
	// only the host registry, as older xdg-desktop-portals.
	NoShortcuts bool
	// BindResponse is the Response code BindShortcuts answers with: 0
	// binds, 1 is the user cancelling, 2 the portal refusing.
	BindResponse uint32
	// Trigger is the trigger_description the portal reports for a bound
	// shortcut; empty: the preferred trigger it was asked for.
	Trigger string
}

// Portal is the fake portal.
type Portal struct {
	cfg  Config
	conn *dbus.Conn
	mu   sync.Mutex
	log  []string
	sess dbus.ObjectPath
	pref string
}

// Start serves a portal named org.freedesktop.portal.Desktop on the bus at
// addr, answering as cfg says.
func Start(t testing.TB, addr string, cfg Config) *Portal {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect to %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	p := &Portal{cfg: cfg, conn: conn}
	if err := conn.Export(registry{p}, path, regIf); err != nil {
		t.Fatal(err)
	}
	if err := conn.Export(props{p, !cfg.NoShortcuts}, path, propIf); err != nil {
		t.Fatal(err)
	}
	if !cfg.NoShortcuts {
		if err := conn.Export(shortcutsIf{p}, path, gsIf); err != nil {
			t.Fatal(err)
		}
	}
	if reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v (reply %d)", name, err, reply)
	}
	return p
}

// Calls lists the calls the portal got, in order, as "Method arg".
func (p *Portal) Calls() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.log...)
}

// Preferred is the preferred_trigger BindShortcuts asked for.
func (p *Portal) Preferred() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pref
}

// Activate emits Activated for shortcut id of the last session, as the
// desktop does when the user presses the bound keys.
func (p *Portal) Activate(id string) error {
	p.mu.Lock()
	sess := p.sess
	p.mu.Unlock()
	return p.conn.Emit(path, gsIf+".Activated", sess, id, uint64(0), map[string]dbus.Variant{})
}

func (p *Portal) record(s string) {
	p.mu.Lock()
	p.log = append(p.log, s)
	p.mu.Unlock()
}

// respond answers a request of sender through its Request object, after
// the method's reply has gone.
func (p *Portal) respond(sender dbus.Sender, opts map[string]dbus.Variant, code uint32, results map[string]dbus.Variant) dbus.ObjectPath {
	tok, _ := opts["handle_token"].Value().(string)
	req := dbus.ObjectPath("/org/freedesktop/portal/desktop/request/" + escape(sender) + "/" + tok)
	go func() { _ = p.conn.Emit(req, "org.freedesktop.portal.Request.Response", code, results) }()
	return req
}

func escape(sender dbus.Sender) string {
	return strings.ReplaceAll(strings.TrimPrefix(string(sender), ":"), ".", "_")
}

type registry struct{ p *Portal }

// Register is org.freedesktop.host.portal.Registry.Register.
func (r registry) Register(appID string, _ map[string]dbus.Variant) *dbus.Error {
	r.p.record("Register " + appID)
	return nil
}

type props struct {
	p         *Portal
	shortcuts bool
}

// Get answers GlobalShortcuts' version property.
func (o props) Get(iface, prop string) (dbus.Variant, *dbus.Error) {
	o.p.record("Get " + iface + "." + prop)
	if o.shortcuts && iface == gsIf && prop == "version" {
		return dbus.MakeVariant(uint32(1)), nil
	}
	return dbus.Variant{}, dbus.NewError("org.freedesktop.DBus.Error.UnknownProperty", []any{"no property " + iface + "." + prop})
}

type shortcutsIf struct{ p *Portal }

// CreateSession opens a session named by session_handle_token.
func (s shortcutsIf) CreateSession(sender dbus.Sender, opts map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	tok, _ := opts["session_handle_token"].Value().(string)
	sess := dbus.ObjectPath("/org/freedesktop/portal/desktop/session/" + escape(sender) + "/" + tok)
	s.p.mu.Lock()
	s.p.sess = sess
	s.p.mu.Unlock()
	s.p.record("CreateSession")
	_ = s.p.conn.Export(session(s), sess, "org.freedesktop.portal.Session")
	return s.p.respond(sender, opts, 0, map[string]dbus.Variant{"session_handle": dbus.MakeVariant(string(sess))}), nil
}

type session struct{ p *Portal }

// Close ends the session (the client releasing its shortcuts).
func (s session) Close() *dbus.Error {
	s.p.record("Session.Close")
	return nil
}

// shortcut is a(sa{sv})'s element.
type shortcut struct {
	ID   string
	Opts map[string]dbus.Variant
}

// BindShortcuts binds the shortcuts asked for, or answers BindResponse.
func (s shortcutsIf) BindShortcuts(sender dbus.Sender, sess dbus.ObjectPath, want []shortcut, _ string, opts map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	s.p.mu.Lock()
	ok := sess == s.p.sess
	var ids []string
	bound := make([]shortcut, 0, len(want))
	for _, w := range want {
		ids = append(ids, w.ID)
		pref, _ := w.Opts["preferred_trigger"].Value().(string)
		s.p.pref = pref
		desc := s.p.cfg.Trigger
		if desc == "" {
			desc = pref
		}
		bound = append(bound, shortcut{w.ID, map[string]dbus.Variant{
			"description":         w.Opts["description"],
			"trigger_description": dbus.MakeVariant(desc),
		}})
	}
	code := s.p.cfg.BindResponse
	s.p.mu.Unlock()
	if !ok {
		return "", dbus.NewError("org.freedesktop.DBus.Error.InvalidArgs", []any{"unknown session " + string(sess)})
	}
	s.p.record("BindShortcuts " + strings.Join(ids, ","))
	results := map[string]dbus.Variant{}
	if code == 0 {
		results["shortcuts"] = dbus.MakeVariant(bound)
	}
	return s.p.respond(sender, opts, code, results), nil
}
