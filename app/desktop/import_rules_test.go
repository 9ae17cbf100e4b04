package desktop

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"authdesk/vault/transfer"
)

// TestImportTooLargeFile: a 33 MiB file is refused with transfer's one
// message, the same words authdesk-cli import prints (TestImportTooLarge
// in app/cli), and nothing is added.
func TestImportTooLargeFile(t *testing.T) {
	h := openWith(t)
	big := []byte("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP\n")
	big = append(big, bytes.Repeat([]byte("#\n"), (33<<20-len(big))/2)...)
	path := filepath.Join(t.TempDir(), "big.txt")
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	h.u.dropped([]fyne.URI{storage.NewFileURI(path)})
	const want = "too large: the file is larger than 32 MiB, the most Authdesk reads; an export or a screenshot is far smaller"
	if txt := h.overlayText(); !strings.Contains(txt, want) {
		t.Errorf("dialogs say %q, want %q", txt, want)
	}
	if n := len(h.u.v.Accounts()); n != 0 {
		t.Errorf("%d accounts added", n)
	}
}

// TestImportReviewShowsFormatAndTypes: the review names the format the
// file was read as and each account's kind of code.
func TestImportReviewShowsFormatAndTypes(t *testing.T) {
	h := openWith(t)
	h.u.dropped([]fyne.URI{transferFixture("aegis_plain.json")})
	rv := h.u.adding.review
	if rv == nil {
		t.Fatalf("no review; dialogs say %q", h.overlayText())
	}
	txt := h.overlayText()
	for _, want := range []string{"Read as: Aegis export", "TOTP, 6 digits, 30 s", "· Steam", "HOTP, 6 digits"} {
		if !strings.Contains(txt, want) {
			t.Errorf("review does not say %q: %q", want, txt)
		}
	}
}

// TestExportDialogNamesSkipped: choosing Google's format says, before the
// export, how many accounts the file will hold and names the ones left
// out.
func TestExportDialogNamesSkipped(t *testing.T) {
	accts := sampleAccounts(t)
	h := openWith(t, accts...)
	skips := transfer.Skips(transfer.GoogleMig, h.u.v.Accounts())
	if len(skips) == 0 {
		t.Fatal("the sample accounts hold none Google's format cannot carry")
	}
	h.u.showExportAll()
	r := h.radio()
	r.SetSelected(r.Options[2]) // Google Authenticator
	txt := h.overlayText()
	held := len(accts) - len(skips)
	if strings.Contains(txt, "all ") || !strings.Contains(txt, "secrets of "+strconv.Itoa(held)+" accounts") {
		t.Errorf("the dialog promises the wrong count: %q", txt)
	}
	for _, s := range skips {
		if !strings.Contains(txt, s) {
			t.Errorf("the dialog does not name %q: %q", s, txt)
		}
	}
	r.SetSelected(r.Options[1]) // otpauth carries all
	if txt := h.overlayText(); !strings.Contains(txt, "secrets of all "+strconv.Itoa(len(accts))+" accounts") || strings.Contains(txt, "left out") {
		t.Errorf("otpauth: %q", txt)
	}
}
