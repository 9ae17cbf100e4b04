package desktop

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/scanner"
	"authdesk/vault/transfer"
)

// importFile asks for another authenticator's export file and imports it
// (menu: Import from file…, Ctrl+I). Dropping the file on the window does
// the same.
func (u *UI) importFile() {
	if u.state != stateCodes {
		return
	}
	u.closeOverlays()
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError("Could not open the file", err)
			return
		}
		if rc == nil {
			return
		}
		u.importReader(rc.URI().Name(), rc)
	}, u.win)
	d.Resize(fyne.NewSize(640, 480))
	d.Show()
}

// importReader reads a chosen or dropped file off the UI goroutine and
// tells by its content what it is: an image is scanned for QR codes, an
// export file is read with transfer.Read.
func (u *UI) importReader(name string, rc io.ReadCloser) {
	done := u.busy("Reading " + name + "…")
	type result struct {
		data []byte
		scan *scanResult
		err  error
	}
	background(u, func() result {
		defer rc.Close()
		b, err := scanner.Read(rc)
		if err != nil {
			return result{err: fmt.Errorf("read %s: %w", name, err)}
		}
		if strings.HasPrefix(http.DetectContentType(b), "image/") || transfer.Detect(b) == "" {
			p, err := u.cfg.scanner.Bytes(b)
			if err != nil && !errors.Is(err, scanner.ErrNoQRCode) && !strings.HasPrefix(http.DetectContentType(b), "image/") {
				err = fmt.Errorf("%s is not an export file Authdesk knows, nor an image (unsupported file): %w", name, transfer.ErrUnknownFormat)
			}
			return result{scan: &scanResult{p, err}}
		}
		return result{data: b}
	}, func(r result) {
		done()
		switch {
		case r.err != nil:
			u.showError("Could not read "+name, r.err)
		case r.scan != nil:
			u.imported(name, *r.scan)
		default:
			u.importData(name, r.data, nil)
		}
	})
}

// importData reads an export file with transfer.Read off the UI goroutine
// (the password, if any, makes it run the file's KDF), then shows what it
// holds, duplicates marked, for confirmation.
func (u *UI) importData(name string, data, password []byte) {
	if u.state != stateCodes {
		return
	}
	type result struct {
		res *transfer.Result
		err error
	}
	done := u.busy("Reading " + name + "…")
	background(u, func() result {
		opts := transfer.Options{}
		if password != nil {
			opts.Password = func() ([]byte, error) { return password, nil }
		}
		res, err := transfer.Read(data, opts)
		return result{res, err}
	}, func(r result) {
		done()
		if u.state != stateCodes {
			return
		}
		switch {
		case errors.Is(r.err, transfer.ErrPasswordRequired):
			u.askImportPassword(name, data, "")
		case errors.Is(r.err, transfer.ErrWrongPassword):
			u.askImportPassword(name, data, "Wrong password. Try again.")
		case r.err != nil:
			u.showInfo("Could not import "+name, importProblem(r.err))
		default:
			found := candidates(r.res, u.v.Accounts())
			if len(found) == 0 {
				u.showInfo("Nothing to add from "+name, strings.Join(append([]string{"The file holds no accounts Authdesk can use."}, r.res.Notes()...), "\n"))
				return
			}
			u.showReview(name, found, r.res.Notes())
		}
	})
}

// importProblem says what went wrong with an import and what to do.
func importProblem(err error) string {
	switch {
	case errors.Is(err, transfer.ErrDamaged):
		return err.Error() + "\nExport the accounts again from the other app."
	case errors.Is(err, transfer.ErrMalformed):
		return err.Error() + "\nThe file is not a complete export: export the accounts again from the other app."
	case errors.Is(err, transfer.ErrUnsupportedVersion):
		return err.Error() + "\nAuthdesk does not read this version of the file."
	}
	return err.Error()
}

// askImportPassword asks for the password of an encrypted export.
func (u *UI) askImportPassword(name string, data []byte, problem string) {
	pw := widget.NewPasswordEntry()
	pw.SetPlaceHolder("The password the other app asked for when exporting")
	msg := widget.NewLabel(problem)
	msg.Importance = widget.DangerImportance
	if problem == "" {
		msg.Hide()
	}
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), nil)
	ok := widget.NewButtonWithIcon("Open", theme.ConfirmIcon(), nil)
	ok.Importance = widget.HighImportance
	d := newCustom(name+" is encrypted", container.New(&widthLayout{width: 400}, container.NewVBox(
		widget.NewLabel("Enter the export's password."), pw, msg)), []fyne.CanvasObject{cancel, ok}, u.win)
	submit := func() {
		if pw.Text == "" {
			return
		}
		d.Hide()
		u.importData(name, data, []byte(pw.Text))
	}
	cancel.OnTapped = d.Hide
	ok.OnTapped = submit
	pw.OnSubmitted = func(string) { submit() }
	d.Show()
	u.win.Canvas().Focus(pw)
}
