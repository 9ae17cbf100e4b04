//go:build linux

package desktop

import (
	"path/filepath"
	"testing"
	"time"

	"authdesk/app/desktop/hotkey"
	"authdesk/app/desktop/hotkey/fakeportal"
)

// TestQuickFromPortal binds the shortcut through a fake GlobalShortcuts
// portal on a private session bus, as on Wayland: Settings says it is
// bound, and the portal's Activated opens the quick popup.
func TestQuickFromPortal(t *testing.T) {
	addr := fakeportal.StartBus(t)
	p := fakeportal.Start(t, addr, fakeportal.Config{})
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "wayland-authdesk-test")
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	h := openWith(t, quickAccounts(t)...)
	opened := make(chan struct{}, 1)
	h.u.cfg.registerKey = func(s hotkey.Shortcut, fire func()) (hotkey.Listener, error) {
		return hotkey.Register(s, func() { fire(); opened <- struct{}{} })
	}
	h.u.startShortcut()
	t.Cleanup(h.u.stopShortcut)
	h.u.showSettings()
	q := h.u.settingsUI.quick
	if q.status.Text != "Ctrl+Alt+A opens quick access from any program." || q.command.Visible() {
		t.Fatalf("bound through the portal: status %q, command shown %v (portal calls %q)", q.status.Text, q.command.Visible(), p.Calls())
	}
	if err := p.Activate("quick"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-opened:
	case <-time.After(30 * time.Second):
		t.Fatal("the portal's Activated did not reach Authdesk")
	}
	if !h.u.quick.popup.open || h.u.quick.popup.win.Title() != QuickTitle {
		t.Fatal("Activated did not open the quick popup")
	}
}

// TestShortcutStates shows each state of the shortcut in Settings: bound,
// held by another program, and, where the portal refuses or is missing,
// the command to bind by hand (with --vault for a vault that is not the
// default one).
func TestShortcutStates(t *testing.T) {
	const bind = " Bind this command to a key in your desktop's keyboard settings instead:"
	for _, tc := range []struct {
		name    string
		portal  *fakeportal.Config // nil: no portal on the bus
		x11Err  error              // registerKey's error, without a portal
		trigger string
		status  string
	}{
		{name: "bound", trigger: "Ctrl+Alt+A", status: "Ctrl+Alt+A opens quick access from any program."},
		{name: "bound to other keys", portal: &fakeportal.Config{Trigger: "Super+A"}, status: "The desktop opens quick access with Super+A."},
		{name: "taken", x11Err: hotkey.ErrTaken, status: "Another program already uses Ctrl+Alt+A. Choose another shortcut, or free it in that program."},
		{name: "portal refused", portal: &fakeportal.Config{BindResponse: 2}, status: "The desktop's GlobalShortcuts portal refused the shortcut, or it was cancelled in the desktop's dialog." + bind},
		{name: "portal cancelled", portal: &fakeportal.Config{BindResponse: 1}, status: "The desktop's GlobalShortcuts portal refused the shortcut, or it was cancelled in the desktop's dialog." + bind},
		{name: "portal without shortcuts", portal: &fakeportal.Config{NoShortcuts: true}, status: "The desktop's GlobalShortcuts portal is unavailable, so Authdesk cannot set a global shortcut." + bind},
		{name: "no display, no bus", status: "This desktop does not let Authdesk set a global shortcut (no X display, DISPLAY is unset)." + bind},
		{name: "no portal", status: "The desktop's GlobalShortcuts portal is unavailable, so Authdesk cannot set a global shortcut." + bind},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := openWith(t, quickAccounts(t)...)
			switch {
			case tc.x11Err != nil || tc.trigger != "":
				h.u.cfg.registerKey = func(hotkey.Shortcut, func()) (hotkey.Listener, error) {
					if tc.x11Err != nil {
						return nil, tc.x11Err
					}
					return fakeListener{trigger: tc.trigger}, nil
				}
			case tc.name == "no display, no bus": // the real registration
				t.Setenv("DISPLAY", "")
				t.Setenv("WAYLAND_DISPLAY", "")
				t.Setenv("XDG_SESSION_TYPE", "")
				t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
			default: // the real registration, on Wayland
				addr := fakeportal.StartBus(t)
				if tc.portal != nil {
					fakeportal.Start(t, addr, *tc.portal)
				}
				t.Setenv("DISPLAY", "")
				t.Setenv("WAYLAND_DISPLAY", "wayland-authdesk-test")
				t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
			}
			h.u.startShortcut()
			t.Cleanup(h.u.stopShortcut)
			h.u.showSettings()
			q := h.u.settingsUI.quick
			if q.status.Text != tc.status {
				t.Fatalf("status %q\nwant   %q", q.status.Text, tc.status)
			}
			byHand := h.u.quick.key.state == keyByHand
			if q.command.Visible() != byHand {
				t.Fatalf("command shown %v, want %v", q.command.Visible(), byHand)
			}
			want := "authdesk --quick --vault " + h.u.cfg.VaultPath
			if byHand && q.command.Text != want {
				t.Fatalf("command %q, want %q", q.command.Text, want)
			}
		})
	}
}

// TestQuickCommand: the command names the vault unless it is the default
// one, quoted where a shell would split it.
func TestQuickCommand(t *testing.T) {
	dir := t.TempDir()
	h := openWith(t)
	for _, tc := range []struct{ vault, def, want string }{
		{filepath.Join(dir, "a.age"), filepath.Join(dir, "a.age"), "authdesk --quick"},
		{filepath.Join(dir, "a.age"), filepath.Join(dir, "b.age"), "authdesk --quick --vault " + filepath.Join(dir, "a.age")},
		{filepath.Join(dir, "my vault's.age"), filepath.Join(dir, "b.age"), "authdesk --quick --vault '" + dir + `/my vault'\''s.age'`},
	} {
		t.Setenv("AUTHDESK_VAULT", tc.def)
		h.u.cfg.VaultPath = tc.vault
		if got := h.u.quickCommand(); got != tc.want {
			t.Errorf("vault %q, default %q: %q, want %q", tc.vault, tc.def, got, tc.want)
		}
	}
}
