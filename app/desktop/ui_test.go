package desktop

import (
	"errors"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"authdesk/vault"
	"authdesk/vault/keychain"
	"authdesk/vault/migration"
)

const testPassword = "correct horse battery"

// t0 is the fake clock's start: 5 s into a 30 s period.
var t0 = time.Date(2026, 3, 4, 10, 0, 5, 0, time.UTC)

// fakeKeychain is an in-memory vault.Keychain.
type fakeKeychain struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *fakeKeychain) Get(id string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	s, ok := k.m[id]
	if !ok {
		return "", keychain.ErrNotFound
	}
	return s, nil
}

func (k *fakeKeychain) Set(id, s string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[id] = s
	return nil
}

func (k *fakeKeychain) Delete(id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, id)
	return nil
}

// harness drives a UI with a fake clock and timers that fire on demand.
type harness struct {
	t      *testing.T
	a      fyne.App
	w      fyne.Window
	u      *UI
	now    time.Time
	timers []timer
	cfg    Config
}

type timer struct {
	at time.Time
	f  func()
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
	h.cfg = Config{VaultPath: path, Options: opts, NoTicker: true,
		Now:       func() time.Time { return h.now },
		Go:        func(f func()) { f() },
		AfterFunc: func(d time.Duration, f func()) { h.timers = append(h.timers, timer{h.now.Add(d), f}) },
		Scanner:   SystemScanner{},
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
	h.u.Tick()
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
	kc := &fakeKeychain{}
	newVault(t, path, kc, accts...)
	h := newHarness(t, path, kc, nil)
	h.u.Start()
	if got := h.u.State(); got != "codes" {
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

// labels returns the text of every visible label in the overlays.
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

func TestFirstRunCreatesVaultThenOpensFromKeychain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "vault.age")
	kc := &fakeKeychain{}
	h := newHarness(t, path, kc, nil)
	h.u.Start()
	if got := h.u.State(); got != "setup" {
		t.Fatalf("state = %q, want setup", got)
	}
	s := h.u.setup
	for _, tc := range []struct{ pw, confirm, want string }{
		{"short", "short", "at least 8 characters"},
		{"long enough pw", "different pw!!", "differ"},
	} {
		s.password.SetText(tc.pw)
		s.confirm.SetText(tc.confirm)
		test.Tap(s.create)
		if !s.errLabel.Visible() || !strings.Contains(s.errLabel.Text, tc.want) {
			t.Errorf("password %q/%q: error %q (visible %v), want it to mention %q", tc.pw, tc.confirm, s.errLabel.Text, s.errLabel.Visible(), tc.want)
		}
		if _, err := os.Stat(path); err == nil {
			t.Fatalf("vault created despite a bad password")
		}
	}
	s.password.SetText(testPassword)
	s.confirm.SetText(testPassword)
	test.Tap(s.create)
	if got := h.u.State(); got != "codes" {
		t.Fatalf("state after create = %q (error %q), want codes", got, s.errLabel.Text)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("vault file: %v, %v", fi, err)
	}
	h.u.v.Close()
	h.u.v = nil

	// A later run opens straight to the codes when the keychain answers...
	h2 := newHarness(t, path, kc, nil)
	h2.u.Start()
	if got := h2.u.State(); got != "codes" {
		t.Fatalf("second run with keychain: state %q, want codes", got)
	}
	// ...and asks for the password when it does not.
	h3 := newHarness(t, path, &fakeKeychain{}, nil)
	h3.u.Start()
	if got := h3.u.State(); got != "locked" {
		t.Fatalf("second run without key in keychain: state %q, want locked", got)
	}
}

func TestUnlockLockAndIdleLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	newVault(t, path, nil, sampleAccounts(t)...)
	h := newHarness(t, path, nil, nil)
	h.u.Start()
	if got := h.u.State(); got != "locked" {
		t.Fatalf("state = %q, want locked (no keychain)", got)
	}
	s := h.u.unlock
	test.Type(s.password, "wrong password")
	test.Tap(s.button)
	if h.u.State() != "locked" || !strings.Contains(s.errLabel.Text, "Wrong password") {
		t.Fatalf("wrong password: state %q, error %q", h.u.State(), s.errLabel.Text)
	}
	test.Type(s.password, testPassword)
	test.Tap(s.button)
	if h.u.State() != "codes" {
		t.Fatalf("right password: state %q, error %q", h.u.State(), s.errLabel.Text)
	}
	row := h.rowFor("GitHub")
	key(h, fyne.KeyReturn) // a code on the clipboard

	// Ctrl+L locks and wipes every code from the rows and the clipboard.
	h.u.list.search.TypedShortcut(&desktopShortcutL)
	if h.u.State() != "locked" {
		t.Fatalf("after Ctrl+L: state %q", h.u.State())
	}
	if row.code.Text != "" || row.acct.Secret != nil || h.u.v != nil {
		t.Fatalf("locked UI still holds a code %q or secret", row.code.Text)
	}
	if got := h.a.Clipboard().Content(); got != "" {
		t.Errorf("clipboard still holds %q after locking", got)
	}

	// Idle auto-lock: the default is 5 minutes.
	test.Type(h.u.unlock.password, testPassword)
	test.Tap(h.u.unlock.button)
	if h.u.State() != "codes" {
		t.Fatal("could not unlock again")
	}
	h.advance(4 * time.Minute)
	if h.u.State() != "codes" {
		t.Fatalf("locked after 4 idle minutes")
	}
	key(h, fyne.KeyDown) // activity resets the idle timer
	h.advance(4 * time.Minute)
	if h.u.State() != "codes" {
		t.Fatalf("locked 4 minutes after activity")
	}
	h.advance(61 * time.Second)
	if h.u.State() != "locked" {
		t.Fatalf("not locked after 5 idle minutes")
	}
}

