package desktop

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"authdesk/vault"
)

// tapMenuItem taps the item labelled label in the pop-up menu on top.
func (h *harness) tapMenuItem(label string) {
	h.t.Helper()
	top := h.w.Canvas().Overlays().Top()
	if top == nil {
		h.t.Fatalf("no menu open to tap %q", label)
	}
	// The innermost tappable holding the label: the menu item, not the
	// pop-up around it (a tap there closes the menu).
	var item fyne.Tappable
	for _, o := range test.LaidOutObjects(top) {
		if tp, ok := o.(fyne.Tappable); ok && slices.ContainsFunc(test.LaidOutObjects(o), func(in fyne.CanvasObject) bool {
			txt, ok := in.(*canvas.Text)
			return ok && txt.Text == label
		}) {
			item = tp
		}
	}
	if item == nil {
		h.t.Fatalf("no menu item %q", label)
	}
	test.Tap(item)
}

// reopened reads the vault file again, as another program would.
func (h *harness) reopened() []vault.Account {
	h.t.Helper()
	v, err := vault.Open(h.cfg.VaultPath, h.cfg.Options)
	if err != nil {
		h.t.Fatal(err)
	}
	defer v.Close()
	return v.Accounts()
}

// TestFavorites: the row menu and Ctrl+D star and unstar the selected
// account; starred accounts come first with a star on their row, in every
// sort order, and stay starred on disk; Move up and down keep to their group.
func TestFavorites(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	c := h.u.list
	if h.rowFor("Steam").star.Visible() {
		t.Fatal("a star before anything is starred")
	}
	h.u.showRowMenu(c.accounts[2].ID, h.rowFor("Steam").more)
	h.tapMenuItem("Add to favourites")
	if got := issuers(c.accounts); !slices.Equal(got, []string{"Steam", "GitHub", "Google", "Example Bank", "AWS"}) {
		t.Fatalf("after starring Steam: %v, want Steam first", got)
	}
	if !h.rowFor("Steam").star.Visible() || h.rowFor("GitHub").star.Visible() {
		t.Errorf("stars: Steam %v, GitHub %v", h.rowFor("Steam").star.Visible(), h.rowFor("GitHub").star.Visible())
	}

	// Ctrl+D on the selected row, from the search field.
	c.list.Select(4) // AWS
	ctrlD := customShortcut(fyne.KeyD)
	c.search.TypedShortcut(ctrlD)
	if got := issuers(c.accounts); !slices.Equal(got, []string{"Steam", "AWS", "GitHub", "Google", "Example Bank"}) {
		t.Fatalf("after Ctrl+D on AWS: %v", got)
	}
	if sel, _ := c.Selected(); sel.Issuer != "AWS" {
		t.Errorf("selected %q after Ctrl+D, want AWS still", sel.Issuer)
	}
	if got := issuers(vault.Favorites(h.reopened())); !slices.Equal(got, []string{"Steam", "AWS"}) {
		t.Errorf("favourites on disk: %v", got)
	}
	h.u.setSort(sortName)
	if got := issuers(c.accounts); !slices.Equal(got, []string{"AWS", "Steam", "Example Bank", "GitHub", "Google"}) {
		t.Errorf("sorted by name: %v, want the favourites first, each group by name", got)
	}
	h.u.setSort(sortManual)

	// Moving stays among the favourites, or among the others.
	h.u.moveBy(c.accounts[1].ID, -1) // AWS above Steam
	h.u.moveBy(c.accounts[1].ID, 1)  // Steam below the last favourite: no move
	h.u.moveBy(c.accounts[2].ID, -1) // GitHub above AWS: no move
	h.u.moveBy(c.accounts[4].ID, -1) // Example Bank above Google
	if got := issuers(c.accounts); !slices.Equal(got, []string{"AWS", "Steam", "GitHub", "Example Bank", "Google"}) {
		t.Errorf("after moves: %v", got)
	}

	// Unstarring puts AWS back among the others, in its manual place.
	c.list.Select(0)
	h.u.windowShortcut(ctrlD)
	if got := issuers(c.accounts); !slices.Equal(got, []string{"Steam", "GitHub", "Example Bank", "Google", "AWS"}) {
		t.Errorf("after unstarring AWS: %v", got)
	}
	if h.rowFor("AWS").star.Visible() {
		t.Errorf("AWS still shows a star")
	}
	h.u.showRowMenu(c.accounts[0].ID, h.rowFor("Steam").more)
	h.tapMenuItem("Remove from favourites")
	if got := vault.Favorites(h.reopened()); len(got) != 0 {
		t.Errorf("favourites left on disk: %v", issuers(got))
	}
}

// TestCopyMarksUsed: copying a code (Enter, a click on the code) records
// when, keeps no backup, and the account becomes recent.
func TestCopyMarksUsed(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	before, _ := vault.Backups(h.cfg.VaultPath)
	h.u.list.list.Select(1) // Google
	key(h, fyne.KeyReturn)
	h.advance(3 * 1e9)
	test.Tap(h.rowFor("AWS").tap)
	after, _ := vault.Backups(h.cfg.VaultPath)
	if len(after) != len(before) {
		t.Errorf("copying kept %d backups", len(after)-len(before))
	}
	recent := vault.Recent(h.reopened(), vault.MaxQuickRecent)
	if got := issuers(recent); !slices.Equal(got, []string{"AWS", "Google"}) {
		t.Fatalf("recent after two copies: %v, want AWS, Google", got)
	}
	if !recent[0].LastUsed.Equal(h.now) || !recent[1].LastUsed.Equal(t0) {
		t.Errorf("last used %v, %v; want %v, %v", recent[0].LastUsed, recent[1].LastUsed, h.now, t0)
	}
}
