package desktop

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/clockcheck"
	"authdesk/app/desktop/dialogs"
	"authdesk/app/desktop/look"
)

// Preference keys.
const (
	prefAutoLock       = "autoLockSeconds"
	prefClipboardClear = "clipboardClearSeconds"
	prefTheme          = "theme"
	prefStartMinimised = "startMinimised"
	prefSort           = "sort"
)

// settingsHeight is the height of Settings' scrolled content: with the
// dialog's title and Close button it fits the default 560×720 window.
const settingsHeight = 540

// Defaults for the settings.
const (
	defaultAutoLock       = 5 * time.Minute
	defaultClipboardClear = 30 * time.Second
)

// settings reads and writes the user's choices in the app's preferences.
type settings struct{ p fyne.Preferences }

func loadSettings(p fyne.Preferences) settings { return settings{p} }

func (s settings) AutoLock() time.Duration {
	return time.Duration(s.p.IntWithFallback(prefAutoLock, int(defaultAutoLock/time.Second))) * time.Second
}
func (s settings) SetAutoLock(d time.Duration) { s.p.SetInt(prefAutoLock, int(d/time.Second)) }
func (s settings) ClipboardClear() time.Duration {
	return time.Duration(s.p.IntWithFallback(prefClipboardClear, int(defaultClipboardClear/time.Second))) * time.Second
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

// ClockSNTP tells whether the clock check asks an SNTP server too.
func (s settings) ClockSNTP() bool     { return s.p.Bool(prefClockSNTP) }
func (s settings) SetClockSNTP(b bool) { s.p.SetBool(prefClockSNTP, b) }

// ClockServer is the SNTP server; "" means clockcheck.DefaultServer.
func (s settings) ClockServer() string     { return s.p.String(prefClockServer) }
func (s settings) SetClockServer(v string) { s.p.SetString(prefClockServer, v) }

// clockRecheckDelay is how long the server entry waits after the last
// keystroke before it checks the clock against the new server, so that
// typing a name does not ask a server per letter.
const clockRecheckDelay = time.Second

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
	noTray              *widget.RichText // why minimised is off, without a tray
	sntp                *widget.Check    // Check the clock against a time server
	server              *widget.Entry    // that server, host[:port]
	vault               *vaultSection
	security            *securitySection
	password            *passwordDialog // Change password…, while shown
	backups             *backupsDialog  // Backups…, while shown
	quick               *quickSettings  // the global shortcut, copy near the boundary
}

// showSettings shows the settings; every change is saved at once.
func (u *UI) showSettings() {
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
	var minimised fyne.CanvasObject = s.minimised
	if !u.tray.host.Available {
		s.minimised.SetChecked(false)
		s.minimised.Disable()
		s.noTray = dimText(u.tray.host.Reason+" Closing the window quits Authdesk.", true)
		minimised = container.NewVBox(s.minimised, s.noTray)
	}
	u.clockSettings(s)
	s.vault = u.newVaultSection()
	s.security = u.newSecuritySection()
	s.quick = u.newQuickSettings()
	form := widget.NewForm(
		widget.NewFormItem("Lock after idle", s.autoLock),
		widget.NewFormItem("Clear clipboard", s.clipboard),
		widget.NewFormItem("Theme", s.theme),
		widget.NewFormItem("", minimised),
		widget.NewFormItem("", s.sntp),
		widget.NewFormItem("Time server", s.server),
	)
	// Five sections are taller than the window: Settings scrolls instead of
	// growing the window past a laptop's screen.
	content := container.NewVScroll(container.New(&dialogs.Width{W: 440}, container.NewVBox(sectionHeading("General"), form, widget.NewSeparator(), s.quick.box, widget.NewSeparator(), s.vault.box, widget.NewSeparator(), u.newSyncSection().box, widget.NewSeparator(), u.newFollowSection().box, widget.NewSeparator(), s.security.box, widget.NewSeparator(), u.newBrandPackSection().box)))
	content.SetMinSize(fyne.NewSize(440+theme.ScrollBarSize(), settingsHeight))
	d := dialog.NewCustom("Settings", "Close", content, u.win)
	dialogs.ReleaseFocus(d, content)
	d.Show()

}

// clockSettings builds the SNTP check box and server entry: each change is
// saved at once and the clock checked again off the UI goroutine (the
// server is asked even without the box where there is no timedate1); the
// entry saves only a valid host[:port] and checks after a pause in typing
// or at Return.
func (u *UI) clockSettings(s *settingsDialog) {
	s.sntp = widget.NewCheck("Check the clock against a time server", nil)
	s.sntp.SetChecked(u.prefs.ClockSNTP())
	s.sntp.OnChanged = func(b bool) {
		u.prefs.SetClockSNTP(b)
		u.checkClock(false)
	}
	s.server = wheelThrough(widget.NewEntry())
	s.server.SetPlaceHolder(clockcheck.DefaultServer)
	s.server.SetText(u.prefs.ClockServer())
	s.server.Validator = func(v string) error { return clockcheck.ValidServer(strings.TrimSpace(v)) }
	gen := 0
	save := func(v string) bool {
		v = strings.TrimSpace(v)
		if clockcheck.ValidServer(v) != nil || v == u.prefs.ClockServer() {
			return false
		}
		u.prefs.SetClockServer(v)
		return true
	}
	s.server.OnChanged = func(v string) {
		gen++
		g := gen
		if !save(v) {
			return
		}
		u.later(clockRecheckDelay, func() {
			if g == gen {
				u.checkClock(false)
			}
		})
	}
	s.server.OnSubmitted = func(v string) {
		gen++
		if clockcheck.ValidServer(strings.TrimSpace(v)) == nil {
			save(v)
			u.checkClock(false)
		}
	}
}

// applyTheme sets the theme the user chose.
func (u *UI) applyTheme() { u.app.Settings().SetTheme(look.New(u.prefs.Theme())) }
