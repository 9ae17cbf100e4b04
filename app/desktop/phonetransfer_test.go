package desktop

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"authdesk/scanner"
	"authdesk/vault"
	"authdesk/vault/transfer"
)

// shownQR returns the PNG of the QR code on screen in the transfer dialog.
func (h *harness) shownQR() []byte {
	h.t.Helper()
	for _, root := range h.w.Canvas().Overlays().List() {
		for _, o := range test.LaidOutObjects(root) {
			if img, ok := o.(*canvas.Image); ok && img.Resource != nil && strings.HasPrefix(img.Resource.Name(), "transfer-") {
				return img.Resource.Content()
			}
		}
	}
	h.t.Fatalf("no QR code on screen; dialogs say %q", h.overlayText())
	return nil
}

// TestTransferToPhone: 23 accounts go out as three QR codes after a
// warning, one at a time with Next/Previous; each code decodes (with our
// scanner, and zbarimg when installed) to a migration line holding its
// batch; the Steam account is named as not transferred.
func TestTransferToPhone(t *testing.T) {
	var accts []vault.Account
	for i := range 22 {
		accts = append(accts, vault.Account{Issuer: fmt.Sprintf("Service %02d", i), Name: "me", Type: vault.TOTP,
			Algorithm: vault.SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprintf("secret-%02d-0123456789", i))})
	}
	accts = append(accts, sampleAccounts(t)[2]) // Steam
	h := openWith(t, accts...)
	h.u.showTransfer()
	if txt := h.overlayText(); !strings.Contains(txt, "anyone who sees or photographs them") {
		t.Fatalf("no warning first: %q", txt)
	}
	for _, root := range h.w.Canvas().Overlays().List() {
		for _, o := range test.LaidOutObjects(root) {
			if img, ok := o.(*canvas.Image); ok && img.Resource != nil && strings.HasPrefix(img.Resource.Name(), "transfer-") {
				t.Fatal("QR code shown before confirming")
			}
		}
	}
	test.Tap(h.button("Show QR codes"))
	if txt := h.overlayText(); !strings.Contains(txt, "1 of 3") || !strings.Contains(txt, "Steam (alice_gamer)") {
		t.Fatalf("first page says %q", txt)
	}
	if !h.button("Previous").Disabled() {
		t.Error("Previous enabled on the first code")
	}
	seen := map[string]bool{}
	for page := 1; page <= 3; page++ {
		if page > 1 {
			test.Tap(h.button("Next"))
		}
		if txt := h.overlayText(); !strings.Contains(txt, fmt.Sprintf("%d of 3", page)) {
			t.Fatalf("page %d says %q", page, txt)
		}
		png := h.shownQR()
		payloads, err := scanner.Bytes(png)
		if err != nil || len(payloads) != 1 {
			t.Fatalf("page %d: scanned %q, %v", page, payloads, err)
		}
		if zbar, err := exec.LookPath("zbarimg"); err == nil {
			f := filepath.Join(t.TempDir(), "qr.png")
			os.WriteFile(f, png, 0o600)
			out, err := exec.Command(zbar, "--raw", "-q", f).Output()
			if err != nil || strings.TrimSpace(string(out)) != payloads[0] {
				t.Errorf("page %d: zbarimg read %q (%v), our scanner %q", page, out, err, payloads[0])
			}
		}
		res, err := transfer.Read([]byte(payloads[0]), transfer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		b := res.Batches[0]
		if b.Index != page-1 || b.Size != 3 || len(res.Accounts) != min(10, 22-10*(page-1)) {
			t.Errorf("page %d: batch %+v with %d accounts", page, b, len(res.Accounts))
		}
		for _, a := range res.Accounts {
			seen[a.Issuer] = true
		}
	}
	if len(seen) != 22 {
		t.Errorf("the codes carry %d distinct accounts, want 22", len(seen))
	}
	if !h.button("Next").Disabled() {
		t.Error("Next enabled on the last code")
	}
	test.Tap(h.button("Previous"))
	if !strings.Contains(h.overlayText(), "2 of 3") {
		t.Errorf("Previous went to %q", h.overlayText())
	}
	// Locking closes it.
	h.u.lock()
	if n := len(h.w.Canvas().Overlays().List()); n != 0 {
		t.Errorf("%d dialogs open after locking", n)
	}
}
