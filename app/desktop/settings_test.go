package desktop

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"authdesk/app/desktop/trayhost"
	"authdesk/vault/keychain"
)

func TestSettingsPersist(t *testing.T) {
	a := test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "vault.age")
	kc := &keychain.Memory{}
	newVault(t, path, kc, sampleAccounts(t)...)
	h := newHarness(t, path, kc, a)
	h.u.start()
	if h.u.prefs.AutoLock() != defaultAutoLock || h.u.prefs.ClipboardClear() != defaultClipboardClear {
		t.Fatalf("defaults: %v %v", h.u.prefs.AutoLock(), h.u.prefs.ClipboardClear())
	}
	h.u.showSettings()
	s := h.u.settingsUI
	s.autoLock.SetSelected("1 minute")
	s.clipboard.SetSelected("10 seconds")
	s.theme.SetSelected("Dark")
	test.Tap(s.minimised)

	h2 := newHarness(t, path, kc, a)
	p := h2.u.prefs
	if p.AutoLock() != time.Minute || p.ClipboardClear() != 10*time.Second || p.Theme() != "dark" || !p.StartMinimised() {
		t.Fatalf("settings not kept: %v %v %q %v", p.AutoLock(), p.ClipboardClear(), p.Theme(), p.StartMinimised())
	}
	if a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight) != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Errorf("dark theme not applied")
	}
	h2.u.start()
	key(h2, fyne.KeyReturn)
	if got := h2.u.frame.toast.Message(); got != "Copied — clears in 10 s" {
		t.Errorf("toast %q with a 10 s clear", got)
	}
	h2.advance(10 * time.Second)
	if got := a.Clipboard().Content(); got != "" {
		t.Errorf("clipboard not cleared after the configured 10 s: %q", got)
	}
	h2.advance(time.Minute)
	if h2.u.stateName() != "locked" {
		t.Errorf("not locked after the configured 1 minute")
	}
}

// Scrolled to its end, Settings shows its last section's buttons, also
// when wrapped text (the no-tray explanation) makes the pane taller than it
// measured before its first layout: that text once put the Vault, Security
// and Icons sections' buttons beyond the scroll's reach in a real window.
func TestSettingsScrollsToEveryButton(t *testing.T) {
	for _, tray := range []bool{true, false} {
		a := test.NewTempApp(t)
		path := filepath.Join(t.TempDir(), "vault.age")
		kc := &keychain.Memory{}
		newVault(t, path, kc, sampleAccounts(t)...)
		h := newHarness(t, path, kc, a)
		if !tray {
			h.u.tray.host = trayhost.Status{Reason: "No system tray is running (nothing provides org.kde.StatusNotifierWatcher on the session bus; on GNOME, the AppIndicator extension does)."}
		}
		h.u.start()
		h.u.showSettings()
		var scroll *container.Scroll
		for _, o := range test.LaidOutObjects(h.w.Canvas().Overlays().Top()) {
			if s, ok := o.(*container.Scroll); ok && scroll == nil { // the outermost: entries have their own
				scroll = s
			}
		}
		if scroll == nil {
			t.Fatal("Settings has no scroll pane")
		}
		// The wheel anywhere over the pane scrolls it: no entry in it keeps
		// a scroller of its own that would take the wheel.
		for _, o := range test.LaidOutObjects(scroll.Content) {
			if s, ok := o.(*container.Scroll); ok && s.Direction != container.ScrollNone && s.Visible() {
				t.Errorf("tray=%v: a scroller (%v) inside Settings takes the wheel: %T %v", tray, s.Direction, s.Content, s.Content.MinSize())
			}
		}
		scroll.ScrollToBottom()
		for _, label := range []string{"Add icon pack…"} { // the last section's
			b := h.button(label)
			top := fyne.CurrentApp().Driver().AbsolutePositionForObject(b).Y
			paneTop := fyne.CurrentApp().Driver().AbsolutePositionForObject(scroll).Y
			if top+b.Size().Height > paneTop+scroll.Size().Height+1 || top < paneTop {
				t.Errorf("tray=%v: scrolled to the end, %q spans y %.0f–%.0f, outside the pane's %.0f–%.0f",
					tray, label, top, top+b.Size().Height, paneTop, paneTop+scroll.Size().Height)
			}
		}
	}
}
