package desktop

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/clockcheck"
)

// Preference keys of the clock check. The SNTP query is opt-in: it tells a
// server on the network that Authdesk runs.
const (
	prefClockSNTP   = "clock.sntp"   // bool: ask an SNTP server too
	prefClockServer = "clock.server" // string: that server; "": clockcheck.DefaultServer
)

// clockEvery is how often the clock is checked after the first time.
const clockEvery = time.Hour

// clockBanner is the strip over the top of every screen that says the
// clock is off. It lies over the screen (like the toast) rather than
// pushing it down, and is hidden, so absent, while the clock is fine.
type clockBanner struct {
	box     *fyne.Container // the overlay; hidden when there is nothing to say
	text    *widget.Label
	details string // what could not be checked, for the curious
}

func newClockBanner() *clockBanner {
	b := &clockBanner{text: widget.NewLabel("")}
	b.text.Wrapping = fyne.TextWrapWord
	b.text.Importance = widget.WarningImportance
	dismiss := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { b.box.Hide() })
	dismiss.Importance = widget.LowImportance
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	row := container.NewStack(bg, container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), dismiss, b.text))
	b.box = container.NewVBox(row)
	b.box.Hide()
	return b
}

// show puts r's warning up, or takes the banner down.
func (b *clockBanner) show(r clockcheck.Result) {
	var errs []string
	for _, e := range r.Errs {
		errs = append(errs, e.Error())
	}
	b.details = strings.Join(errs, "; ")
	w := r.Warning()
	b.text.SetText(w)
	if w == "" {
		b.box.Hide()
	} else {
		b.box.Show()
	}
}

// clockCheck runs the configured check (Config.clockCheck), else the real
// one with the user's SNTP choice.
func (u *UI) clockCheck(ctx context.Context) clockcheck.Result {
	if u.cfg.clockCheck != nil {
		return u.cfg.clockCheck(ctx)
	}
	p := u.app.Preferences()
	c := clockcheck.Checker{SNTP: p.Bool(prefClockSNTP), Server: p.String(prefClockServer)}
	return c.Check(ctx)
}

// checkClock checks the clock off the UI goroutine and updates the banner;
// with again it checks once more after clockEvery, until the window closes.
func (u *UI) checkClock(again bool) {
	background(u, func() clockcheck.Result {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return u.clockCheck(ctx)
	}, func(r clockcheck.Result) {
		u.frame.clock.show(r)
		if !again {
			return
		}
		u.cfg.afterFunc(clockEvery, func() {
			select {
			case <-u.quit.done():
			default:
				u.checkClock(true)
			}
		})
	})
}
