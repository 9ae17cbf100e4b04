package desktop

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"authdesk/vault"
)

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

func TestCopyAndClipboardClear(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	clip := h.a.Clipboard()
	first := h.u.list.accounts[0]

	key(h, fyne.KeyReturn)
	if got, want := clip.Content(), code(t, first, h.now); got != want {
		t.Fatalf("Enter copied %q, want %q", got, want)
	}
	if got := h.u.frame.toast.Message(); got != "Copied — clears in 30 s" {
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
