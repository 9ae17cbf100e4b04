package desktop

import (
	"errors"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/hotkey"
	"authdesk/vault"
	"authdesk/vault/keychain"
)

// quickAccounts are sampleAccounts with AWS starred and Google used.
func quickAccounts(t *testing.T) []vault.Account {
	accts := sampleAccounts(t)
	accts[4].Favorite = true
	accts[1].LastUsed = t0.Add(-time.Hour)
	return accts
}

// quickShown lists the issuers the popup's rows show, in order.
func quickShown(p *quickPopup) []string {
	var s []string
	for _, i := range p.shown {
		s = append(s, p.accts[i].Issuer)
	}
	return s
}

func quickKey(p *quickPopup, name fyne.KeyName) { p.field().TypedKey(&fyne.KeyEvent{Name: name}) }

// popupText is every text the popup's window shows.
func popupText(p *quickPopup) string {
	var out []string
	for _, o := range test.LaidOutObjects(p.win.Canvas().Content()) {
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o.Text)
		case *quickRow:
			out = append(out, o.issuerText, o.nameText, o.code.Text)
		}
	}
	return strings.Join(out, "\n")
}

func TestQuickPopupOrderFilterCopy(t *testing.T) {
	accts := quickAccounts(t)
	h := openWith(t, accts...)
	h.u.openQuick()
	p := h.u.quick.popup
	if !p.open || p.win.Title() != QuickTitle {
		t.Fatalf("popup open %v, title %q", p.open, p.win.Title())
	}
	if p.win.Canvas().Focused() != p.search {
		t.Fatalf("the search field does not have the focus")
	}
	// Nothing typed: favourites, then recent, then the rest in list order.
	if got, want := quickShown(p), []string{"AWS", "Google", "GitHub", "Steam", "Example Bank"}; !slices.Equal(got, want) {
		t.Fatalf("quick order = %v, want %v", got, want)
	}
	// The favourite's row wears the star, as in the main list.
	stars := 0
	for _, o := range test.LaidOutObjects(p.win.Canvas().Content()) {
		if r, ok := o.(*quickRow); ok && r.acct.ID != "" {
			if r.star.Visible() != r.acct.Favorite {
				t.Errorf("%s's row: star shown %v, favourite %v", r.acct.Issuer, r.star.Visible(), r.acct.Favorite)
			}
			if r.star.Visible() {
				stars++
			}
		}
	}
	if stars != 1 {
		t.Errorf("%d rows show a star, want 1 (AWS)", stars)
	}
	// The main search's rule: every word in the issuer, name or a tag.
	test.Type(p.search, "work")
	if got := quickShown(p); !slices.Equal(got, []string{"AWS", "GitHub"}) {
		t.Fatalf("\"work\" shows %v, want the two tagged work", got)
	}
	p.search.SetText("")
	test.Type(p.search, "goo")
	if got := quickShown(p); !slices.Equal(got, []string{"Google"}) {
		t.Fatalf("\"goo\" shows %v", got)
	}
	if !strings.Contains(popupText(p), vault.GroupCode(code(t, accts[1], h.now))) {
		t.Fatalf("the row does not show Google's code:\n%s", popupText(p))
	}
	quickKey(p, fyne.KeyReturn)
	if got := h.a.Clipboard().Content(); got != code(t, accts[1], h.now) {
		t.Fatalf("Enter copied %q, want Google's code", got)
	}
	if p.open || p.search.Text != "" || strings.Contains(popupText(p), "Google") {
		t.Fatalf("after Enter: open %v, search %q, text %q", p.open, p.search.Text, popupText(p))
	}
}

