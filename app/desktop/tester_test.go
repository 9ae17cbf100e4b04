package desktop

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/journey"
	"authdesk/app/platform"
)

// TestPlatformSimulatorWalksTheJourney opens the simulator (Ctrl+P) on a
// real embedded platform, walks the whole MFA journey and checks that the
// scanned accounts land in the vault and the list.
func TestPlatformSimulatorWalksTheJourney(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	before := len(h.u.v.Accounts())
	h.u.cfg.platformDB = filepath.Join(t.TempDir(), "platform.db")
	h.u.windowShortcut(customShortcut(fyne.KeyP))
	tr := h.u.tester
	if tr == nil {
		t.Fatal("Ctrl+P opened no platform simulator")
	}
	defer tr.win.Close()
	if tr.win.Title() != platformTitle {
		t.Errorf("title = %q", tr.win.Title())
	}
	if !strings.HasPrefix(tr.status.Text, "Running at http://127.0.0.1:") || tr.run.Disabled() {
		t.Fatalf("platform not running: %q", tr.status.Text)
	}

	test.Tap(tr.run)

	if !strings.HasPrefix(tr.status.Text, "Every step passed") {
		t.Fatalf("status = %q", tr.status.Text)
	}
	if n := len(tr.steps.Objects); n != journey.Total {
		t.Errorf("%d steps shown, want %d", n, journey.Total)
	}
	if tr.progress.Value != journey.Total {
		t.Errorf("progress = %v", tr.progress.Value)
	}
	if tr.qr.Hidden || tr.qr.Image == nil {
		t.Error("the setup QR code is not shown")
	}
	accts := h.u.v.Accounts()
	if len(accts) != before+2 {
		t.Fatalf("vault has %d accounts, want %d (first setup and re-enrolment)", len(accts), before+2)
	}
	if accts[len(accts)-1].Issuer != platform.DefaultIssuer {
		t.Errorf("newest account issuer = %q", accts[len(accts)-1].Issuer)
	}
	h.rowFor(platform.DefaultIssuer) // the list shows it without a restart
	if dir := os.Getenv("AUTHDESK_SCREENSHOTS"); dir != "" {
		tr.win.Resize(fyne.NewSize(640, 760))
		f, err := os.Create(filepath.Join(dir, "widget-platform.png"))
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, tr.win.Canvas().Capture())
		f.Close()
	}

	// A second Ctrl+P brings the same window back instead of a second server.
	h.u.showPlatform()
	if h.u.tester != tr {
		t.Error("a second showPlatform opened another simulator")
	}
}

// TestPlatformSimulatorReportsAStartFailure shows why the platform could not
// start instead of a dead window.
func TestPlatformSimulatorReportsAStartFailure(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	h.u.cfg.platformDB = filepath.Join(t.TempDir(), "missing", "dir", "\x00bad.db")
	h.u.showPlatform()
	tr := h.u.tester
	defer tr.win.Close()
	if !strings.HasPrefix(tr.status.Text, "The platform could not start") {
		t.Errorf("status = %q", tr.status.Text)
	}
	for _, b := range []*widget.Button{tr.run, tr.open} {
		if !b.Disabled() {
			t.Errorf("%q is enabled without a platform", b.Text)
		}
	}
}
