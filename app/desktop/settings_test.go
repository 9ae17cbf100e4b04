package desktop

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

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
	if got := h2.u.toast.Message(); got != "Copied — clears in 10 s" {
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
