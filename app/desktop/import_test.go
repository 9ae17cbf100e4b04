package desktop

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// transferFixture is a file written by vault/transfer's fixture generator
// the way another authenticator writes it.
func transferFixture(name string) fyne.URI {
	p, _ := filepath.Abs(filepath.Join("..", "..", "vault", "transfer", "testdata", name))
	return storage.NewFileURI(p)
}

// fixturePassword opens the encrypted fixtures.
const fixturePassword = "Passwört 1"

// passwordEntry finds the visible password field of the top dialog.
func (h *harness) passwordEntry() *widget.Entry {
	h.t.Helper()
	for _, root := range h.w.Canvas().Overlays().List() {
		for _, o := range test.LaidOutObjects(root) {
			if e, ok := o.(*widget.Entry); ok && e.Password && e.Visible() {
				return e
			}
		}
	}
	h.t.Fatalf("no password field on screen; dialogs say %q", h.overlayText())
	return nil
}

// TestImportEncryptedAegisByDrop: dropping an encrypted Aegis export asks
// for its password (again after a wrong one), shows the accounts with the
// skipped entry named, adds them on confirmation, and marks them as
// duplicates the second time.
func TestImportEncryptedAegisByDrop(t *testing.T) {
	h := openWith(t)
	h.u.dropped([]fyne.URI{transferFixture("aegis_encrypted.json")})
	if !strings.Contains(h.overlayText(), "Enter the export's password") {
		t.Fatalf("no password prompt: %q", h.overlayText())
	}
	test.Type(h.passwordEntry(), "wrong")
	test.Tap(h.button("Open"))
	if !strings.Contains(h.overlayText(), "Wrong password") {
		t.Fatalf("wrong password not said: %q", h.overlayText())
	}
	test.Type(h.passwordEntry(), fixturePassword)
	test.Tap(h.button("Open"))
	rv := h.u.adding.review
	if rv == nil || len(rv.found) != 8 {
		t.Fatalf("review %+v; dialogs %q", rv, h.overlayText())
	}
	if !strings.Contains(rv.notes, "Yandex") {
		t.Errorf("notes %q do not name the skipped Yandex entry", rv.notes)
	}
	test.Tap(h.button("Add"))
	if n := len(h.u.v.Accounts()); n != 8 {
		t.Fatalf("%d accounts after import, want 8", n)
	}

	// The same accounts from another app: all marked, none ticked.
	h.u.closeOverlays()
	h.u.adding.review = nil
	h.u.dropped([]fyne.URI{transferFixture("2fas_plain.2fas")})
	rv = h.u.adding.review
	if rv == nil || len(rv.found) != 8 {
		t.Fatalf("second review %+v; dialogs %q", rv, h.overlayText())
	}
	for _, c := range rv.found {
		if c.dup == nil || c.add.Checked || !strings.Contains(c.add.Text, "already in your vault") {
			t.Errorf("%s not marked as a duplicate", c.acct.Title())
		}
	}
	test.Tap(h.button("Add"))
	if n := len(h.u.v.Accounts()); n != 8 {
		t.Errorf("%d accounts after importing duplicates, want 8", n)
	}
}

// TestImportBrokenFiles: each bad file is refused with its reason, and
// nothing is added.
func TestImportBrokenFiles(t *testing.T) {
	h := openWith(t)
	dir := t.TempDir()
	random := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	junk := filepath.Join(dir, "backup.json")
	if err := os.WriteFile(junk, random, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		uri      fyne.URI
		password string
		want     string
	}{
		{transferFixture("aegis_encrypted_bitflip.json"), fixturePassword, "damaged"},
		{transferFixture("aegis_version4.json"), "", "unsupported version"},
		{transferFixture("bitwarden_encrypted.json"), "", ".json (Encrypted)"},
		{transferFixture("aegis_encrypted_truncated.json"), "", "malformed"},
		{storage.NewFileURI(junk), "", "not a known export format"},
	} {
		h.u.closeOverlays()
		h.u.dropped([]fyne.URI{tt.uri})
		if tt.password != "" {
			test.Type(h.passwordEntry(), tt.password)
			test.Tap(h.button("Open"))
		}
		if txt := h.overlayText(); !strings.Contains(txt, tt.want) {
			t.Errorf("%s: dialogs say %q, want %q", tt.uri.Name(), txt, tt.want)
		}
	}
	if n := len(h.u.v.Accounts()); n != 0 {
		t.Errorf("%d accounts added from broken files", n)
	}
}

// TestImportFileShortcut: Ctrl+I opens the file chooser.
func TestImportFileShortcut(t *testing.T) {
	h := openWith(t)
	if h.w.Canvas().Overlays().Top() != nil {
		t.Fatal("a dialog is open before Ctrl+I")
	}
	h.u.windowShortcut(customShortcut(fyne.KeyI))
	if h.w.Canvas().Overlays().Top() == nil {
		t.Fatal("Ctrl+I opened no dialog")
	}
}

// TestPasteExportText: the text of a whole export file pasted from the
// clipboard is read as one file.
func TestPasteExportText(t *testing.T) {
	h := openWith(t)
	b, err := os.ReadFile(filepath.Join("..", "..", "vault", "transfer", "testdata", "bitwarden.json"))
	if err != nil {
		t.Fatal(err)
	}
	h.a.Clipboard().SetContent(string(b))
	h.u.paste()
	if rv := h.u.adding.review; rv == nil || len(rv.found) != 8 || !strings.Contains(rv.notes, "without a TOTP key") {
		t.Fatalf("review %+v; dialogs %q", rv, h.overlayText())
	}
}
