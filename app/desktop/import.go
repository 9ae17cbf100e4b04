package desktop

import (
	"bytes"
	"errors"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
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
	d := u.fileOpen(u.importReader)
	d.Resize(fyne.NewSize(640, 480))
	d.Show()
}

// fileOpen makes a file-open dialog that hands the chosen file, with its
// name, to read; a cancel does nothing and an error is shown.
func (u *UI) fileOpen(read func(name string, rc io.ReadCloser)) *dialog.FileDialog {
	return dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError("Could not open the file", err)
			return
		}
		if rc == nil {
			return
		}
		read(rc.URI().Name(), rc)
	}, u.win)
}

// importReader reads a chosen or dropped file off the UI goroutine, at
// most transfer.MaxSize bytes, and imports it: transfer.Import tells an
// image (scanned for QR codes) from an export file.
func (u *UI) importReader(name string, rc io.ReadCloser) {
	done := u.busy("Reading " + name + "…")
	type result struct {
		data []byte
		err  error
	}
	background(u, func() result {
		defer rc.Close()
		b, err := transfer.ReadAll(rc)
		return result{b, err}
	}, func(r result) {
		done()
		if r.err != nil {
			u.showError("Could not read "+name, r.err)
			return
		}
		u.importData(name, r.data, nil)
	})
}

// importData reads a file with transfer.Import off the UI goroutine (the
// password, if any, makes it run the file's KDF; an image is scanned),
// then shows what it holds, duplicates marked, for confirmation.
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
		opts := transfer.Options{Scan: u.cfg.scanner.Bytes}
		if password != nil {
			opts.Password = func() ([]byte, error) { return password, nil }
		}
		res, err := transfer.Import(bytes.NewReader(data), opts)
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
		case errors.Is(r.err, scanner.ErrNoQRCode):
			u.imported(name, scanResult{err: scanner.ErrNoQRCode})
		case r.err != nil:
			u.showInfo("Could not import "+name, importProblem(r.err))
		case r.res.Scanned:
			u.reviewCodes(name, r.res)
		default:
			found := candidates(r.res, u.v.Accounts())
			if len(found) == 0 {
				u.showInfo("Nothing to add from "+name, strings.Join(append([]string{"The file holds no accounts Authdesk can use."}, r.res.Notes()...), "\n"))
				return
			}
			u.showReview(name, importFormat(r.res), found, r.res.Notes())
		}
	})
}

// importFormat says what a file was, for the review: "Aegis export,
// encrypted".
func importFormat(res *transfer.Result) string {
	s := res.Format.Title()
	if res.Encrypted {
		s += ", encrypted"
	}
	return s
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
	d := dialogs.NewCustom(name+" is encrypted", container.New(&dialogs.Width{W: 400}, container.NewVBox(
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
