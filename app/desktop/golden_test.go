package desktop

import (
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/workbench"
	"authdesk/vault"
	"authdesk/vault/keychain"
	"authdesk/vault/replica"
)

// TestScreensMatchGoldens renders the main screens in the light and the dark
// theme and compares each canvas, as Fyne's markup, with its golden file
// testdata/screens/NAME-VARIANT.xml. Everything on screen is fixed: the
// clock (t0), the accounts, the window size, the theme.
//
// Markup names a colour after the theme colour it equals, so the light and
// dark goldens differ only where a colour is no theme colour (the countdown
// track) or where the two variants name it differently; both fail when the
// other variant is drawn.
//
// After an intended change to a screen the test fails and writes the new
// markup to testdata/failed/screens/ (git-ignored); review the difference,
// then copy it over the golden:
//
//	LANG=C.UTF-8 go test ./app/desktop/ -run Goldens
//	cp app/desktop/testdata/failed/screens/*.xml app/desktop/testdata/screens/
func TestScreensMatchGoldens(t *testing.T) {
	for _, sc := range []struct {
		name     string
		accounts bool // a vault with sampleAccounts, else an empty one
		keyed    bool // its key is in the keychain: it opens without a password
		// show brings up the screen and returns the canvas to compare.
		show func(t *testing.T, h *harness) fyne.Canvas
	}{
		{"setup", false, false, nil}, // first run: no vault yet
		{"join", false, false, func(t *testing.T, h *harness) fyne.Canvas { // first run, joining a synced vault
			h.u.showJoin("/home/alice/Sync", "/home/alice/Sync/authdesk-0123456789abcdef.age")
			h.u.gate.setup.join.password.SetText("not the password")
			h.u.joinFail("Wrong password for the vault in this folder: it is the password you chose on the other computer.")
			return h.w.Canvas()
		}},
		{"unlock", true, false, nil}, // the keychain has no key
		{"codes", true, true, nil},   // 8 s left: next codes shown
		{"empty", false, true, nil},  // a vault without accounts
		{"add-chooser", false, true, func(t *testing.T, h *harness) fyne.Canvas {
			h.u.showAddChooser()
			return h.w.Canvas()
		}},
		{"manual-errors", false, true, func(t *testing.T, h *harness) fyne.Canvas {
			h.u.showManualEntry()
			f := h.u.adding.manual
			f.key.SetText("not a key!")
			f.period.SetText("0")
			test.Tap(f.add)
			if len(f.Errors()) == 0 {
				t.Fatal("the manual form shows no errors")
			}
			return h.w.Canvas()
		}},
		{"settings", true, true, func(t *testing.T, h *harness) fyne.Canvas {
			h.u.showSettings()
			return h.w.Canvas()
		}},
		{"settings-sync", true, true, func(t *testing.T, h *harness) fyne.Canvas {
			// A folder chosen and synced once, shown without a watcher.
			h.u.prefs.SetSyncFolder(h.u.v.ID(), "/home/alice/Sync/authdesk")
			h.u.syncer().last = syncOutcome{at: t0, res: replica.Result{
				Report: vault.MergeReport{Added: []string{"a", "b"}, Changed: []string{"c"}}, ReplicaWritten: true}}
			h.u.showSettings()
			scrollTo(t, h, h.u.syncer().section.box)
			return h.w.Canvas()
		}},
		{"simulator", true, true, func(t *testing.T, h *harness) fyne.Canvas {
			h.u.cfg.platformDB = filepath.Join(t.TempDir(), "platform.db")
			h.u.showPlatform()
			tr := h.u.tester
			t.Cleanup(tr.Close)
			c := windowTitled(t, h.a, workbench.Title).Canvas()
			for _, o := range test.LaidOutObjects(c.Content()) {
				l, ok := o.(*widget.Label)
				if !ok {
					continue
				}
				switch {
				case strings.HasPrefix(l.Text, "Running at "):
					// The platform listens on a random port: the golden shows PORT.
					l.SetText(loopbackURL.ReplaceAllString(l.Text, "http://127.0.0.1:PORT"))
				case strings.HasPrefix(l.Text, "Simulator vault: "):
					// The Simulator vault lies in a temporary directory: the golden shows DIR.
					l.SetText(strings.ReplaceAll(l.Text, filepath.Dir(h.cfg.VaultPath), "DIR"))
				case strings.HasPrefix(l.Text, "Shared platform clock: "):
					// The shared clock shows today's date: the golden shows a fixed one.
					l.SetText("Shared platform clock: " + t0.Local().Format("Mon 2 Jan 2006 15:04") + " (the same as yours)")
				}
			}
			return c
		}},
	} {
		for _, variant := range []string{"light", "dark"} {
			t.Run(sc.name+"-"+variant, func(t *testing.T) {
				a := test.NewTempApp(t)
				a.Preferences().SetString(prefTheme, variant)
				path := filepath.Join(t.TempDir(), "vault.age")
				kc := &keychain.Memory{}
				if sc.name != "setup" && sc.name != "join" {
					var accts []vault.Account
					if sc.accounts {
						accts = sampleAccounts(t)
					}
					var key vault.Keychain
					if sc.keyed {
						key = kc
					}
					newVault(t, path, key, accts...)
				}
				h := newHarness(t, path, kc, a)
				h.u.start()
				if h.u.stateName() == "codes" {
					h.advance(17 * time.Second)
				}
				c := h.w.Canvas()
				if sc.show != nil {
					c = sc.show(t, h)
				}
				test.AssertRendersToMarkup(t, "screens/"+sc.name+"-"+variant+".xml", c)
				saveScreenshot(t, sc.name+"-"+variant+".png", c)
			})
		}
	}
}

// loopbackURL is the embedded platform's address.
var loopbackURL = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`)

// windowTitled returns a's open window with that title.
func windowTitled(t *testing.T, a fyne.App, title string) fyne.Window {
	t.Helper()
	for _, w := range a.Driver().AllWindows() {
		if w.Title() == title {
			return w
		}
	}
	t.Fatalf("no window %q is open", title)
	return nil
}

// saveScreenshot writes what c shows as a PNG named name into
// $AUTHDESK_SCREENSHOTS, when set, for a person to look at.
func saveScreenshot(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	dir := os.Getenv("AUTHDESK_SCREENSHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, c.Capture()); err != nil {
		t.Fatal(err)
	}
}

// scrollTo scrolls the pane in the top overlay so that o is at its top.
func scrollTo(t *testing.T, h *harness, o fyne.CanvasObject) {
	t.Helper()
	for _, x := range test.LaidOutObjects(h.w.Canvas().Overlays().Top()) {
		if sc, ok := x.(*container.Scroll); ok {
			sc.ScrollToOffset(fyne.NewPos(0, o.Position().Y))
			return
		}
	}
	t.Fatal("no scrolled pane in the top overlay")
}
