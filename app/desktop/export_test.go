package desktop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"authdesk/vault/transfer"
)

// radio finds the export dialog's format choice.
func (h *harness) radio() *widget.RadioGroup {
	h.t.Helper()
	for _, root := range h.w.Canvas().Overlays().List() {
		for _, o := range test.LaidOutObjects(root) {
			if r, ok := o.(*widget.RadioGroup); ok {
				return r
			}
		}
	}
	h.t.Fatal("no format choice on screen")
	return nil
}

// TestExportDialog: Export… offers the three formats, warns about the
// secrets, checks the Aegis password twice, and asks once more before an
// unencrypted file.
func TestExportDialog(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	h.u.showExportAll()
	r := h.radio()
	if len(r.Options) != 3 || !strings.Contains(h.overlayText(), "secrets of all 5 accounts") {
		t.Fatalf("options %q, dialog %q", r.Options, h.overlayText())
	}
	var pws []*widget.Entry
	for _, root := range h.w.Canvas().Overlays().List() {
		for _, o := range test.LaidOutObjects(root) {
			if e, ok := o.(*widget.Entry); ok && e.Password {
				pws = append(pws, e)
			}
		}
	}
	test.Type(pws[0], "one")
	test.Type(pws[1], "two")
	test.Tap(h.button("Export…"))
	if !strings.Contains(h.overlayText(), "The two passwords differ") {
		t.Fatalf("mismatched passwords accepted: %q", h.overlayText())
	}

	r.SetSelected(r.Options[1]) // otpauth
	if !pws[0].Disabled() {
		t.Error("password field enabled for otpauth")
	}
	test.Tap(h.button("Export…"))
	if !strings.Contains(h.overlayText(), "Write every secret without encryption?") {
		t.Fatalf("no confirmation before an unencrypted export: %q", h.overlayText())
	}
	test.Tap(h.button("Export without password"))
	if h.w.Canvas().Overlays().Top() == nil {
		t.Fatal("no file dialog after confirming")
	}
}

// TestExportWritesPrivateFiles: each format is written 0600 and reads back
// as the vault's accounts.
func TestExportWritesPrivateFiles(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	dir := t.TempDir()
	for _, tt := range []struct {
		format   transfer.Format
		password string
		accounts int
	}{
		{transfer.Aegis, "hunter2", 5},
		{transfer.Aegis, "", 5},
		{transfer.OTPAuth, "", 5},
		{transfer.GoogleMig, "", 4}, // not Steam
	} {
		path := filepath.Join(dir, string(tt.format)+tt.password)
		os.WriteFile(path, []byte("old"), 0o644)
		h.u.closeOverlays()
		h.u.exportTo(path, tt.format, []byte(tt.password))
		if !strings.Contains(h.overlayText(), "Exported") {
			t.Fatalf("%s: dialog says %q", tt.format, h.overlayText())
		}
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v, mode %v", tt.format, err, fi.Mode())
		}
		b, _ := os.ReadFile(path)
		res, err := transfer.Read(b, transfer.Options{Password: func() ([]byte, error) { return []byte(tt.password), nil }})
		if err != nil {
			t.Fatalf("%s: %v", tt.format, err)
		}
		if len(res.Accounts) != tt.accounts || res.Encrypted != (tt.password != "") {
			t.Errorf("%s: %d accounts, encrypted %v", tt.format, len(res.Accounts), res.Encrypted)
		}
	}
}
