package app

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/assets"
)

// Preference keys.
const (
	prefAutoLock       = "autoLockSeconds"
	prefClipboardClear = "clipboardClearSeconds"
	prefTheme          = "theme"
	prefStartMinimised = "startMinimised"
	prefSort           = "sort"
)

// Defaults for the settings.
const (
	DefaultAutoLock       = 5 * time.Minute
	DefaultClipboardClear = 30 * time.Second
)

// settings reads and writes the user's choices in the app's preferences.
type settings struct{ p fyne.Preferences }

func loadSettings(p fyne.Preferences) settings { return settings{p} }

func (s settings) AutoLock() time.Duration {
	return time.Duration(s.p.IntWithFallback(prefAutoLock, int(DefaultAutoLock/time.Second))) * time.Second
}
func (s settings) SetAutoLock(d time.Duration) { s.p.SetInt(prefAutoLock, int(d/time.Second)) }
func (s settings) ClipboardClear() time.Duration {
	return time.Duration(s.p.IntWithFallback(prefClipboardClear, int(DefaultClipboardClear/time.Second))) * time.Second
}
func (s settings) SetClipboardClear(d time.Duration) {
	s.p.SetInt(prefClipboardClear, int(d/time.Second))
}
func (s settings) Theme() string            { return s.p.StringWithFallback(prefTheme, "system") }
func (s settings) SetTheme(t string)        { s.p.SetString(prefTheme, t) }
func (s settings) StartMinimised() bool     { return s.p.Bool(prefStartMinimised) }
func (s settings) SetStartMinimised(b bool) { s.p.SetBool(prefStartMinimised, b) }
func (s settings) Sort() string             { return s.p.StringWithFallback(prefSort, sortManual) }
func (s settings) SetSort(m string)         { s.p.SetString(prefSort, m) }

// durationChoice is a labelled option of a delay setting (0: never).
type durationChoice struct {
	label string
	d     time.Duration
}

var (
	autoLockChoices = []durationChoice{{"1 minute", time.Minute}, {"2 minutes", 2 * time.Minute},
		{"5 minutes", 5 * time.Minute}, {"10 minutes", 10 * time.Minute}, {"15 minutes", 15 * time.Minute},
		{"30 minutes", 30 * time.Minute}, {"1 hour", time.Hour}, {"Never", 0}}
	clipboardChoices = []durationChoice{{"10 seconds", 10 * time.Second}, {"20 seconds", 20 * time.Second},
		{"30 seconds", 30 * time.Second}, {"45 seconds", 45 * time.Second}, {"1 minute", time.Minute},
		{"2 minutes", 2 * time.Minute}, {"Never", 0}}
	themeChoices = []string{"System", "Light", "Dark"}
)

// durationSelect is a Select over choices showing current; pick saves.
func durationSelect(choices []durationChoice, current time.Duration, pick func(time.Duration)) *widget.Select {
	labels := make([]string, len(choices))
	for i, c := range choices {
		labels[i] = c.label
	}
	s := widget.NewSelect(labels, nil)
	found := false
	for i, c := range choices {
		if c.d == current {
			s.SetSelectedIndex(i)
			found = true
		}
	}
	if !found {
		s.PlaceHolder = fmt.Sprintf("%v", current)
	}
	s.OnChanged = func(string) { pick(choices[s.SelectedIndex()].d) }
	return s
}

// settingsDialog holds the settings widgets, for tests.
type settingsDialog struct {
	autoLock, clipboard *widget.Select
	theme               *widget.RadioGroup
	minimised           *widget.Check
}