// TestIdleLockResetByMouse checks that moving the mouse over a row or over
// the window's background, and scrolling the list, count as activity for the
// idle auto-lock, which still locks 5 minutes after the last of them.
func TestIdleLockResetByMouse(t *testing.T) {
	accts := sampleAccounts(t)
	for i := range 20 { // enough rows to scroll
		accts = append(accts, vault.Account{Issuer: fmt.Sprintf("Site %02d", i), Name: "bob",
			Secret: []byte(fmt.Sprintf("secret number %02d!!", i)), Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30})
	}
	for _, tc := range []struct {
		name string
		act  func(h *harness)
	}{
		{"move over a row", func(h *harness) {
			row := h.rowFor("Google")
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(row).AddXY(60, 20)
			test.MoveMouse(h.w.Canvas(), pos)
			test.MoveMouse(h.w.Canvas(), pos.AddXY(5, 0))
			if !row.hover.Visible() {
				t.Errorf("row under the mouse not highlighted")
			}
		}},
		{"move over the background", func(h *harness) {
			// The padding left of the search field: no other hoverable there.
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(h.u.list.search).SubtractXY(1, 0)
			test.MoveMouse(h.w.Canvas(), pos)
			test.MoveMouse(h.w.Canvas(), pos.AddXY(1, 0))
		}},
		{"scroll the list", func(h *harness) {
			row := h.rowFor("Google")
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(row).AddXY(60, 20)
			test.Scroll(h.w.Canvas(), pos, 0, -200)
			if h.u.list.list.GetScrollOffset() == 0 {
				t.Fatalf("the list did not scroll")
			}
			h.advance(time.Second) // the next tick notices
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := openWith(t, accts...)
			h.advance(4 * time.Minute)
			tc.act(h)
			h.advance(4 * time.Minute)
			if h.u.State() != "codes" {
				t.Fatalf("locked 4 minutes after the user's %s", tc.name)
			}
			h.advance(61 * time.Second)
			if h.u.State() != "locked" {
				t.Fatalf("not locked 5 minutes after the last activity")
			}
		})
	}
}

func TestCodesTickWithoutRebuild(t *testing.T) {
	accts := sampleAccounts(t)
	h := openWith(t, accts...)
	c := h.u.list
	if got := len(c.shown); got != len(accts) {
		t.Fatalf("%d rows shown, want %d", got, len(accts))
	}
	if sel, ok := c.Selected(); !ok || sel.Issuer != "GitHub" {
		t.Fatalf("selected at start = %v %v, want GitHub", sel.Issuer, ok)
	}
	for _, a := range c.accounts {
		r := h.rowFor(a.Issuer)
		if want := vault.GroupCode(code(t, a, h.now)); r.code.Text != want {
			t.Errorf("%s shows %q, want %q", a.Issuer, r.code.Text, want)
		}
		if r.next.Text != "" {
			t.Errorf("%s shows next code %q 25 s before the change", a.Issuer, r.next.Text)
		}
	}
	if g := h.rowFor("Google").code.Text; len(g) != 9 || g[4] != ' ' {
		t.Errorf("8-digit code grouped as %q, want 4+4", g)
	}
	if s := h.rowFor("Steam").code.Text; len(s) != 5 || strings.Contains(s, " ") {
		t.Errorf("Steam code %q, want 5 characters", s)
	}
	created := len(c.rows)
	gh := h.rowFor("GitHub")
	gha := c.accounts[0]
	fullWidth := gh.bar.Size().Width
	h.advance(16 * time.Second) // 21 s into the period: 9 s left
	if want := "next " + vault.GroupCode(mustNext(t, gha, h.now)); gh.next.Text != want {
		t.Errorf("9 s before the change: next %q, want %q", gh.next.Text, want)
	}
	if w := gh.bar.Size().Width; !(w < fullWidth) {
		t.Errorf("countdown bar did not shrink: %v -> %v", fullWidth, w)
	}
	if gh.bar.FillColor != theme.Color(theme.ColorNamePrimary) {
		t.Errorf("bar warning-coloured 9 s before the change")
	}
	h.advance(5 * time.Second) // 4 s left
	if gh.bar.FillColor != theme.Color(theme.ColorNameWarning) {
		t.Errorf("bar not warning-coloured 4 s before the change")
	}
	h.advance(5 * time.Second) // new period
	if want := vault.GroupCode(code(t, gha, h.now)); gh.code.Text != want {
		t.Errorf("after the change: %q, want %q", gh.code.Text, want)
	}
	if len(c.rows) != created || h.rowFor("GitHub") != gh {
		t.Errorf("ticks rebuilt the rows: %d -> %d", created, len(c.rows))
	}
}

