package desktop

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"authdesk/app/desktop/clockcheck"
)

// TestSettingsClockSNTP: the SNTP check box and the server entry save at
// once, a bad server is refused with the old one kept, and every change
// checks the clock again through the bridge with the new choice.
func TestSettingsClockSNTP(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	type call struct {
		sntp   bool
		server string
	}
	var checks []call
	spawned := 0
	h.u.cfg.spawn = func(f func()) { spawned++; f() }
	h.u.cfg.clockCheck = func(context.Context) clockcheck.Result {
		checks = append(checks, call{h.u.prefs.ClockSNTP(), h.u.prefs.ClockServer()})
		return clockcheck.Result{HaveOffset: true, Offset: 47 * time.Second}
	}
	h.u.showSettings()
	s := h.u.settingsUI
	if s.sntp.Checked || s.server.Text != "" || s.server.PlaceHolder != clockcheck.DefaultServer {
		t.Fatalf("defaults: checked %v, server %q, placeholder %q", s.sntp.Checked, s.server.Text, s.server.PlaceHolder)
	}
	if s.sntp.Text != "Check the clock against a time server" {
		t.Errorf("check box says %q", s.sntp.Text)
	}

	test.Tap(s.sntp)
	if !h.u.prefs.ClockSNTP() || len(checks) != 1 || !checks[0].sntp || spawned != 1 {
		t.Fatalf("ticking: saved %v, checks %+v, spawned %d", h.u.prefs.ClockSNTP(), checks, spawned)
	}
	if !h.u.frame.clock.box.Visible() {
		t.Error("the new check's result is not shown in the banner")
	}

	// Typing: saved at each valid state, one check after the pause.
	s.server.SetText("")
	test.Type(s.server, "time.example.com:123")
	if got := h.u.prefs.ClockServer(); got != "time.example.com:123" {
		t.Fatalf("server saved as %q", got)
	}
	if len(checks) != 1 {
		t.Errorf("checked while typing: %+v", checks)
	}
	h.advance(clockRecheckDelay)
	if len(checks) != 2 || checks[1] != (call{true, "time.example.com:123"}) {
		t.Fatalf("after the pause: %+v", checks)
	}

	// A bad server: the entry says so, the saved one stays, no check.
	for _, bad := range []string{"time.example.com:99999", "ntp://pool.ntp.org", "exa mple.com"} {
		s.server.SetText(bad)
		h.advance(clockRecheckDelay)
		s.server.OnSubmitted(bad)
		if s.server.Validate() == nil {
			t.Errorf("%q: the entry accepts it", bad)
		}
		if got := h.u.prefs.ClockServer(); got != "time.example.com:123" {
			t.Errorf("%q: saved server now %q", bad, got)
		}
	}
	if len(checks) != 2 {
		t.Errorf("a bad server was checked: %+v", checks)
	}

	// Return checks at once.
	s.server.SetText("[::1]:1123")
	s.server.OnSubmitted(s.server.Text)
	if len(checks) != 3 || checks[2].server != "[::1]:1123" {
		t.Errorf("Return: %+v", checks)
	}

	test.Tap(s.sntp)
	if h.u.prefs.ClockSNTP() || len(checks) != 4 || checks[3].sntp {
		t.Errorf("unticking: saved %v, checks %+v", h.u.prefs.ClockSNTP(), checks)
	}

	// Kept for the next start.
	h2 := newHarness(t, h.cfg.VaultPath, nil, h.a)
	if h2.u.prefs.ClockSNTP() || h2.u.prefs.ClockServer() != "[::1]:1123" {
		t.Errorf("not kept: %v %q", h2.u.prefs.ClockSNTP(), h2.u.prefs.ClockServer())
	}
}

// TestSettingsClockRealCheck: the real check (no test double) asks the
// server chosen in Settings; a closed local port makes the SNTP part fail,
// naming that server in the details.
func TestSettingsClockRealCheck(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	h.u.cfg.clockCheck = nil
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close() // nobody answers there now
	h.u.showSettings()
	s := h.u.settingsUI
	s.server.SetText(addr)
	test.Tap(s.sntp)
	if !strings.Contains(h.u.frame.clock.details, "ask "+addr+" for the time") {
		t.Errorf("details %q do not name %s", h.u.frame.clock.details, addr)
	}
}
