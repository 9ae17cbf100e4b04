package workbench

import (
	"bytes"
	"fmt"
	"net/url"
	"os/exec"
	"runtime"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
)

// browserStarted is how long xdg-open may run before the browser counts as
// started: it exits at once when no browser can be launched, and may wait
// for a browser it started in the foreground.
const browserStarted = 3 * time.Second

// openPage opens a page of the platform in the system browser, off the UI
// goroutine; when the browser does not start it says so and offers the
// address to copy.
func (t *Workbench) openPage(path string) {
	if t.url == "" {
		return
	}
	u, err := url.Parse(t.url + path)
	if err != nil {
		return
	}
	open := t.openURL
	if open == nil {
		open = systemBrowser(t.cfg.App)
	}
	background(t.cfg, func() error { return open(u) }, func(err error) {
		if err != nil {
			t.browserFailed(u.String(), err)
		}
	})
}

// systemBrowser opens a URL with xdg-open where there is one, reporting
// its failure (Fyne's OpenURL starts it and forgets it), else with a's.
func systemBrowser(a fyne.App) func(*url.URL) error {
	return func(u *url.URL) error {
		if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
			return a.OpenURL(u)
		}
		var out bytes.Buffer
		cmd := exec.Command("xdg-open", u.String())
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("xdg-open: %w", err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("xdg-open: %w %s", err, bytes.TrimSpace(out.Bytes()))
			}
			return nil
		case <-time.After(browserStarted):
			return nil // still running: the browser is up
		}
	}
}

// browserFailed tells the tester the browser did not start, with the
// address to copy.
func (t *Workbench) browserFailed(addr string, err error) {
	msg := widget.NewLabel(fmt.Sprintf("The browser did not start (%v). Open this address in a browser yourself:", err))
	msg.Wrapping = fyne.TextWrapWord
	field := widget.NewEntry()
	field.SetText(addr)
	field.OnChanged = func(string) { field.SetText(addr) } // read-only, yet selectable
	copyB := widget.NewButtonWithIcon("Copy address", theme.ContentCopyIcon(), nil)
	closeB := widget.NewButton("Close", nil)
	content := container.New(&dialogs.Width{W: 420}, container.NewVBox(msg, field))
	d := dialogs.NewCustom("Could not open the browser", content, []fyne.CanvasObject{closeB, copyB}, t.win)
	copyB.Importance = widget.HighImportance
	copyB.OnTapped = func() {
		t.cfg.App.Clipboard().SetContent(addr)
		d.Hide()
	}
	closeB.OnTapped = d.Hide
	t.browserDlg = d
	d.Show()
}
