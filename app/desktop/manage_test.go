package desktop

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"authdesk/vault"
)

func TestEditDeleteAndOrder(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	c := h.u.list
	gh := c.accounts[0]

	h.u.moveBy(gh.ID, 1)
	if c.accounts[1].ID != gh.ID {
		t.Errorf("move down: order %v", issuers(c.accounts))
	}
	h.u.setSort(sortName)
	if got := issuers(c.accounts); !slices.IsSorted(lower(got)) {
		t.Errorf("sort by name: %v", got)
	}
	h.now = h.now.Add(time.Minute)
	h.u.addAccounts([]vault.Account{{Issuer: "Mastodon", Name: "alice", Secret: secret(t, "GEZDGNBVGY3TQOJQ"), Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30}})
	h.u.setSort(sortRecent)
	if got := issuers(c.accounts); got[0] != "Mastodon" {
		t.Errorf("sort by recent: %v, want the account added last first", got)
	}
	if sel, _ := c.Selected(); sel.Issuer != "Mastodon" {
		t.Errorf("after adding, %q is selected, want the new account", sel.Issuer)
	}
	h.u.setSort(sortManual)
	if got := issuers(c.accounts); got[len(got)-1] != "Mastodon" {
		t.Errorf("manual order after adding: %v, want the new account last", got)
	}
	if err := h.u.v.Remove(c.accounts[len(c.accounts)-1].ID); err != nil {
		t.Fatal(err)
	}
	c.reload(gh.ID)

	h.u.confirmDelete(gh.ID)
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
	h.u.showEdit(g.ID)
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

func TestExportNeedsConfirmation(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	gh := h.u.list.accounts[0]
	h.u.showExport(gh.ID)
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
	h.u.lock()
	if n := len(h.w.Canvas().Overlays().List()); n != 0 {
		t.Errorf("%d dialogs still open after locking", n)
	}
}
