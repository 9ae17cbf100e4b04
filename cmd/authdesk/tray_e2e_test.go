//go:build e2e

package main_test

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// The tray test plays the desktop's part on the test session bus: it owns
// org.kde.StatusNotifierWatcher, so that Authdesk's StatusNotifierItem (which
// Fyne's systray exports) registers with it, and org.freedesktop.Notifications,
// to read the notifications Authdesk sends. Then it reads the item's menu
// with com.canonical.dbusmenu.GetLayout and clicks items with Event, as a
// panel does.

// sniWatcher is a StatusNotifierWatcher that records who registers.
type sniWatcher struct {
	mu    sync.Mutex
	items []string // the bus names of the registered items
	added chan struct{}
}

// RegisterStatusNotifierItem records the caller's bus name.
func (w *sniWatcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	w.mu.Lock()
	w.items = append(w.items, string(sender))
	w.mu.Unlock()
	select {
	case w.added <- struct{}{}:
	default:
	}
	return nil
}

// RegisterStatusNotifierHost accepts any host.
func (w *sniWatcher) RegisterStatusNotifierHost(string) *dbus.Error { return nil }

// notifications is an org.freedesktop.Notifications server that keeps
// what it is sent.
type notifications struct {
	mu   sync.Mutex
	sent []string // "summary\nbody"
}

// Notify records the notification.
func (n *notifications) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, summary+"\n"+body)
	return uint32(len(n.sent)), nil
}

// GetCapabilities says the server shows a body.
func (n *notifications) GetCapabilities() ([]string, *dbus.Error) { return []string{"body"}, nil }

func (n *notifications) all() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.sent)
}

