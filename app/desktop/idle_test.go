package desktop

import (
	"testing"
	"time"

	"authdesk/vault"
)

// While the window is hidden (tray, start minimised, screen scan) the 1 s
// tick computes no code and changes no widget, so the event loop can sleep;
// showing the window brings the rows up to date before the next frame.
func TestHiddenWindowComputesNothing(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	gh := h.rowFor("GitHub")
	gha := h.u.list.accounts[0]
	shownCode, shownFrac := gh.code.Text, gh.frac

	h.u.setShown(false)
	h.advance(40 * time.Second) // a new period, 15 s left: code and bar would change
	if gh.code.Text != shownCode || gh.frac != shownFrac {
		t.Fatalf("hidden: row changed from %q %.2f to %q %.2f", shownCode, shownFrac, gh.code.Text, gh.frac)
	}
	if want := vault.GroupCode(code(t, gha, h.now)); want == shownCode {
		t.Fatalf("test setup: the code did not change over 40 s (%q)", want)
	}

	h.u.setShown(true)
	if want := vault.GroupCode(code(t, gha, h.now)); gh.code.Text != want {
		t.Errorf("shown again: %q, want %q without waiting for a tick", gh.code.Text, want)
	}
	if gh.frac == shownFrac {
		t.Errorf("shown again: countdown still at %.2f", gh.frac)
	}
}
