package desktop

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"authdesk/app/desktop/trayhost"
	"authdesk/vault/keychain"
)

// quitApp is a test app that counts Quit calls.
type quitSpyApp struct {
	fyne.App
	quits int
}

func (a *quitSpyApp) Quit() { a.quits++ }

// Without a tray host the close button quits and Settings says why "Start
// minimised to the tray" is off; with one, the window closes into the tray.
func TestCloseWithoutTray(t *testing.T) {
	for _, tc := range []struct {
		name  string
		host  trayhost.Status
		quits int
	}{
		{"tray", trayhost.Status{Available: true}, 0},
		{"no tray", trayhost.Status{Reason: "No system tray is running."}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := &quitSpyApp{App: test.NewTempApp(t)}
			path := filepath.Join(t.TempDir(), "vault.age")
			kc := &keychain.Memory{}
			newVault(t, path, kc, sampleAccounts(t)[:1]...)
			h := newHarness(t, path, kc, a)
			h.u.cfg.trayHost = func() trayhost.Status { return tc.host }
			h.u.installTray()
			h.u.start()
			h.u.prefs.SetStartMinimised(true)

			h.u.showSettings()
			s := h.u.settingsUI
			if tc.host.Available {
				if s.minimised.Disabled() || !s.minimised.Checked || s.noTray != nil {
					t.Errorf("with a tray: minimised disabled %v, checked %v, note %v", s.minimised.Disabled(), s.minimised.Checked, s.noTray)
				}
			} else {
				if !s.minimised.Disabled() || s.minimised.Checked || s.noTray == nil ||
					!strings.Contains(s.noTray.String(), tc.host.Reason) || !strings.Contains(s.noTray.String(), "quits") {
					t.Errorf("without a tray: minimised disabled %v, checked %v, note %v", s.minimised.Disabled(), s.minimised.Checked, s.noTray)
				}
			}
			h.u.closeWindow()
			if a.quits != tc.quits {
				t.Errorf("the close button: %d quits, want %d", a.quits, tc.quits)
			}
		})
	}
}