// ownName takes a well-known name on conn, waiting (up to 30 s) while
// another test holds it.
func ownName(t testing.TB, conn *dbus.Conn, name string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
		if err == nil && reply == dbus.RequestNameReplyPrimaryOwner {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("could not own %s on the session bus within 30 s: %v (reply %v)", name, err, reply)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// fakeDesktop serves the watcher and the notifications on a private
// connection to the session bus.
func fakeDesktop(t testing.TB) (*sniWatcher, *notifications, *dbus.Conn) {
	t.Helper()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("session bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	w := &sniWatcher{added: make(chan struct{}, 1)}
	const wpath = "/StatusNotifierWatcher"
	const wiface = "org.kde.StatusNotifierWatcher"
	if err := conn.Export(w, wpath, wiface); err != nil {
		t.Fatal(err)
	}
	if _, err := prop.Export(conn, wpath, prop.Map{wiface: {
		"IsStatusNotifierHostRegistered": {Value: true},
		"ProtocolVersion":                {Value: int32(0)},
		"RegisteredStatusNotifierItems":  {Value: []string{}},
	}}); err != nil {
		t.Fatal(err)
	}
	n := &notifications{}
	if err := conn.Export(n, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	ownName(t, conn, wiface)
	ownName(t, conn, "org.freedesktop.Notifications")
	return w, n, conn
}

// menuNode is one item of a dbusmenu layout.
type menuNode struct {
	id       int32
	label    string
	kind     string // "separator" or ""
	enabled  bool
	children []menuNode
}

// trayLayout calls GetLayout on the item's menu.
func trayLayout(t *testing.T, conn *dbus.Conn, item string) (uint32, menuNode) {
	t.Helper()
	var rev uint32
	var root []any
	call := conn.Object(item, "/StatusNotifierMenu").Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{})
	if call.Err != nil {
		t.Fatalf("GetLayout: %v", call.Err)
	}
	if len(call.Body) != 2 {
		t.Fatalf("GetLayout returned %d values", len(call.Body))
	}
	rev, _ = call.Body[0].(uint32)
	root, _ = call.Body[1].([]any)
	return rev, parseNode(t, root)
}

func parseNode(t *testing.T, v []any) menuNode {
	t.Helper()
	if len(v) != 3 {
		t.Fatalf("layout node %v is not (ia{sv}av)", v)
	}
	n := menuNode{enabled: true}
	n.id, _ = v[0].(int32)
	props, _ := v[1].(map[string]dbus.Variant)
	if l, ok := props["label"]; ok {
		n.label, _ = l.Value().(string)
	}
	if k, ok := props["type"]; ok {
		n.kind, _ = k.Value().(string)
	}
	if e, ok := props["enabled"]; ok {
		n.enabled, _ = e.Value().(bool)
	}
	kids, _ := v[2].([]dbus.Variant)
	for _, k := range kids {
		c, _ := k.Value().([]any)
		n.children = append(n.children, parseNode(t, c))
	}
	return n
}

// labels lists the labels under n, submenus indented, separators "--".
func (n menuNode) labels(indent string) []string {
	var out []string
	for _, c := range n.children {
		if c.kind == "separator" {
			out = append(out, indent+"--")
		} else {
			out = append(out, indent+c.label)
		}
		out = append(out, c.labels(indent+"  ")...)
	}
	return out
}

// find returns the first node labelled label.
func (n menuNode) find(label string) (menuNode, bool) {
	for _, c := range n.children {
		if c.label == label && c.kind != "separator" {
			return c, true
		}
		if f, ok := c.find(label); ok {
			return f, true
		}
	}
	return menuNode{}, false
}

// waitMenu polls GetLayout until ok accepts the menu (30 s at most).
func waitMenu(t *testing.T, conn *dbus.Conn, item, what string, ok func(menuNode) bool) menuNode {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, m := trayLayout(t, conn, item)
		if ok(m) {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("the tray menu did not show %s within 30 s; it shows:\n%s", what, strings.Join(m.labels(""), "\n"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// click sends the dbusmenu "clicked" event to the item, as a panel does.
func click(t *testing.T, conn *dbus.Conn, item string, n menuNode) {
	t.Helper()
	call := conn.Object(item, "/StatusNotifierMenu").Call("com.canonical.dbusmenu.Event", 0,
		n.id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix()))
	if call.Err != nil {
		t.Fatalf("Event clicked on %q: %v", n.label, call.Err)
	}
}

// TestTrayQuickCopy drives Authdesk's real tray menu over D-Bus: the
// favourites are listed after "Quick access…", a click copies the code of
// that moment and the notification names the account without the code;
// after Lock no account name is left in the menu.
func TestTrayQuickCopy(t *testing.T) {
	e := newEnv(t)
	w, notes, conn := fakeDesktop(t)
	e.runCLI("e2e password\n", "--password-stdin", "init")
	e.runCLI("", "add", "--issuer", "GitHub", "--account", "alice@example.com", "--secret", "JBSWY3DPEHPK3PXP")
	e.runCLI("", "add", "--issuer", "Google", "--account", "alice.liddell@gmail.com", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	e.runCLI("", "add", "--issuer", "Fastmail", "--account", "alice@fastmail.com", "--secret", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK")
	e.runCLI("", "favorite", "Fastmail")

	a := e.start()
	a.waitReady(t)
	var item string
	select {
	case <-w.added:
		w.mu.Lock()
		item = w.items[len(w.items)-1]
		w.mu.Unlock()
	case <-time.After(30 * time.Second):
		t.Fatalf("Authdesk's tray item did not register with the StatusNotifierWatcher within 30 s:\n%s", a.log())
	}
	var owner string
	if err := conn.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0,
		fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", a.cmd.Process.Pid)).Store(&owner); err != nil || owner != item {
		t.Fatalf("the registered item %s is not Authdesk's StatusNotifierItem (owner %q, %v)", item, owner, err)
	}

	const fav = "Fastmail (alice@fastmail.com)"
	m := waitMenu(t, conn, item, "the favourites", func(m menuNode) bool { _, ok := m.find(fav); return ok })
	got := m.labels("")
	if len(got) < 4 || got[0] != "Quick access…" || got[2] != "Favourites" || got[3] != fav {
		t.Errorf("tray menu starts %q, want Quick access…, then the favourites", got)
	}
	for _, want := range []string{"All accounts", "    GitHub (alice@example.com)", "Show", "Lock", "Quit"} {
		if !slices.Contains(got, want) {
			t.Errorf("tray menu lacks %q:\n%s", want, strings.Join(got, "\n"))
		}
	}

	// A click copies the favourite's code of that moment.
	before, _ := readClipboard()
	n, _ := m.find(fav)
	click(t, conn, item, n)
	code := clipboard(t, before)
	if !e.matchesCode("Fastmail", code) {
		t.Fatalf("the tray click copied %q, authdesk-cli code Fastmail says %q", code, e.runCLI("", "code", "Fastmail"))
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(notes.all()) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	sent := notes.all()
	if len(sent) != 1 || !strings.Contains(sent[0], fav) || strings.Contains(sent[0], code) {
		t.Errorf("notifications %q: want one naming %s, without the code %s", sent, fav, code)
	}

	// Lock, from the tray: Unlock… and Quit, no account name.
	lock, _ := m.find("Lock")
	click(t, conn, item, lock)
	locked := waitMenu(t, conn, item, "the locked menu", func(m menuNode) bool {
		_, ok := m.find("Unlock…")
		return ok
	})
	if got := locked.labels(""); !slices.Equal(got, []string{"Unlock…", "--", "Quit"}) {
		t.Errorf("locked tray menu: %q, want Unlock…, Quit", got)
	}
	for _, name := range []string{"GitHub", "Google", "Fastmail", "alice"} {
		if s := strings.Join(locked.labels(""), "\n"); strings.Contains(s, name) {
			t.Errorf("locked tray menu names %q:\n%s", name, s)
		}
	}
}

// readClipboard returns the CLIPBOARD selection now ("" when empty).
func readClipboard() (string, error) {
	out, err := exec.Command("xclip", "-selection", "clipboard", "-o").Output()
	return strings.TrimSpace(string(out)), err
}