func mustNext(t *testing.T, a vault.Account, at time.Time) string {
	t.Helper()
	c, err := a.NextCode(at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var desktopShortcutL = *customShortcut(fyne.KeyL)

func TestCopyAndClipboardClear(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	clip := h.a.Clipboard()
	first := h.u.list.accounts[0]

	key(h, fyne.KeyReturn)
	if got, want := clip.Content(), code(t, first, h.now); got != want {
		t.Fatalf("Enter copied %q, want %q", got, want)
	}
	if got := h.u.toast.Message(); got != "Copied — clears in 30 s" {
		t.Errorf("toast %q", got)
	}
	h.advance(29 * time.Second)
	if clip.Content() == "" {
		t.Fatalf("clipboard cleared before 30 s")
	}
	h.advance(time.Second)
	if got := clip.Content(); got != "" {
		t.Fatalf("clipboard still holds %q after 30 s", got)
	}

	// Ctrl+C on the second row; the user copies something else meanwhile.
	key(h, fyne.KeyDown)
	second := h.u.list.accounts[1]
	h.u.list.search.TypedShortcut(&fyne.ShortcutCopy{Clipboard: clip})
	if got, want := clip.Content(), code(t, second, h.now); got != want {
		t.Fatalf("Ctrl+C copied %q, want %q", got, want)
	}
	clip.SetContent("something else")
	h.advance(31 * time.Second)
	if got := clip.Content(); got != "something else" {
		t.Fatalf("clear wiped the user's own clipboard: %q", got)
	}

	// Clicking a code copies it and selects its row.
	test.Tap(h.rowFor("AWS").tap)
	aws := h.u.list.accounts[4]
	if got, want := clip.Content(), code(t, aws, h.now); got != want {
		t.Fatalf("click copied %q, want %q", got, want)
	}
	if sel, _ := h.u.list.Selected(); sel.ID != aws.ID {
		t.Errorf("click selected %q", sel.Issuer)
	}
}

func TestSearchAndKeys(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	c := h.u.list
	titles := func() []string {
		var s []string
		for _, i := range c.shown {
			s = append(s, c.accounts[i].Issuer)
		}
		return s
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"git", []string{"GitHub"}},
		{"ALICE", []string{"GitHub", "Google", "Steam"}},
		{"work", []string{"GitHub", "AWS"}}, // tag
		{"work cloud", []string{"AWS"}},     // every word must match
		{"gmail", []string{"Google"}},       // account name
		{"nothing matches this", nil},
	} {
		c.search.SetText(tc.query)
		if got := titles(); !slices.Equal(got, tc.want) {
			t.Errorf("search %q shows %v, want %v", tc.query, got, tc.want)
		}
		if len(tc.want) > 0 {
			if sel, _ := c.Selected(); sel.Issuer != tc.want[0] {
				t.Errorf("search %q selects %q, want the first match", tc.query, sel.Issuer)
			}
		}
	}
	c.search.SetText("")
	test.Type(c.search, "gi") // real keystrokes filter as well
	if got := titles(); !slices.Equal(got, []string{"GitHub"}) {
		t.Errorf("typing \"gi\" shows %v", got)
	}
	key(h, fyne.KeyEscape)
	if c.search.Text != "" || len(c.shown) != 5 {
		t.Fatalf("Esc left %q and %d rows", c.search.Text, len(c.shown))
	}
	key(h, fyne.KeyDown)
	key(h, fyne.KeyDown)
	key(h, fyne.KeyUp)
	key(h, fyne.KeyDown)
	key(h, fyne.KeyDown)
	if sel, _ := c.Selected(); sel.Issuer != "Example Bank" {
		t.Errorf("after ↓↓↑↓↓ selected %q, want Example Bank", sel.Issuer)
	}
	for range 10 {
		key(h, fyne.KeyDown)
	}
	if sel, _ := c.Selected(); sel.Issuer != "AWS" {
		t.Errorf("↓ past the end selected %q, want the last", sel.Issuer)
	}
	// The search field lets go of the focus after 5 idle seconds, so that its
	// cursor does not animate forever.
	h.w.Canvas().Focus(c.search)
	h.advance(6 * time.Second)
	if h.w.Canvas().Focused() != nil {
		t.Errorf("search field still focused after 6 idle seconds")
	}
	// Ctrl+F focuses the search field from anywhere.
	h.w.Canvas().Unfocus()
	h.u.windowShortcut(customShortcut(fyne.KeyF))
	if h.w.Canvas().Focused() != c.search {
		t.Errorf("Ctrl+F did not focus the search field")
	}
	// Typing with nothing focused searches.
	h.w.Canvas().Unfocus()
	test.TypeOnCanvas(h.w.Canvas(), "aw")
	if c.search.Text != "aw" || len(c.shown) != 1 {
		t.Errorf("typing on the window: search %q, %d rows", c.search.Text, len(c.shown))
	}
}

func TestHOTPAdvanceSavesCounter(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	r := h.rowFor("Example Bank")
	before := r.acct
	if !r.advance.Visible() || r.bar.Visible() {
		t.Fatalf("HOTP row: next-code button visible %v, countdown visible %v", r.advance.Visible(), r.bar.Visible())
	}
	if want := vault.GroupCode(code(t, before, h.now)); r.code.Text != want {
		t.Fatalf("HOTP shows %q, want %q", r.code.Text, want)
	}
	test.Tap(r.advance)
	after, _ := h.u.v.Account(before.ID)
	if after.Counter != before.Counter+1 {
		t.Fatalf("counter %d, want %d", after.Counter, before.Counter+1)
	}
	next := before
	next.Counter++
	want := code(t, next, h.now)
	if got := h.rowFor("Example Bank").code.Text; got != vault.GroupCode(want) {
		t.Errorf("row shows %q after advance, want %q", got, vault.GroupCode(want))
	}
	if got := h.a.Clipboard().Content(); got != want {
		t.Errorf("advance copied %q, want %q", got, want)
	}
	// The counter is on disk: a fresh unlock sees it.
	v, err := vault.Unlock(h.cfg.VaultPath, []byte(testPassword), vault.Options{WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if a, _ := v.Account(before.ID); a.Counter != before.Counter+1 {
		t.Errorf("saved counter %d, want %d", a.Counter, before.Counter+1)
	}
}

func TestManualEntry(t *testing.T) {
	h := openWith(t)
	if !h.u.list.empty.Visible() {
		t.Errorf("empty vault: no empty-state message")
	}
	h.u.windowShortcut(customShortcut(fyne.KeyN))
	test.Tap(h.button("Enter key manually"))
	f := h.u.manual
	if f == nil {
		t.Fatal("manual form not shown")
	}
	if !f.counter.Disabled() || f.period.Disabled() {
		t.Errorf("TOTP form: counter disabled %v, period disabled %v", f.counter.Disabled(), f.period.Disabled())
	}
	f.kind.SetSelectedIndex(1)
	if f.counter.Disabled() || !f.period.Disabled() {
		t.Errorf("HOTP form: counter disabled %v, period disabled %v", f.counter.Disabled(), f.period.Disabled())
	}
	f.kind.SetSelectedIndex(0)
	for _, tc := range []struct {
		name, issuer, account, key, period string
		want                               string
	}{
		{"empty", "", "", "", "30", "Enter the key"},
		{"no names", "", "", "JBSWY3DPEHPK3PXP", "30", "site's name"},
		{"not base32", "GitHub", "", "JBSW Y3DP EHPK 3PX1!", "30", "Not a valid key"},
		{"bad period", "GitHub", "", "JBSWY3DPEHPK3PXP", "0", "whole number of seconds"},
	} {
		f.issuer.SetText(tc.issuer)
		f.name.SetText(tc.account)
		f.key.SetText(tc.key)
		f.period.SetText(tc.period)
		test.Tap(f.add)
		if errs := strings.Join(f.Errors(), "|"); !strings.Contains(errs, tc.want) {
			t.Errorf("%s: errors %q, want %q", tc.name, errs, tc.want)
		}
		if n := len(h.u.v.Accounts()); n != 0 {
			t.Fatalf("%s: invalid form added %d accounts", tc.name, n)
		}
	}
	f.period.SetText("30")
	f.issuer.SetText("GitHub")
	f.name.SetText("alice")
	f.key.SetText("jbsw-y3dp ehpk-3pxp") // lower case, dashes, spaces
	if errs := f.Errors(); len(errs) != 0 {
		t.Errorf("valid form shows errors %q", errs)
	}
	test.Tap(f.add)
	accts := h.u.v.Accounts()
	if len(accts) != 1 || accts[0].Issuer != "GitHub" || vault.EncodeSecret(accts[0].Secret) != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("added %+v", accts)
	}
	if sel, _ := h.u.list.Selected(); sel.ID != accts[0].ID {
		t.Errorf("new account not selected")
	}
	if want := vault.GroupCode(code(t, accts[0], h.now)); !strings.Contains(h.u.toast.Message(), want) {
		t.Errorf("toast %q does not show the first code %q", h.u.toast.Message(), want)
	}
	// The same key again is flagged, not duplicated.
	h.u.ShowManualEntry()
	f = h.u.manual
	f.issuer.SetText("GitHub again")
	f.key.SetText("JBSWY3DPEHPK3PXP")
	test.Tap(f.add)
	if errs := strings.Join(f.Errors(), "|"); !strings.Contains(errs, "already in your vault") {
		t.Errorf("duplicate: errors %q", errs)
	}
	if n := len(h.u.v.Accounts()); n != 1 {
		t.Errorf("duplicate added: %d accounts", n)
	}
}

// writeQR writes a QR code PNG holding payload.
func writeQR(t *testing.T, dir, name, payload string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := qrcode.WriteFile(payload, qrcode.Medium, 320, p); err != nil {
		t.Fatal(err)
	}
	return p
}

const ghURI = "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"

func TestAddFromImageDrop(t *testing.T) {
	h := openWith(t)
	dir := t.TempDir()
	img := writeQR(t, dir, "github.png", ghURI)
	h.u.Dropped([]fyne.URI{storage.NewFileURI(img)})
	if h.u.review == nil {
		t.Fatalf("no review after dropping a QR image; dialogs: %q", h.overlayText())
	}
	if txt := h.overlayText(); !strings.Contains(txt, "GitHub (alice@example.com)") {
		t.Fatalf("review shows %q", txt)
	}
	test.Tap(h.button("Add"))
	accts := h.u.v.Accounts()
	if len(accts) != 1 || accts[0].Issuer != "GitHub" {
		t.Fatalf("added %+v", accts)
	}
	if sel, _ := h.u.list.Selected(); sel.ID != accts[0].ID {
		t.Errorf("new account not selected")
	}

	// A web-link QR code gets a clear message.
	h.u.closeOverlays()
	h.u.Dropped([]fyne.URI{storage.NewFileURI(writeQR(t, dir, "link.png", "https://example.com/menu"))})
	if txt := h.overlayText(); !strings.Contains(txt, "Not an authenticator QR code") || !strings.Contains(txt, "web link") {
		t.Errorf("web link QR: %q", txt)
	}
	// Not an image at all.
	h.u.closeOverlays()
	junk := filepath.Join(dir, "junk.png")
	os.WriteFile(junk, []byte("not a png"), 0o600)
	h.u.Dropped([]fyne.URI{storage.NewFileURI(junk)})
	if txt := h.overlayText(); !strings.Contains(txt, "unsupported") && !strings.Contains(txt, "corrupt") {
		t.Errorf("junk file: %q", txt)
	}
}

// fakeScanner returns fixed results (for the desktop-dependent sources).
type fakeScanner struct {
	SystemScanner
	clip, screen []string
	err          error
}

func (f fakeScanner) Clipboard() ([]string, error) { return f.clip, f.err }
func (f fakeScanner) Screen() ([]string, error)    { return f.screen, f.err }

func TestPasteTextImageAndDuplicate(t *testing.T) {
	h := openWith(t)
	clip := h.a.Clipboard()
	clip.SetContent(ghURI)
	h.u.list.search.TypedShortcut(&fyne.ShortcutPaste{Clipboard: clip})
	if h.u.review == nil {
		t.Fatal("pasting an otpauth link showed no review")
	}
	if h.u.list.search.Text != "" {
		t.Errorf("the link was pasted into the search field")
	}
	test.Tap(h.button("Add"))
	if n := len(h.u.v.Accounts()); n != 1 {
		t.Fatalf("%d accounts after paste", n)
	}

	// Pasting the same secret again flags it and leaves it unticked.
	h.u.review = nil
	h.u.Paste()
	rv := h.u.review
	if rv == nil || rv.found[0].dup == nil || rv.found[0].add.Checked || !strings.Contains(rv.found[0].add.Text, "already in your vault") {
		t.Fatalf("duplicate not flagged: %+v", rv)
	}
	test.Tap(h.button("Add"))
	if n := len(h.u.v.Accounts()); n != 1 {
		t.Fatalf("duplicate added: %d accounts", n)
	}

	// An image on the clipboard (the system clipboard is faked here; the
	// e2e test uses the real one).
	h.u.cfg.Scanner = fakeScanner{clip: []string{"otpauth://hotp/Bank:bob?secret=MFRGGZDFMZTWQ2LK&counter=3"}}
	clip.SetContent("")
	h.u.Paste()
	test.Tap(h.button("Add"))
	if sel, _ := h.u.list.Selected(); sel.Type != vault.HOTP || sel.Counter != 3 {
		t.Errorf("pasted image account: %+v", sel)
	}
	h.u.cfg.Scanner = fakeScanner{err: errClipboard}
	h.u.Paste()
	if txt := h.overlayText(); !strings.Contains(txt, "no image") {
		t.Errorf("empty clipboard: %q", txt)
	}
}

var errClipboard = errors.Join(errors.New("no image on the clipboard"))

func TestEditDeleteAndOrder(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	c := h.u.list
	gh := c.accounts[0]

	h.u.MoveBy(gh.ID, 1)
	if c.accounts[1].ID != gh.ID {
		t.Errorf("move down: order %v", issuers(c.accounts))
	}
	h.u.SetSort(sortName)
	if got := issuers(c.accounts); !slices.IsSorted(lower(got)) {
		t.Errorf("sort by name: %v", got)
	}
	h.now = h.now.Add(time.Minute)
	h.u.addAccounts([]vault.Account{{Issuer: "Mastodon", Name: "alice", Secret: secret(t, "GEZDGNBVGY3TQOJQ"), Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30}})
	h.u.SetSort(sortRecent)
	if got := issuers(c.accounts); got[0] != "Mastodon" {
		t.Errorf("sort by recent: %v, want the account added last first", got)
	}
	if sel, _ := c.Selected(); sel.Issuer != "Mastodon" {
		t.Errorf("after adding, %q is selected, want the new account", sel.Issuer)
	}
	h.u.SetSort(sortManual)
	if got := issuers(c.accounts); got[len(got)-1] != "Mastodon" {
		t.Errorf("manual order after adding: %v, want the new account last", got)
	}
	if err := h.u.v.Remove(c.accounts[len(c.accounts)-1].ID); err != nil {
		t.Fatal(err)
	}
	c.reload(gh.ID)

	h.u.ConfirmDelete(gh.ID)
	if txt := h.overlayText(); !strings.Contains(txt, "Make sure you can still sign in") {
		t.Errorf("delete confirmation says %q", txt)
	}
	test.Tap(h.button("Delete"))
	if _, ok := h.u.v.Account(gh.ID); ok {
		t.Fatal("account not deleted")
	}
	if len(c.shown) != 4 {
		t.Errorf("%d rows after delete", len(c.shown))
	}

	g := c.accounts[0]
	h.u.ShowEdit(g.ID)
	e := h.u.edit
	e.issuer.SetText("Google Workspace")
	e.tags.SetText(" admin, ,mail ")
	e.note.SetText("recovery codes in the safe")
	test.Tap(h.button("Save"))
	got, _ := h.u.v.Account(g.ID)
	if got.Issuer != "Google Workspace" || !slices.Equal(got.Tags, []string{"admin", "mail"}) || got.Note != "recovery codes in the safe" {
		t.Fatalf("edit saved %q %q %q", got.Issuer, got.Tags, got.Note)
	}
	c.search.SetText("admin")
	if len(c.shown) != 1 || h.rowFor("Google Workspace") == nil {
		t.Errorf("edited tag not searchable")
	}
}

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

func TestSettingsPersist(t *testing.T) {
	a := test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "vault.age")
	kc := &fakeKeychain{}
	newVault(t, path, kc, sampleAccounts(t)...)
	h := newHarness(t, path, kc, a)
	h.u.Start()
	if h.u.prefs.AutoLock() != DefaultAutoLock || h.u.prefs.ClipboardClear() != DefaultClipboardClear {
		t.Fatalf("defaults: %v %v", h.u.prefs.AutoLock(), h.u.prefs.ClipboardClear())
	}
	h.u.ShowSettings()
	s := h.u.settingsUI
	s.autoLock.SetSelected("1 minute")
	s.clipboard.SetSelected("10 seconds")
	s.theme.SetSelected("Dark")
	test.Tap(s.minimised)

	h2 := newHarness(t, path, kc, a)
	p := h2.u.prefs
	if p.AutoLock() != time.Minute || p.ClipboardClear() != 10*time.Second || p.Theme() != "dark" || !p.StartMinimised() {
		t.Fatalf("settings not kept: %v %v %q %v", p.AutoLock(), p.ClipboardClear(), p.Theme(), p.StartMinimised())
	}
	if a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight) != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Errorf("dark theme not applied")
	}
	h2.u.Start()
	key(h2, fyne.KeyReturn)
	if got := h2.u.toast.Message(); got != "Copied — clears in 10 s" {
		t.Errorf("toast %q with a 10 s clear", got)
	}
	h2.advance(10 * time.Second)
	if got := a.Clipboard().Content(); got != "" {
		t.Errorf("clipboard not cleared after the configured 10 s: %q", got)
	}
	h2.advance(time.Minute)
	if h2.u.State() != "locked" {
		t.Errorf("not locked after the configured 1 minute")
	}
}

