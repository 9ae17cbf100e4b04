package desktop

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/url"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/journey"
	"authdesk/app/platform"
)

// platformTitle is the title of the platform simulator's window.
const platformTitle = "Authdesk — Platform simulator"

// platformTester is the window in which a tester runs the embedded platform
// (the simulated SaaS sign-in with its MFA journey), opens it in a browser,
// or lets Authdesk walk the whole journey by itself against it.
type platformTester struct {
	u   *UI
	win fyne.Window
	srv *platform.Server
	url string

	status   *widget.Label
	open     *widget.Button
	run      *widget.Button
	progress *widget.ProgressBar
	steps    *fyne.Container
	qr       *canvas.Image
	date     *widget.Label
	running  bool
}

// showPlatform opens the platform simulator's window (Ctrl+P), starting the
// embedded platform with its test clock on first use.
func (u *UI) showPlatform() {
	if u.tester != nil {
		u.tester.win.Show()
		u.tester.win.RequestFocus()
		return
	}
	t := &platformTester{u: u, win: u.app.NewWindow(platformTitle)}
	u.tester = t
	t.build()
	t.win.SetOnClosed(func() {
		if t.srv != nil {
			_ = t.srv.Close()
		}
		u.tester = nil
	})
	t.win.Resize(fyne.NewSize(640, 700))
	t.win.Show()
	t.start()
}

func (t *platformTester) build() {
	t.status = widget.NewLabel("Starting the platform…")
	t.status.Wrapping = fyne.TextWrapWord
	t.open = widget.NewButtonWithIcon("Open in browser", theme.ComputerIcon(), func() {
		if u, err := url.Parse(t.url); err == nil {
			_ = t.u.app.OpenURL(u)
		}
	})
	t.open.Disable()
	t.run = widget.NewButtonWithIcon("Walk the MFA journey", theme.MediaPlayIcon(), t.walk)
	t.run.Importance = widget.HighImportance
	t.run.Disable()
	t.progress = widget.NewProgressBar()
	t.progress.Max = journey.Total
	t.progress.TextFormatter = func() string {
		return fmt.Sprintf("%d of %d steps", int(t.progress.Value), journey.Total)
	}
	t.steps = container.NewVBox()
	t.qr = canvas.NewImageFromImage(nil)
	t.qr.FillMode = canvas.ImageFillContain
	t.qr.SetMinSize(fyne.NewSize(160, 160))
	t.qr.ScaleMode = canvas.ImageScalePixels
	t.qr.Hide()
	t.date = widget.NewLabel("")
	clockButton := func(label string, d time.Duration) *widget.Button {
		return widget.NewButton(label, func() { t.advance(d) })
	}

	intro := widget.NewLabel("A local copy of a SaaS platform's sign-in: register a company, sign in, " +
		"scan the \"Secure Your Account\" QR code with Authdesk, confirm with a code. Walk it yourself " +
		"in a browser, or let Authdesk walk every step and check each answer.")
	intro.Wrapping = fyne.TextWrapWord
	header := container.NewVBox(
		widget.NewLabelWithStyle("Platform simulator", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		intro,
		t.status,
		container.NewHBox(t.open, t.run),
		container.NewHBox(widget.NewLabel("Test clock:"), clockButton("+1 day", 24*time.Hour),
			clockButton("+30 days", 30*24*time.Hour), t.date),
		t.progress,
	)
	body := container.NewBorder(nil, nil, nil, container.NewVBox(t.qr), container.NewVScroll(t.steps))
	t.win.SetContent(container.NewPadded(container.NewBorder(header, nil, nil, nil, body)))
	t.win.Canvas().AddShortcut(&fyne.ShortcutCopy{}, func(fyne.Shortcut) {
		if t.url != "" {
			t.u.app.Clipboard().SetContent(t.url)
		}
	})
}

// start runs the embedded platform off the UI goroutine.
func (t *platformTester) start() {
	type started struct {
		srv *platform.Server
		url string
		err error
	}
	background(t.u, func() started {
		srv, err := platform.New(platform.Config{DBPath: t.u.cfg.platformDB, TestClock: true})
		if err != nil {
			return started{err: err}
		}
		url, err := srv.Start("127.0.0.1:0")
		if err != nil {
			_ = srv.Close()
			return started{err: err}
		}
		return started{srv: srv, url: url}
	}, func(r started) {
		if r.err != nil {
			t.status.SetText("The platform could not start: " + r.err.Error())
			return
		}
		t.srv, t.url = r.srv, r.url
		t.status.SetText("Running at " + r.url + " (Ctrl+C copies the address)")
		t.open.Enable()
		t.run.Enable()
	})
}

// walk lets Authdesk run the whole journey against the platform, adding
// the scanned accounts to the open vault.
func (t *platformTester) walk() {
	if t.running || t.srv == nil {
		return
	}
	client, err := journey.NewClient(t.url)
	if err != nil {
		t.status.SetText(err.Error())
		return
	}
	t.running = true
	t.run.Disable()
	t.steps.RemoveAll()
	t.progress.SetValue(0)
	r := &journey.Runner{
		Client: client,
		Vault:  t.u.v,
		Decode: t.u.cfg.scanner.Bytes,
		// The platform checks codes against the real time, whatever its
		// test clock says, so the journey's codes use the real time too.
		Now:    time.Now,
		Report: func(s journey.Step) { onUI(func() { t.showStep(s) }) },
	}
	user := journey.NewUser()
	t.status.SetText(fmt.Sprintf("Walking the journey as %s (password %q)…", user.Email, user.Password))
	background(t.u, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		return r.Run(ctx, user)
	}, func(err error) {
		t.running = false
		t.run.Enable()
		if err != nil {
			t.status.SetText("The journey stopped: " + err.Error())
		} else {
			t.status.SetText(fmt.Sprintf("Every step passed. Sign in yourself at %s as %s, password %q.", t.url, user.Email, user.Password))
		}
		if t.u.state == stateCodes && t.u.list != nil {
			t.u.list.reload("")
		}
	})
}

