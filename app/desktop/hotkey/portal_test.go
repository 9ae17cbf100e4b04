//go:build linux || freebsd || openbsd || netbsd

package hotkey

import (
	"errors"
	"slices"
	"testing"
	"time"

	"authdesk/app/desktop/hotkey/fakeportal"
)

// wayland makes the session a Wayland one on the bus at addr ("" for no
// bus), with no X display.
func wayland(t *testing.T, addr string) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "wayland-authdesk-test")
	t.Setenv("XDG_SESSION_TYPE", "wayland")
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
}

// TestPortalBindAndActivate binds Ctrl+Alt+K through a fake GlobalShortcuts
// portal: the host app ID is registered first, the portal's Activated
// signal fires the shortcut, and Close ends the session.
func TestPortalBindAndActivate(t *testing.T) {
	addr := fakeportal.StartBus(t)
	p := fakeportal.Start(t, addr, fakeportal.Config{Trigger: "Press Ctrl+Alt+K"})
	wayland(t, addr)
	fired := make(chan struct{}, 4)
	l, err := Register(Shortcut{Mods: Ctrl | Alt, Key: "K"}, func() { fired <- struct{}{} })
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	want := []string{"Register io.authdesk.app", "Get org.freedesktop.portal.GlobalShortcuts.version", "CreateSession", "BindShortcuts quick"}
	if got := p.Calls(); !slices.Equal(got, want) {
		t.Fatalf("portal calls %q, want %q", got, want)
	}
	if p.Preferred() != "CTRL+ALT+k" || l.Trigger() != "Press Ctrl+Alt+K" {
		t.Fatalf("preferred trigger %q, bound %q", p.Preferred(), l.Trigger())
	}
	if err := p.Activate("other"); err != nil {
		t.Fatal(err)
	}
	if err := p.Activate("quick"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-fired:
	case <-time.After(30 * time.Second):
		t.Fatal("Activated did not fire the shortcut")
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := p.Calls(); got[len(got)-1] != "Session.Close" {
		t.Fatalf("Close did not end the portal session: %q", got)
	}
	if len(fired) != 0 {
		t.Fatal("another shortcut's Activated fired ours")
	}
}

// TestPortalUnavailable covers a portal that refuses and one that is not
// there: each is an error Settings explains, and none blocks.
func TestPortalUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name    string
		portal  bool // a portal with GlobalShortcuts
		bare    bool // a portal without GlobalShortcuts
		code    uint32
		want    error
		wantMsg string
	}{
		{name: "cancelled", portal: true, code: 1, want: ErrRefused, wantMsg: "the desktop declined the shortcut: the user cancelled (response 1)"},
		{name: "refused", portal: true, code: 2, want: ErrRefused, wantMsg: "the desktop declined the shortcut (response 2)"},
		{name: "no GlobalShortcuts", bare: true, want: ErrNoPortal},
		{name: "no portal", want: ErrNoPortal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := fakeportal.StartBus(t)
			var p *fakeportal.Portal
			if tc.portal || tc.bare {
				p = fakeportal.Start(t, addr, fakeportal.Config{NoShortcuts: tc.bare, BindResponse: tc.code})
			}
			wayland(t, addr)
			l, err := Register(Default, func() { t.Error("fired") })
			if !errors.Is(err, tc.want) || l != nil {
				t.Fatalf("Register = %v, %v; want %v", l, err, tc.want)
			}
			if tc.wantMsg != "" && err.Error() != "GlobalShortcuts.BindShortcuts: "+tc.wantMsg {
				t.Fatalf("error %q", err)
			}
			if tc.want == ErrNoPortal && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("%v is not ErrUnsupported", err)
			}
			if p != nil && p.Calls()[0] != "Register io.authdesk.app" {
				t.Fatalf("the host app ID was not registered first: %q", p.Calls())
			}
		})
	}
}

// TestNoDesktop: with no X display, no Wayland display and no session bus
// (or a bus address that leads nowhere), Register says so at once.
func TestNoDesktop(t *testing.T) {
	for _, tc := range []struct{ name, wayland, bus string }{
		{"nothing", "", ""},
		{"Wayland without a bus", "wayland-0", ""},
		{"Wayland with a dead bus", "wayland-0", "unix:path=/nonexistent/authdesk/bus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("DISPLAY", "")
			t.Setenv("XDG_SESSION_TYPE", "")
			t.Setenv("WAYLAND_DISPLAY", tc.wayland)
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", tc.bus)
			done := make(chan error, 1)
			go func() {
				l, err := Register(Default, func() {})
				if l != nil {
					err = errors.New("got a listener")
				}
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, ErrUnsupported) {
					t.Fatalf("Register: %v; want ErrUnsupported", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("Register blocked")
			}
		})
	}
}