func TestQuickPopupKeys(t *testing.T) {
	accts := quickAccounts(t)
	h := openWith(t, accts...)
	h.u.openQuick()
	p := h.u.quick.popup
	quickKey(p, fyne.KeyDown)
	quickKey(p, fyne.KeyDown)
	quickKey(p, fyne.KeyDown)
	quickKey(p, fyne.KeyUp)
	quickKey(p, fyne.KeyReturn)
	if got := h.a.Clipboard().Content(); got != code(t, accts[0], h.now) {
		t.Fatalf("Down Down Down Up Enter copied %q, want GitHub's (the third) code", got)
	}
	// Esc closes without copying.
	h.a.Clipboard().SetContent("")
	h.u.openQuick()
	quickKey(p, fyne.KeyEscape)
	if p.open || h.a.Clipboard().Content() != "" {
		t.Fatalf("Esc: open %v, clipboard %q", p.open, h.a.Clipboard().Content())
	}
	// Losing the keyboard closes; moving it inside the popup does not.
	h.u.openQuick()
	p.focus(p.search)
	if !p.open {
		t.Fatal("the popup closed when it focused its own field")
	}
	// X11 sends a FocusOut just before the FocusIn when the keyboard comes
	// to the popup from PointerRoot: a loss that comes straight back keeps
	// it open.
	p.search.FocusLost()
	p.search.FocusGained()
	h.advance(quickBlurGrace)
	if !p.open {
		t.Fatal("the popup closed on a focus loss that came straight back")
	}
	p.search.FocusLost()
	h.advance(quickBlurGrace)
	if p.open {
		t.Fatal("the popup stayed open after its window lost the focus")
	}
	// Locking closes it.
	h.u.openQuick()
	h.u.lock()
	if p.open || p.accts != nil {
		t.Fatal("the popup stayed open, or kept the accounts, after the lock")
	}
}

func TestQuickPopupLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	accts := quickAccounts(t)
	newVault(t, path, nil, accts...)
	h := newHarness(t, path, nil, nil)
	h.u.start()
	if h.u.stateName() != "locked" {
		t.Fatalf("state %q, want locked", h.u.stateName())
	}
	h.u.openQuick()
	p := h.u.quick.popup
	text := popupText(p)
	for _, a := range accts {
		if strings.Contains(text, a.Issuer) || strings.Contains(text, a.Name) {
			t.Fatalf("the locked popup shows %q:\n%s", a.Issuer, text)
		}
	}
	if p.win.Canvas().Focused() != p.secret || !strings.Contains(text, "password") {
		t.Fatalf("the locked popup does not ask for the password:\n%s", text)
	}
	test.Type(p.secret, "wrong")
	quickKey(p, fyne.KeyReturn)
	if !p.open || !strings.Contains(popupText(p), "Wrong PIN or password") || h.u.stateName() != "locked" {
		t.Fatalf("wrong password: open %v, state %s, text %q", p.open, h.u.stateName(), popupText(p))
	}
	test.Type(p.secret, testPassword)
	quickKey(p, fyne.KeyReturn)
	if h.u.stateName() != "codes" || p.field() != p.search || p.win.Canvas().Focused() != p.search {
		t.Fatalf("right password: state %s, search mode %v", h.u.stateName(), p.field() == p.search)
	}
	test.Type(p.search, "ste")
	quickKey(p, fyne.KeyReturn)
	if got := h.a.Clipboard().Content(); got != code(t, accts[2], h.now) {
		t.Fatalf("copied %q, want Steam's code", got)
	}
}

// TestQuickPopupTypeAhead types the password, Enter, three letters and
// Enter before the unlock finishes, as fast typists do: the letters reach
// the search and Enter copies, instead of falling into the disabled field.
func TestQuickPopupTypeAhead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	accts := quickAccounts(t)
	newVault(t, path, nil, accts...)
	h := newHarness(t, path, nil, nil)
	h.u.start()
	var running []func()
	h.u.cfg.spawn = func(f func()) { running = append(running, f) }
	h.u.openQuick()
	p := h.u.quick.popup
	test.Type(p.secret, testPassword)
	quickKey(p, fyne.KeyReturn)
	if !p.busy || len(running) != 1 {
		t.Fatalf("the unlock did not start in the background (busy %v, %d spawned)", p.busy, len(running))
	}
	test.Type(p.secret, "stx")
	quickKey(p, fyne.KeyBackspace)
	quickKey(p, fyne.KeyReturn)
	if h.a.Clipboard().Content() != "" {
		t.Fatal("copied before the vault was open")
	}
	running[0]() // "st" (AWS, the favourite, would come first with nothing typed)
	if got := h.a.Clipboard().Content(); got != code(t, accts[2], h.now) || p.open {
		t.Fatalf("Enter typed during the unlock: copied %q (want Steam's code), popup open %v", got, p.open)
	}
}

