package desktop

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	qrcode "github.com/skip2/go-qrcode"

	"authdesk/vault"
	"authdesk/vault/migration"
)

func TestManualEntry(t *testing.T) {
	h := openWith(t)
	if !h.u.list.empty.Visible() {
		t.Errorf("empty vault: no empty-state message")
	}
	h.u.windowShortcut(customShortcut(fyne.KeyN))
	test.Tap(h.button("Enter key manually"))
	f := h.u.adding.manual
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
	// The toast names the account and shows no code: it would outlive the
	// code's period, while the selected row shows the current one (#17).
	if msg := h.u.frame.toast.Message(); !strings.Contains(msg, accts[0].Title()) || strings.ContainsAny(msg, "0123456789") {
		t.Errorf("toast %q: want the account's name and no code", msg)
	}
	// The same key again is flagged, not duplicated.
	h.u.showManualEntry()
	f = h.u.adding.manual
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
	h.u.dropped([]fyne.URI{storage.NewFileURI(img)})
	if h.u.adding.review == nil {
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
	h.u.dropped([]fyne.URI{storage.NewFileURI(writeQR(t, dir, "link.png", "https://example.com/menu"))})
	if txt := h.overlayText(); !strings.Contains(txt, "Not an authenticator QR code") || !strings.Contains(txt, "web link") {
		t.Errorf("web link QR: %q", txt)
	}
	// Not an image at all, whatever its name: transfer.Import goes by the
	// content.
	h.u.closeOverlays()
	junk := filepath.Join(dir, "junk.png")
	os.WriteFile(junk, []byte("not a png"), 0o600)
	h.u.dropped([]fyne.URI{storage.NewFileURI(junk)})
	if txt := h.overlayText(); !strings.Contains(txt, "not a known export format") {
		t.Errorf("junk file: %q", txt)
	}
}

// fakeScanner returns fixed results (for the desktop-dependent sources).
type fakeScanner struct {
	systemScanner
	clip, screen []string
	err          error
}

func (f fakeScanner) Clipboard() ([]string, error) { return f.clip, f.err }

func (f fakeScanner) Screen() ([]string, error) { return f.screen, f.err }

func TestPasteTextImageAndDuplicate(t *testing.T) {
	h := openWith(t)
	clip := h.a.Clipboard()
	clip.SetContent(ghURI)
	h.u.list.search.TypedShortcut(&fyne.ShortcutPaste{Clipboard: clip})
	if h.u.adding.review == nil {
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
	h.u.adding.review = nil
	h.u.paste()
	rv := h.u.adding.review
	if rv == nil || rv.found[0].dup == nil || rv.found[0].add.Checked || !strings.Contains(rv.found[0].add.Text, "already in your vault") {
		t.Fatalf("duplicate not flagged: %+v", rv)
	}
	test.Tap(h.button("Add"))
	if n := len(h.u.v.Accounts()); n != 1 {
		t.Fatalf("duplicate added: %d accounts", n)
	}

	// An image on the clipboard (the system clipboard is faked here; the
	// e2e test uses the real one).
	h.u.cfg.scanner = fakeScanner{clip: []string{"otpauth://hotp/Bank:bob?secret=MFRGGZDFMZTWQ2LK&counter=3"}}
	clip.SetContent("")
	h.u.paste()
	test.Tap(h.button("Add"))
	if sel, _ := h.u.list.Selected(); sel.Type != vault.HOTP || sel.Counter != 3 {
		t.Errorf("pasted image account: %+v", sel)
	}
	h.u.cfg.scanner = fakeScanner{err: errClipboard}
	h.u.paste()
	if txt := h.overlayText(); !strings.Contains(txt, "no image") {
		t.Errorf("empty clipboard: %q", txt)
	}
}

var errClipboard = errors.Join(errors.New("no image on the clipboard"))

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
	rv := h.u.adding.review
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
	if rv := h.u.adding.review; !strings.Contains(rv.notes, "All 2 QR codes") {
		t.Errorf("part 2 notes %q", rv.notes)
	}
	test.Tap(h.button("Add"))
	if n := len(h.u.v.Accounts()); n != 3 {
		t.Fatalf("%d accounts after part 2, want 3", n)
	}
}

func TestScanScreen(t *testing.T) {
	h := openWith(t)
	h.u.cfg.scanner = fakeScanner{screen: []string{ghURI, "WIFI:S:home;T:WPA;P:secret;;"}}
	h.w.Show()
	h.u.scanScreen()
	if len(h.timers) == 0 {
		t.Fatal("scan did not wait for the window to hide")
	}
	h.advance(time.Second)
	rv := h.u.adding.review
	if rv == nil || len(rv.found) != 1 || !strings.Contains(rv.notes, "Wi-Fi") {
		t.Fatalf("scan review: %+v", rv)
	}
	if txt := h.overlayText(); !strings.Contains(txt, "Found 1 account on your screen") {
		t.Errorf("scan review title: %q", txt)
	}
	test.Tap(h.button("Add"))
	if n := len(h.u.v.Accounts()); n != 1 {
		t.Fatalf("%d accounts after scanning", n)
	}
	h.u.cfg.scanner = fakeScanner{err: errors.New("screen capture unavailable: open a screenshot file or paste one from the clipboard instead")}
	h.u.scanScreen()
	h.advance(time.Second)
	if txt := h.overlayText(); !strings.Contains(txt, "open a screenshot file") {
		t.Errorf("scan failure says %q", txt)
	}
}
