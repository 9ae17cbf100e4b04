package workbench

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"authdesk/app/desktop/look"
	"authdesk/app/platform"
	"authdesk/scanner"
	"authdesk/vault"
	"authdesk/vault/keychain"
)

const testPassword = "correct horse battery"

// t0 is the fake clock's start.
var t0 = time.Date(2026, 3, 4, 10, 0, 5, 0, time.UTC)

// harness stands in for the desktop app that opens the workbench: the
// user's open vault, a synchronous runner and timers that fire on demand.
type harness struct {
	t      *testing.T
	a      fyne.App
	now    time.Time
	timers []*timer
	cfg    Config
	user   *vault.Vault // the user's vault, open
}

type timer struct {
	at      time.Time
	f       func()
	stopped bool
}

// openWith creates the user's keychain-backed vault with accts, opens it,
// and returns the Config a desktop app would pass.
func openWith(t *testing.T, accts ...vault.Account) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(look.New("light")) // as the README picture shows it
	// The user's vault where it lives by default (vault.DefaultPath), in
	// a home directory of its own: the window shows it as ~/.config/….
	home := t.TempDir()
	path := filepath.Join(home, ".config", "authdesk", "vault.age")
	kc := &keychain.Memory{}
	newVault(t, path, kc, accts...)
	opts := vault.Options{WorkFactor: 10, Keychain: kc}
	user, err := vault.Open(path, opts)
	if err != nil {
		t.Fatalf("open the user's vault: %v", err)
	}
	t.Cleanup(func() { user.Close() })
	h := &harness{t: t, a: a, now: t0, user: user}
	h.cfg = Config{App: a, VaultPath: path, Home: home, Options: opts,
		PlatformDB: filepath.Join(t.TempDir(), "platform.db"), PlatformHash: platform.ThrowawayHashCost,
		Decode:    scanner.Bytes,
		UserVault: func() *vault.Vault { return h.user },
		Spawn:     func(f func()) { f() },
		AfterFunc: func(d time.Duration, f func()) func() {
			tm := &timer{at: h.now.Add(d), f: f}
			h.timers = append(h.timers, tm)
			return func() { tm.stopped = true }
		},
	}
	return h
}

// advance moves the clock and fires due timers.
func (h *harness) advance(d time.Duration) {
	h.now = h.now.Add(d)
	var due, rest []*timer
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

func sampleAccounts(t *testing.T) []vault.Account {
	t.Helper()
	s, err := vault.DecodeSecret("JBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	return []vault.Account{
		{Issuer: "GitHub", Name: "alice@example.com", Secret: s, Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30},
	}
}

// press types the key name into c as the driver would: to the focused
// widget, else to the canvas's key handler.
func press(c fyne.Canvas, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// brokenKeychain is a keychain that cannot be reached.
type brokenKeychain struct{}

func (brokenKeychain) Get(string) (string, error) { return "", keychain.ErrUnavailable }
func (brokenKeychain) Set(string, string) error   { return keychain.ErrUnavailable }
func (brokenKeychain) Delete(string) error        { return keychain.ErrUnavailable }