func TestQuickPopupOpensOnceTheVaultIs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age")
	newVault(t, path, nil, quickAccounts(t)...)
	h := newHarness(t, path, nil, nil)
	h.u.openQuick() // authdesk --quick starting Authdesk: the vault is not open yet
	if h.u.quick.popup.open {
		t.Fatal("the popup opened before the vault")
	}
	h.u.start()
	if !h.u.quick.popup.open || h.u.quick.popup.field() != h.u.quick.popup.secret {
		t.Fatal("the popup did not open, asking for the password, once the vault was")
	}
}

func TestQuickCopyWaitsForTheNextCode(t *testing.T) {
	accts := quickAccounts(t)
	h := openWith(t, accts...)
	h.u.prefs.SetCopyWait(true, 5)
	h.advance(22 * time.Second) // t0 is 5 s into its period: 3 s left
	h.u.openQuick()
	p := h.u.quick.popup
	test.Type(p.search, "github")
	quickKey(p, fyne.KeyReturn)
	if !p.open || p.status.Text != "Copying in 3 s" || h.a.Clipboard().Content() != "" {
		t.Fatalf("3 s left: open %v, status %q, clipboard %q", p.open, p.status.Text, h.a.Clipboard().Content())
	}
	h.advance(time.Second)
	if p.status.Text != "Copying in 2 s" {
		t.Fatalf("a second later the status says %q", p.status.Text)
	}
	h.advance(2 * time.Second)
	if got, want := h.a.Clipboard().Content(), code(t, accts[0], h.now); got != want || p.open {
		t.Fatalf("at the new period: clipboard %q, want %q; open %v", got, want, p.open)
	}
	if code(t, accts[0], h.now) == code(t, accts[0], h.now.Add(-4*time.Second)) {
		t.Fatal("test setup: the code did not change")
	}
	// With plenty left, or the option off, it copies at once.
	h.u.openQuick()
	test.Type(p.search, "github")
	quickKey(p, fyne.KeyReturn)
	if p.open {
		t.Fatal("with 30 s left the copy waited")
	}
}

type fakeListener struct {
	trigger string
	closed  *bool
}

func (f fakeListener) Trigger() string { return f.trigger }
func (f fakeListener) Close() error {
	if f.closed != nil {
		*f.closed = true
	}
	return nil
}
func (f fakeListener) open() bool { return f.closed != nil && !*f.closed }

func TestShortcutSettings(t *testing.T) {
	h := openWith(t, quickAccounts(t)...)
	var got []hotkey.Shortcut
	fire := func() {}
	results := map[string]error{"Ctrl+Alt+A": hotkey.ErrTaken, "Ctrl+Alt+K": nil,
		"Super+Q": errors.Join(errors.New("no portal"), hotkey.ErrUnsupported)}
	h.u.cfg.registerKey = func(s hotkey.Shortcut, f func()) (hotkey.Listener, error) {
		got = append(got, s)
		fire = f
		if err := results[s.String()]; err != nil {
			return nil, err
		}
		return fakeListener{s.String(), new(bool)}, nil
	}
	h.u.startShortcut()
	h.u.showSettings()
	q := h.u.settingsUI.quick
	if !strings.Contains(q.status.Text, "Another program already uses Ctrl+Alt+A") {
		t.Fatalf("taken shortcut: status %q", q.status.Text)
	}
	q.shortcut.SetText("ctrl+alt+k")
	q.shortcut.OnSubmitted(q.shortcut.Text)
	if h.u.prefs.QuickShortcut() != "Ctrl+Alt+K" || !strings.Contains(q.status.Text, "Ctrl+Alt+K opens quick access") || q.command.Visible() {
		t.Fatalf("after Ctrl+Alt+K: saved %q, status %q", h.u.prefs.QuickShortcut(), q.status.Text)
	}
	fire()
	if !h.u.quick.popup.open {
		t.Fatal("the shortcut's press did not open the popup")
	}
	h.u.quick.popup.close()
	q.shortcut.SetText("Super+Q")
	q.shortcut.OnSubmitted(q.shortcut.Text)
	if !strings.Contains(q.status.Text, "does not let Authdesk set a global shortcut") || !q.command.Visible() || q.command.Text != "authdesk --quick --vault "+h.u.cfg.VaultPath {
		t.Fatalf("unsupported: status %q, command shown %v", q.status.Text, q.command.Visible())
	}
	q.shortcut.SetText("Shift+A")
	q.shortcut.OnSubmitted(q.shortcut.Text)
	if !strings.Contains(q.status.Text, "add Ctrl, Alt or Super") || len(got) != 3 {
		t.Fatalf("Shift+A: status %q, registrations %v", q.status.Text, got)
	}
	q.shortcut.SetText("Ctrl+Alt+K")
	q.shortcut.OnSubmitted(q.shortcut.Text)
	if len(got) != 4 || !h.u.quick.key.l.(fakeListener).open() {
		t.Fatalf("Ctrl+Alt+K again: registrations %v", got)
	}
	bound := h.u.quick.key.l.(fakeListener)
	// An empty entry is no global shortcut: the key is released, nothing
	// new is registered, and the command to bind by hand shows.
	q.shortcut.SetText("  ")
	q.shortcut.OnSubmitted(q.shortcut.Text)
	if h.u.prefs.QuickShortcut() != "" || len(got) != 4 || bound.open() || h.u.quick.key.l != nil {
		t.Fatalf("cleared: saved %q, registrations %v, old key still held %v", h.u.prefs.QuickShortcut(), got, bound.open())
	}
	if !strings.HasPrefix(q.status.Text, "No global shortcut") || !q.command.Visible() || q.shortcut.Validate() != nil {
		t.Fatalf("cleared: status %q, command shown %v, entry error %v", q.status.Text, q.command.Visible(), q.shortcut.Validate())
	}
	h.u.startShortcut() // as at the next start
	if len(got) != 4 || h.u.quick.key.state != keyOff {
		t.Fatalf("restart without a shortcut registered %v (state %v)", got, h.u.quick.key.state)
	}
	q.wait.SetChecked(true)
	q.waitSecs.SetSelected("8 s")
	if h.u.prefs.CopyMinLeft() != 8 || !strings.Contains(q.waitHint.Text, "less than 8 s left") {
		t.Fatalf("wait option: %d, %q", h.u.prefs.CopyMinLeft(), q.waitHint.Text)
	}
}