// ShowSettings shows the settings; every change is saved at once.
func (u *UI) ShowSettings() {
	s := &settingsDialog{
		autoLock:  durationSelect(autoLockChoices, u.prefs.AutoLock(), u.prefs.SetAutoLock),
		clipboard: durationSelect(clipboardChoices, u.prefs.ClipboardClear(), u.prefs.SetClipboardClear),
		theme:     widget.NewRadioGroup(themeChoices, nil),
		minimised: widget.NewCheck("Start minimised to the tray", u.prefs.SetStartMinimised),
	}
	u.settingsUI = s
	s.theme.Horizontal = true
	s.theme.Required = true
	switch u.prefs.Theme() {
	case "light":
		s.theme.SetSelected("Light")
	case "dark":
		s.theme.SetSelected("Dark")
	default:
		s.theme.SetSelected("System")
	}
	s.theme.OnChanged = func(t string) {
		m := map[string]string{"Light": "light", "Dark": "dark"}[t]
		if m == "" {
			m = "system"
		}
		u.prefs.SetTheme(m)
		u.applyTheme()
	}
	s.minimised.SetChecked(u.prefs.StartMinimised())
	keychain := "The vault key is in the system keychain."
	if u.v != nil {
		if err := u.v.KeychainError(); err != nil {
			keychain = "Keychain unavailable: Authdesk asks for the password. " + err.Error()
		}
	}
	kl := widget.NewLabel(keychain)
	kl.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem("Lock after idle", s.autoLock),
		widget.NewFormItem("Clear clipboard", s.clipboard),
		widget.NewFormItem("Theme", s.theme),
		widget.NewFormItem("", s.minimised),
	)
	dialog.NewCustom("Settings", "Close", container.New(&widthLayout{width: 440}, container.NewVBox(form, kl)), u.win).Show()
}

// applyTheme sets the theme the user chose.
func (u *UI) applyTheme() {
	t := &authTheme{}
	switch u.prefs.Theme() {
	case "light":
		t.variant, t.forced = theme.VariantLight, true
	case "dark":
		t.variant, t.forced = theme.VariantDark, true
	}
	u.app.Settings().SetTheme(t)
}

// authTheme is Fyne's default theme with Authdesk's colours and an optional
// forced light or dark variant.
type authTheme struct {
	variant fyne.ThemeVariant
	forced  bool
}

var (
	brandLight = color.NRGBA{0x3b, 0x5b, 0xdb, 0xff}
	brandDark  = color.NRGBA{0x5c, 0x7c, 0xfa, 0xff}
)

func (t *authTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced {
		v = t.variant
	}
	switch n {
	case theme.ColorNamePrimary:
		if v == theme.VariantDark {
			return brandDark
		}
		return brandLight
	case theme.ColorNameSelection:
		if v == theme.VariantDark {
			return color.NRGBA{0x74, 0x8f, 0xfc, 0x30}
		}
		return color.NRGBA{0x3b, 0x5b, 0xdb, 0x1c}
	case theme.ColorNameForeground:
		// Fyne's light text is mid grey (#565656): codes read better darker.
		if v != theme.VariantDark {
			return color.NRGBA{0x24, 0x24, 0x26, 0xff}
		}
	case theme.ColorNameWarning, theme.ColorNameError:
		// Fyne's light orange and red are hard to read as text on white
		// (2.2:1 and 3.7:1); these reach 4.5:1.
		if v != theme.VariantDark {
			if n == theme.ColorNameWarning {
				return color.NRGBA{0xb4, 0x5d, 0x00, 0xff}
			}
			return color.NRGBA{0xc6, 0x28, 0x28, 0xff}
		}
	case theme.ColorNamePlaceHolder:
		// Secondary text (account names, next codes) too: Fyne's #888 on
		// white is below 4.5:1 contrast.
		if v != theme.VariantDark {
			return color.NRGBA{0x6a, 0x6a, 0x6e, 0xff}
		}
	}
	return theme.DefaultTheme().Color(n, v)
}

func (t *authTheme) Font(s fyne.TextStyle) fyne.Resource     { return theme.DefaultTheme().Font(s) }
func (t *authTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }
func (t *authTheme) Size(n fyne.ThemeSizeName) float32       { return theme.DefaultTheme().Size(n) }

// Icon is Authdesk's application icon.
var Icon = fyne.NewStaticResource("icon-128.png", assets.Icon128PNG)

var lockIcon = theme.NewThemedResource(fyne.NewStaticResource("lock.svg", assets.LockSVG))

// installTray adds the system tray menu where the desktop has one.
func (u *UI) installTray() {
	desk, ok := u.app.(desktop.App)
	if !ok {
		return
	}
	show := func() { u.win.Show(); u.win.RequestFocus() }
	desk.SetSystemTrayMenu(fyne.NewMenu(Title,
		fyne.NewMenuItem("Show", show),
		fyne.NewMenuItem("Lock", u.Lock),
	))
	desk.SetSystemTrayIcon(Icon)
}