// showStep adds one finished step to the list.
func (t *platformTester) showStep(s journey.Step) {
	icon := widget.NewIcon(theme.ConfirmIcon())
	detail := s.Detail
	if s.Err != nil {
		icon = widget.NewIcon(theme.ErrorIcon())
		detail = s.Err.Error()
	} else {
		t.progress.SetValue(float64(s.Index))
	}
	// One RichText per step keeps the title and its detail close together.
	text := widget.NewRichText(
		&widget.TextSegment{Text: fmt.Sprintf("%d. %s", s.Index, s.Title), Style: widget.RichTextStyle{
			ColorName: theme.ColorNameForeground, SizeName: theme.SizeNameText, TextStyle: fyne.TextStyle{Bold: true}}},
		&widget.TextSegment{Text: fmt.Sprintf("%s (%d ms)", detail, s.Took.Milliseconds()), Style: widget.RichTextStyle{
			ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameText}},
	)
	text.Wrapping = fyne.TextWrapWord
	t.steps.Add(container.NewBorder(nil, nil, container.NewVBox(icon, layout.NewSpacer()), nil, text))
	if len(s.QRPNG) > 0 {
		if img, err := png.Decode(bytes.NewReader(s.QRPNG)); err == nil {
			t.qr.Image = img
			t.qr.Show()
			t.qr.Refresh()
		}
	}
}

// advance moves the platform's test clock.
func (t *platformTester) advance(d time.Duration) {
	if t.srv == nil {
		return
	}
	client, err := journey.NewClient(t.url)
	if err != nil {
		return
	}
	background(t.u, func() string {
		now, err := client.Advance(context.Background(), d)
		if err != nil {
			return "clock: " + err.Error()
		}
		return "platform date " + now.Format("2 Jan 2006 15:04")
	}, t.date.SetText)
}