// TestQuickSettingsScreens renders Settings in the light and the dark theme
// in a window tall enough for its Quick access and Security sections, with
// the shortcut refused (so that the command to bind by hand shows), checks
// what they say, and saves each as a PNG into $AUTHDESK_SCREENSHOTS when it
// is set, to be looked at.
func TestQuickSettingsScreens(t *testing.T) {
	for _, variant := range []string{"light", "dark"} {
		t.Run(variant, func(t *testing.T) {
			a := test.NewTempApp(t)
			a.Preferences().SetString(prefTheme, variant)
			path := filepath.Join(t.TempDir(), "vault.age")
			kc := &keychain.Memory{}
			newVault(t, path, kc, quickAccounts(t)...)
			h := newHarness(t, path, kc, a)
			h.u.cfg.registerKey = func(hotkey.Shortcut, func()) (hotkey.Listener, error) {
				return nil, fmt.Errorf("no GlobalShortcuts portal: %w", hotkey.ErrUnsupported)
			}
			h.u.start()
			h.u.startShortcut()
			h.u.showSettings()
			h.w.Resize(fyne.NewSize(560, 1400))
			// Settings are a dialog 440 wide: wider content is cut off.
			if w := h.u.settingsUI.quick.box.MinSize().Width; w > 440 {
				t.Errorf("the Quick access section needs %v wide, more than the dialog's 440: it is cut off", w)
			}
			text := strings.Join(canvasTexts(h.w.Canvas().Overlays().Top()), "\n")
			for _, want := range []string{"Quick access", "Ctrl+Alt+A", "authdesk --quick", "Security", "Set a PIN"} {
				if !strings.Contains(text, want) {
					t.Errorf("Settings lack %q:\n%s", want, text)
				}
			}
			if dir := os.Getenv("AUTHDESK_SCREENSHOTS"); dir != "" {
				f, err := os.Create(filepath.Join(dir, "settings-quick-"+variant+".png"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if err := png.Encode(f, h.w.Canvas().Capture()); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// canvasTexts lists the texts of the labels, entries and buttons in o.
func canvasTexts(o fyne.CanvasObject) []string {
	var out []string
	for _, o := range test.LaidOutObjects(o) {
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o.Text)
		case *widget.Entry:
			out = append(out, o.Text)
		case *widget.Button:
			out = append(out, o.Text)
		case *canvas.Text:
			out = append(out, o.Text)
		case *widget.RichText:
			out = append(out, o.String())
		}
	}
	return out
}