// TestScreenshot renders the codes screen with the software painter, to
// AUTHDESK_SCREENSHOTS if set.
func TestScreenshot(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	h.advance(17 * time.Second)
	img := h.w.Canvas().Capture()
	if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 400 {
		t.Fatalf("capture %v", b)
	}
	dir := os.Getenv("AUTHDESK_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	f, err := os.Create(filepath.Join(dir, "widget-codes.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func TestGoogleExportBatches(t *testing.T) {
	h := openWith(t, sampleAccounts(t)[0]) // GitHub is already in the vault
	mk := func(index int, accts ...vault.Account) string {
		uri, err := migration.Encode(migration.Batch{Accounts: accts, Index: index, Size: 2, BatchID: 77})
		if err != nil {
			t.Fatal(err)
		}
		return uri
	}
	dup := sampleAccounts(t)[0]
	part1 := mk(0, dup, sampleAccounts(t)[4])
	h.u.imported("test", scanResult{payloads: []string{part1}})
	rv := h.u.review
	if rv == nil || len(rv.found) != 2 {
		t.Fatalf("review: %+v (dialogs %q)", rv, h.overlayText())
	}
	if !strings.Contains(rv.notes, "scan code 2 next") {
		t.Errorf("notes %q do not ask for the missing part", rv.notes)
	}
	if rv.found[0].add.Checked || rv.found[0].dup == nil || !rv.found[1].add.Checked {
		t.Errorf("duplicate not flagged/unticked: %v %v", rv.found[0].add.Checked, rv.found[1].add.Checked)
	}
	test.Tap(h.button("Add"))
	if n := len(h.u.v.Accounts()); n != 2 {
		t.Fatalf("%d accounts after part 1, want 2", n)
	}
	part2 := mk(1, sampleAccounts(t)[1])
	h.u.imported("test", scanResult{payloads: []string{part2}})
	if rv := h.u.review; !strings.Contains(rv.notes, "All 2 QR codes") {
		t.Errorf("part 2 notes %q", rv.notes)
	}
	test.Tap(h.button("Add"))
	if n := len(h.u.v.Accounts()); n != 3 {
		t.Fatalf("%d accounts after part 2, want 3", n)
	}
}

func TestScanScreen(t *testing.T) {
	h := openWith(t)
	h.u.cfg.Scanner = fakeScanner{screen: []string{ghURI, "WIFI:S:home;T:WPA;P:secret;;"}}
	h.w.Show()
	h.u.ScanScreen()
	if len(h.timers) == 0 {
		t.Fatal("scan did not wait for the window to hide")
	}
	h.advance(time.Second)
	rv := h.u.review
	if rv == nil || len(rv.found) != 1 || !strings.Contains(rv.notes, "Wi-Fi") {
		t.Fatalf("scan review: %+v", rv)
	}
	test.Tap(h.button("Add"))
	if n := len(h.u.v.Accounts()); n != 1 {
		t.Fatalf("%d accounts after scanning", n)
	}
	h.u.cfg.Scanner = fakeScanner{err: errors.New("screen capture unavailable: open a screenshot file or paste one from the clipboard instead")}
	h.u.ScanScreen()
	h.advance(time.Second)
	if txt := h.overlayText(); !strings.Contains(txt, "open a screenshot file") {
		t.Errorf("scan failure says %q", txt)
	}
}

func TestExportNeedsConfirmation(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	gh := h.u.list.accounts[0]
	h.u.ShowExport(gh.ID)
	if h.u.exported != "" {
		t.Fatal("QR code shown before confirming")
	}
	if txt := h.overlayText(); !strings.Contains(txt, "any phone or camera") {
		t.Errorf("warning says %q", txt)
	}
	test.Tap(h.button("Show QR code"))
	if h.u.exported != gh.ID {
		t.Fatal("QR code not shown after confirming")
	}
	// Locking hides it.
	h.u.Lock()
	if n := len(h.w.Canvas().Overlays().List()); n != 0 {
		t.Errorf("%d dialogs still open after locking", n)
	}
}

// TestScreenshots renders screens with the software painter into
// $AUTHDESK_SCREENSHOTS (if set) for review.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("AUTHDESK_SCREENSHOTS")
	if dir == "" {
		t.Skip("AUTHDESK_SCREENSHOTS not set")
	}
	saveFrom := func(h *harness, name string) {
		t.Helper()
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, h.w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	}

	// First run, and a later run whose keychain does not answer.
	path := filepath.Join(t.TempDir(), "vault.age")
	first := newHarness(t, path, &fakeKeychain{}, nil)
	first.u.Start()
	saveFrom(first, "widget-first-run.png")
	upath := filepath.Join(t.TempDir(), "u.age")
	newVault(t, upath, nil, sampleAccounts(t)...)
	hu := newHarness(t, upath, nil, nil)
	hu.u.Start()
	saveFrom(hu, "widget-unlock.png")

	h := openWith(t, sampleAccounts(t)...)
	save := func(name string) { t.Helper(); saveFrom(h, name) }
	h.advance(17 * time.Second) // 8 s left: next codes shown, bars not yet warning
	h.u.prefs.SetTheme("dark")
	h.u.applyTheme()
	save("widget-dark.png")
	h.advance(4 * time.Second) // 4 s left: warning colour
	h.u.prefs.SetTheme("light")
	h.u.applyTheme()
	save("widget-light.png")
	h.u.ShowManualEntry()
	h.u.manual.key.SetText("not a key!")
	h.u.manual.period.SetText("0")
	test.Tap(h.u.manual.add)
	save("widget-manual.png")
	h.u.closeOverlays()
	h.u.ShowAddChooser()
	save("widget-chooser.png")
	h.u.closeOverlays()
	h.u.ShowSettings()
	save("widget-settings.png")
	h.u.closeOverlays()
	h.u.Dropped([]fyne.URI{storage.NewFileURI(writeQR(t, t.TempDir(), "link.png", "https://example.com/a/rather/long/link/that/is/not/a/code"))})
	save("widget-info.png")
	h.u.closeOverlays()
	export, err := migration.Encode(migration.Batch{Accounts: []vault.Account{sampleAccounts(t)[0],
		{Issuer: "Slack", Name: "bob@acme.example", Secret: secret(t, "MFRGGZDFMZTWQ2LKMFRGGZDF"), Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30},
		{Issuer: "Dropbox", Name: "bob@acme.example", Secret: secret(t, "NBSWY3DPO5XXE3DENBSWY3DP"), Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30}},
		Index: 0, Size: 2, BatchID: 42})
	if err != nil {
		t.Fatal(err)
	}
	h.u.imported("test", scanResult{payloads: []string{export}})
	save("widget-review.png")
	h.u.closeOverlays()
	h.u.ShowExport(h.u.list.accounts[0].ID)
	save("widget-export-confirm.png")
	test.Tap(h.button("Show QR code"))
	save("widget-export.png")
	h.u.closeOverlays()
	h.u.Lock()
	save("widget-locked.png")
}

func TestReloadWhenAnotherProgramChangesTheVault(t *testing.T) {
	h := openWith(t, sampleAccounts(t)[0])
	// Another process (authdesk-cli) adds an account.
	other, err := vault.Open(h.cfg.VaultPath, h.cfg.Options)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Add(sampleAccounts(t)[4]); err != nil {
		t.Fatal(err)
	}
	other.Close()
	h.u.refreshFromDisk()
	if got := issuers(h.u.list.accounts); !slices.Equal(got, []string{"GitHub", "AWS"}) {
		t.Errorf("after another program added AWS the list shows %v", got)
	}
}

// TestBusyDialogStopsItsSpinner checks that the progress dialog of slow work
// appears after half a second and stops its animation when the work is done
// (a running one would redraw the window 60 times a second).
func TestBusyDialogStopsItsSpinner(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	done := h.u.busy("Reading big.png…")
	h.advance(time.Second)
	var bar *widget.ProgressBarInfinite
	for _, root := range h.w.Canvas().Overlays().List() {
		for _, o := range test.LaidOutObjects(root) {
			if b, ok := o.(*widget.ProgressBarInfinite); ok {
				bar = b
			}
		}
	}
	if bar == nil || !bar.Running() {
		t.Fatalf("no running progress bar after 1 s (dialogs %q)", h.overlayText())
	}
	done()
	if bar.Running() {
		t.Errorf("progress bar still animating after the work finished")
	}
	if n := len(h.w.Canvas().Overlays().List()); n != 0 {
		t.Errorf("%d dialogs open after the work finished", n)
	}
}
