package desktop

import (
	"bytes"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
	"authdesk/app/wording"
	"authdesk/vault"
	"authdesk/vault/transfer"
)

// exportChoice is one format of the Export… dialog.
type exportChoice struct {
	label  string
	format transfer.Format
	file   string // the suggested file name
}

var exportChoices = []exportChoice{
	{"Aegis vault (.json), encrypted with a password", transfer.Aegis, "authdesk-aegis.json"},
	{"otpauth:// links, one per line (.txt), not encrypted", transfer.OTPAuth, "authdesk-otpauth.txt"},
	{"Google Authenticator migration links (.txt), not encrypted", transfer.GoogleMig, "authdesk-google.txt"},
}

// showExportAll offers the export formats (menu: Export…). Every format
// holds the secrets, so the dialog says so; the unencrypted ones need one
// more confirmation, and the file is written 0600.
func (u *UI) showExportAll() {
	if u.state != stateCodes {
		return
	}
	u.closeOverlays()
	labels := make([]string, len(exportChoices))
	for i, c := range exportChoices {
		labels[i] = c.label
	}
	choice := widget.NewRadioGroup(labels, nil)
	choice.Required = true
	choice.SetSelected(labels[0])
	pw, again := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	pw.SetPlaceHolder("Password (empty: a plain Aegis file)")
	again.SetPlaceHolder("Repeat the password")
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Hide()
	warn := widget.NewLabel("")
	warn.Wrapping = fyne.TextWrapWord
	accts := u.v.Accounts()
	choice.OnChanged = func(s string) {
		if s == labels[0] {
			pw.Enable()
			again.Enable()
		} else {
			pw.Disable()
			again.Disable()
		}
		warn.SetText(exportWarning(exportChoices[max(0, indexOf(labels, s))].format, accts))
	}
	warn.SetText(exportWarning(exportChoices[0].format, accts))
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), nil)
	next := widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), nil)
	next.Importance = widget.HighImportance
	d := dialogs.NewCustom("Export accounts", container.New(&dialogs.Width{W: 460}, container.NewVBox(
		choice, pw, again, problem, warn)), []fyne.CanvasObject{cancel, next}, u.win)
	cancel.OnTapped = d.Hide
	next.OnTapped = func() {
		c := exportChoices[max(0, indexOf(labels, choice.Selected))]
		var password []byte
		if c.format == transfer.Aegis {
			if pw.Text != again.Text {
				problem.SetText("The two passwords differ.")
				problem.Show()
				return
			}
			password = []byte(pw.Text)
		}
		d.Hide()
		if len(password) > 0 {
			u.chooseExportFile(c, password)
			return
		}
		confirm := dialogs.NewConfirm("Write every secret without encryption?",
			"Anyone who can read this file can generate your codes. Export without a password only to import the file into another app right away, then delete it.",
			func(ok bool) {
				if ok {
					u.chooseExportFile(c, nil)
				}
			}, u.win)
		confirm.SetConfirmText("Export without password")
		confirm.SetConfirmImportance(widget.DangerImportance)
		confirm.Show()
	}
	d.Show()
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// chooseExportFile asks where to save, then exports there.
func (u *UI) chooseExportFile(c exportChoice, password []byte) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showError("Could not save the file", err)
			return
		}
		if wc == nil {
			return
		}
		// The dialog created the file with the default mode; WriteFile
		// replaces it with a 0600 one.
		wc.Close()
		if wc.URI().Scheme() != "file" {
			storage.Delete(wc.URI())
			u.showError("Could not save the file", fmt.Errorf("%s is not a local file", wc.URI()))
			return
		}
		u.exportTo(wc.URI().Path(), c.format, password)
	}, u.win)
	d.SetFileName(c.file)
	d.Resize(fyne.NewSize(640, 480))
	d.Show()
}

// exportTo writes every account to path in format off the UI goroutine
// (an encrypted Aegis file runs scrypt), mode 0600, and says what it did.
func (u *UI) exportTo(path string, format transfer.Format, password []byte) {
	accts := u.v.Accounts()
	type result struct {
		skipped []string
		err     error
	}
	done := u.busy("Exporting…")
	background(u, func() result {
		b, skipped, err := exportBytes(accts, format, password)
		if err == nil {
			err = transfer.WriteFile(path, b)
		}
		return result{skipped, err}
	}, func(r result) {
		done()
		if r.err != nil {
			u.showError("Could not export the accounts", r.err)
			return
		}
		msg := fmt.Sprintf("Exported %d accounts to %s.", len(accts)-len(r.skipped), path)
		if len(r.skipped) > 0 {
			msg += "\n\nGoogle Authenticator's format cannot carry these:\n" + strings.Join(r.skipped, "\n")
		}
		u.showInfo("Export done", msg)
	})
}

// exportWarning says what the file will hold in format, before the
// export: how many accounts, and by name those the format cannot carry.
func exportWarning(format transfer.Format, accts []vault.Account) string {
	skips := transfer.Skips(format, accts)
	n := len(accts) - len(skips)
	held := "all " + wording.Count(n, "account", "accounts")
	if len(skips) > 0 || n == 1 {
		held = wording.Count(n, "account", "accounts")
	}
	msg := fmt.Sprintf("The file will hold the secrets of %s: anyone who reads it can generate your codes. Keep it safe and delete it after the move.", held)
	if len(skips) > 0 {
		msg += fmt.Sprintf("\n\n%s cannot carry %s, left out:\n%s", format.Title(), wording.Count(len(skips), "account", "accounts"), strings.Join(skips, "\n"))
	}
	return msg
}

// exportBytes writes accts in format with transfer.Write, the one way out.
func exportBytes(accts []vault.Account, format transfer.Format, password []byte) ([]byte, []string, error) {
	var b bytes.Buffer
	w, err := transfer.Write(&b, format, accts, transfer.WriteOptions{Password: password})
	return b.Bytes(), w.Skipped, err
}
