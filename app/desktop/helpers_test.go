package desktop

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/trayhost"
	"authdesk/vault"
	"authdesk/vault/keychain"
)

const testPassword = "correct horse battery"

// t0 is the fake clock's start: 5 s into a 30 s period.
var t0 = time.Date(2026, 3, 4, 10, 0, 5, 0, time.UTC)

// harness drives a UI with a fake clock and timers that fire on demand.
type harness struct {
	t      *testing.T
	a      fyne.App
	w      fyne.Window
	u      *UI
	now    time.Time
	timers []*timer
	cfg    Config
}

type timer struct {
	at      time.Time
	f       func()
	stopped bool
}

func newHarness(t *testing.T, path string, kc vault.Keychain, a fyne.App) *harness {
	t.Helper()
	if a == nil {
		a = test.NewTempApp(t)
	}
	h := &harness{t: t, a: a, now: t0}
	h.w = a.NewWindow("test")
	h.w.Resize(fyne.NewSize(560, 720))
	opts := vault.Options{WorkFactor: 10}
	if kc != nil {
		opts.Keychain = kc
	}
	h.cfg = Config{VaultPath: path, Options: opts, noTicker: true,
		now:   func() time.Time { return h.now },
		spawn: func(f func()) { f() },
		afterFunc: func(d time.Duration, f func()) func() {
			tm := &timer{at: h.now.Add(d), f: f}
			h.timers = append(h.timers, tm)
			return func() { tm.stopped = true }
		},
		scanner:  systemScanner{},
		trayHost: func() trayhost.Status { return trayhost.Status{Available: true} },
	}
	h.u = New(a, h.w, h.cfg)
	t.Cleanup(func() {
		if h.u.v != nil {
			h.u.v.Close()
		}
	})
	return h
}

// advance moves the clock, fires due timers and ticks once.
func (h *harness) advance(d time.Duration) {
	h.now = h.now.Add(d)
	due := h.timers[:0:0]
	rest := h.timers[:0:0]
	for _, tm := range h.timers {
		if tm.stopped {
			continue
		}
		if !tm.at.After(h.now) {
			due = append(due, tm)
		} else {
			rest = append(rest, tm)
		}
	}
	h.timers = rest
	for _, tm := range due {
		tm.f()
	}
	h.u.tick()
}

// newVault creates a vault at path with accts, keyed in kc (may be nil).
func newVault(t *testing.T, path string, kc vault.Keychain, accts ...vault.Account) {
	t.Helper()
	opts := vault.Options{WorkFactor: 10, Now: func() time.Time { return t0 }}
	if kc != nil {
		opts.Keychain = kc
	}
	v, err := vault.Create(path, []byte(testPassword), opts)
	if err != nil {
		t.Fatalf("create vault: %v", err)
	}
	defer v.Close()
	if len(accts) > 0 {
		if _, err := v.Add(accts...); err != nil {
			t.Fatalf("add: %v", err)
		}
	}
}

func secret(t *testing.T, s string) []byte {
	t.Helper()
	b, err := vault.DecodeSecret(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sampleAccounts(t *testing.T) []vault.Account {
	return []vault.Account{
		{Issuer: "GitHub", Name: "alice@example.com", Secret: secret(t, "JBSWY3DPEHPK3PXP"), Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30, Tags: []string{"work"}},
		{Issuer: "Google", Name: "alice.liddell@gmail.com", Secret: secret(t, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), Type: vault.TOTP, Algorithm: vault.SHA256, Digits: 8, Period: 30},
		{Issuer: "Steam", Name: "alice_gamer", Secret: secret(t, "KRUGS4ZANFZSAYJAORSXG5A="), Type: vault.Steam, Algorithm: vault.SHA1, Digits: 5, Period: 30},
		{Issuer: "Example Bank", Name: "4242", Secret: secret(t, "MFRGGZDFMZTWQ2LK"), Type: vault.HOTP, Algorithm: vault.SHA1, Digits: 6, Counter: 7},
		{Issuer: "AWS", Name: "root@acme.io", Secret: secret(t, "ONSWG4TFORZWK3DMN5XGC5DJN5XGQ2LT"), Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30, Tags: []string{"work", "cloud"}},
	}
}

// openWith creates a keychain-backed vault with accts and starts a UI on it.
func openWith(t *testing.T, accts ...vault.Account) *harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.age")
	kc := &keychain.Memory{}
	newVault(t, path, kc, accts...)
	h := newHarness(t, path, kc, nil)
	h.u.start()
	if got := h.u.stateName(); got != "codes" {
		t.Fatalf("state after start = %q, want codes", got)
	}
	return h
}

func code(t *testing.T, a vault.Account, at time.Time) string {
	t.Helper()
	c, err := a.Code(at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rowFor returns the list row showing the account with that issuer.
func (h *harness) rowFor(issuer string) *codeRow {
	h.t.Helper()
	for r := range h.u.list.rows {
		if r.Visible() && r.acct.Issuer == issuer {
			return r
		}
	}
	h.t.Fatalf("no visible row for %q", issuer)
	return nil
}

// button finds a visible button labelled text in the window or its overlays.
func (h *harness) button(text string) *widget.Button {
	h.t.Helper()
	roots := []fyne.CanvasObject{h.w.Canvas().Content()}
	roots = append(roots, h.w.Canvas().Overlays().List()...)
	for _, root := range roots {
		for _, o := range test.LaidOutObjects(root) {
			if b, ok := o.(*widget.Button); ok && b.Text == text && b.Visible() {
				return b
			}
		}
	}
	h.t.Fatalf("no button %q on screen", text)
	return nil
}

// overlayText returns the text of every label and check in the overlays.
func (h *harness) overlayText() string {
	var out []string
	for _, root := range h.w.Canvas().Overlays().List() {
		for _, o := range test.LaidOutObjects(root) {
			switch l := o.(type) {
			case *widget.Label:
				out = append(out, l.Text)
			case *widget.Check:
				out = append(out, l.Text)
			}
		}
	}
	return strings.Join(out, "\n")
}

func key(h *harness, name fyne.KeyName) { h.u.list.search.TypedKey(&fyne.KeyEvent{Name: name}) }

func mustNext(t *testing.T, a vault.Account, at time.Time) string {
	t.Helper()
	c, err := a.NextCode(at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var desktopShortcutL = *customShortcut(fyne.KeyL)

func issuers(a []vault.Account) []string {
	var s []string
	for _, x := range a {
		s = append(s, x.Issuer)
	}
	return s
}

func lower(s []string) []string {
	for i := range s {
		s[i] = strings.ToLower(s[i])
	}
	return s
}

// stateName names the current screen: "starting", "setup", "locked",
// "codes" or "error".
func (u *UI) stateName() string {
	return [...]string{"starting", "setup", "locked", "codes", "error"}[u.state]
}
