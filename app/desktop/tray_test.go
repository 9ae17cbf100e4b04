package desktop

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"authdesk/vault"
)

// trayHarness opens sample accounts with a tray that records each menu
// it is handed.
func trayHarness(t *testing.T) (*harness, *[]*fyne.Menu) {
	t.Helper()
	h := openWith(t, sampleAccounts(t)...)
	menus := &[]*fyne.Menu{}
	// Each menu handed over is recorded as it was then.
	h.u.tray = trayMenu{set: func(m *fyne.Menu) { *menus = append(*menus, fyne.NewMenu(m.Label, m.Items...)) }}
	h.u.updateTray()
	return h, menus
}

// labels lists a menu's labels, submenus indented, separators as "--".
func labels(m *fyne.Menu, indent string) []string {
	var out []string
	for _, it := range m.Items {
		switch {
		case it.IsSeparator:
			out = append(out, indent+"--")
		default:
			out = append(out, indent+it.Label)
		}
		if it.ChildMenu != nil {
			out = append(out, labels(it.ChildMenu, indent+"  ")...)
		}
	}
	return out
}

// item finds the first item labelled label, in submenus too.
func item(m *fyne.Menu, label string) *fyne.MenuItem {
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
		if it.ChildMenu != nil {
			if f := item(it.ChildMenu, label); f != nil {
				return f
			}
		}
	}
	return nil
}

// TestTrayMenu: favourites, recent and every account grouped by initial;
// a click copies the code of that moment and a notification names the
// account, never the code; locked, no account name is left.
func TestTrayMenu(t *testing.T) {
	h, menus := trayHarness(t)
	c := h.u.list
	h.u.toggleFavorite(c.accounts[2].ID) // Steam
	h.u.toggleFavorite(c.accounts[4].ID) // AWS
	h.selectIssuer("Google")             // copied: recent
	key(h, fyne.KeyReturn)
	m := (*menus)[len(*menus)-1]
	want := []string{"Quick access…", "--", "Favourites", "Steam (alice_gamer)", "AWS (root@acme.io)",
		"--", "Recent", "Google (alice.liddell@gmail.com)",
		"--", "All accounts",
		"  A", "    AWS (root@acme.io)",
		"  E", "    Example Bank (4242)",
		"  G", "    GitHub (alice@example.com)", "    Google (alice.liddell@gmail.com)",
		"  S", "    Steam (alice_gamer)",
		"Show", "Lock", "--", "Quit"}
	if got := labels(m, ""); !slices.Equal(got, want) {
		t.Fatalf("tray menu:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if q := item(m, "Quit"); !q.IsQuit || q.Action == nil {
		t.Errorf("Quit has no action: the tray takes actions before Fyne fills its own in")
	}

	// A click copies the code of the moment of the click, and says whose.
	h.advance(40 * time.Second)
	gh := h.rowFor("GitHub").acct
	want2 := code(t, gh, h.now)
	test.AssertNotificationSent(t, &fyne.Notification{Title: "Code copied",
		Content: "GitHub (alice@example.com): the code is on the clipboard for 30 seconds."}, item(m, "GitHub (alice@example.com)").Action)
	if got := h.a.Clipboard().Content(); got != want2 {
		t.Fatalf("tray click copied %q, want %q (the code at the click)", got, want2)
	}
	h.advance(30 * time.Second)
	if got := h.a.Clipboard().Content(); got != "" {
		t.Errorf("clipboard still holds %q 30 s after the tray copy", got)
	}
	// HOTP: a click uses up a code.
	item((*menus)[len(*menus)-1], "Example Bank (4242)").Action()
	for _, a := range h.reopened() {
		if a.Type == vault.HOTP && a.Counter != 8 {
			t.Errorf("HOTP counter %d after a tray copy, want 8", a.Counter)
		}
	}

	// Locked: Unlock… and Quit, and no account name anywhere.
	h.u.lock()
	m = (*menus)[len(*menus)-1]
	if got := labels(m, ""); !slices.Equal(got, []string{"Unlock…", "--", "Quit"}) {
		t.Fatalf("locked tray menu: %q", got)
	}
}

// TestTrayRebuilds: the tray gets a new menu when the accounts, the
// favourites, the recent ones or the lock state change, and at no tick.
func TestTrayRebuilds(t *testing.T) {
	h, menus := trayHarness(t)
	c := h.u.list
	steps := []struct {
		name    string
		do      func()
		rebuild bool
	}{
		{"ticks for 3 minutes", func() {
			for range 180 {
				h.advance(time.Second)
			}
		}, false},
		{"star Steam", func() { h.u.toggleFavorite(c.accounts[2].ID) }, true},
		{"copy Google", func() { h.selectIssuer("Google"); key(h, fyne.KeyReturn) }, true},
		{"copy Google again: the recent list is the same", func() { key(h, fyne.KeyReturn) }, false},
		{"search", func() { test.Type(c.search, "goo") }, false},
		{"sort by name", func() { h.u.setSort(sortName) }, false},
		{"another program adds an account", func() {
			v, err := vault.Open(h.cfg.VaultPath, h.cfg.Options)
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			if _, err := v.Add(vault.Account{Issuer: "Zulip", Name: "z", Secret: []byte("0123456789abcdef"), Type: vault.TOTP}); err != nil {
				t.Fatal(err)
			}
			h.u.refreshFromDisk()
		}, true},
		{"lock", h.u.lock, true},
		{"ticks while locked", func() {
			for range 60 {
				h.advance(time.Second)
			}
		}, false},
		{"unlock", func() { h.typeUnlock(testPassword) }, true},
	}
	for _, s := range steps {
		n := len(*menus)
		s.do()
		if got := len(*menus) - n; (got > 0) != s.rebuild || got > 1 {
			t.Errorf("%s: %d new menus, want rebuild=%v (at most one)", s.name, got, s.rebuild)
		}
	}
	if got := labels((*menus)[len(*menus)-1], ""); !slices.Contains(got, "    Zulip (z)") {
		t.Errorf("the account added elsewhere is not in the menu: %q", got)
	}
}

// selectIssuer selects the row of the account with that issuer.
func (h *harness) selectIssuer(issuer string) {
	h.t.Helper()
	for _, a := range h.u.list.accounts {
		if a.Issuer == issuer {
			h.u.selectID(a.ID)
			return
		}
	}
	h.t.Fatalf("no account %q", issuer)
}
