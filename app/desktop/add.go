package desktop

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
	"authdesk/app/wording"
	"authdesk/scanner"
	"authdesk/vault"
	"authdesk/vault/migration"
	"authdesk/vault/transfer"
)

// showAddChooser shows the ways to add an account (Ctrl+N).
func (u *UI) showAddChooser() {
	if u.state != stateCodes {
		return
	}
	u.closeOverlays()
	var d *dialog.CustomDialog
	choice := func(label, help string, icon fyne.Resource, f func()) fyne.CanvasObject {
		b := widget.NewButtonWithIcon(label, icon, func() { d.Hide(); f() })
		b.Alignment = widget.ButtonAlignLeading
		return container.NewVBox(b, dimText(help, false))
	}
	content := container.New(&dialogs.Width{W: 400}, container.NewVBox(
		choice("Scan screen", "Hides Authdesk and reads the QR codes on your displays.", theme.ComputerIcon(), u.scanScreen),
		choice("Open image…", "A screenshot or photo. You can also drop images here.", theme.FolderOpenIcon(), u.openImage),
		choice("Paste", "A QR code image or an otpauth:// link (Ctrl+V).", theme.ContentPasteIcon(), u.paste),
		choice("Enter key manually", "Trouble scanning? Type the key the site shows.", theme.DocumentCreateIcon(), u.showManualEntry),
	))
	d = dialog.NewCustom("Add account", "Cancel", content, u.win)
	d.Show()
}

// scanScreen hides the window, captures every display and imports what it finds.
func (u *UI) scanScreen() {
	u.win.Hide()
	u.setShown(false)
	// Give the window manager a moment to unmap us before capturing.
	u.later(350*time.Millisecond, func() {
		background(u, func() scanResult {
			p, err := u.cfg.scanner.Screen()
			return scanResult{p, err}
		}, func(r scanResult) {
			u.win.Show()
			u.win.RequestFocus()
			u.setShown(true)
			u.imported(screenSource, r)
		})
	})
}

// screenSource names the screen as a place accounts were found on.
const screenSource = "your screen"

// openImage asks for an image file and imports its QR codes.
func (u *UI) openImage() {
	d := u.fileOpen(u.importReader)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"}))
	d.Resize(fyne.NewSize(640, 480))
	d.Show()
}

// dropped imports the files dropped on the window: the QR codes of images,
// the accounts of other authenticators' export files (told apart by their
// content).
func (u *UI) dropped(uris []fyne.URI) {
	if u.state != stateCodes {
		return
	}
	for _, uri := range uris {
		rc, err := storage.Reader(uri)
		if err != nil {
			u.showError("Could not read "+uri.Name(), err)
			continue
		}
		u.importReader(uri.Name(), rc)
	}
}

// paste imports an otpauth link or a QR code image from the clipboard.
func (u *UI) paste() {
	if u.state != stateCodes {
		return
	}
	u.touch()
	if text := strings.TrimSpace(u.app.Clipboard().Content()); text != "" {
		if f := transfer.Detect([]byte(text)); f != "" && f != transfer.OTPAuth {
			// A whole export (an Aegis or 2FAS file's text) is one payload.
			u.importData("the clipboard", []byte(text), nil)
			return
		}
		u.imported("the clipboard", scanResult{payloads: strings.Fields(text)})
		return
	}
	background(u, func() scanResult {
		p, err := u.cfg.scanner.Clipboard()
		return scanResult{p, err}
	}, func(r scanResult) { u.imported("the clipboard", r) })
}

type scanResult struct {
	payloads []string
	err      error
}

// candidate is one account found in a scan, for the review list.
type candidate struct {
	acct vault.Account
	dup  *vault.Account // the account already holding this secret
	add  *widget.Check
}

// imported turns scanned payloads into accounts and asks to add them.
func (u *UI) imported(source string, r scanResult) {
	if u.state != stateCodes {
		return
	}
	if r.err != nil {
		switch {
		case errors.Is(r.err, scanner.ErrNoQRCode):
			u.showInfo("No QR code found", fmt.Sprintf("Authdesk found no QR code in %s. Make sure the whole code is visible, or use “Enter key manually”.", source))
		default:
			u.showError("Could not read "+source, r.err)
		}
		return
	}
	u.reviewCodes(source, transfer.ReadCodes(r.payloads, transfer.Options{}))
}

// reviewCodes shows what scanned QR codes hold (transfer.ReadCodes; one
// that fails leaves the others) and asks to add it.
func (u *UI) reviewCodes(source string, res *transfer.Result) {
	found := candidates(res, u.v.Accounts())
	var problems []string
	for _, c := range res.Unread {
		switch {
		case errors.Is(c.Err, transfer.ErrUnknownFormat):
			problems = append(problems, fmt.Sprintf("Not an authenticator QR code: it holds %s.", describePayload(c.Text)))
		case migration.IsMigration(c.Text):
			problems = append(problems, fmt.Sprintf("A Google Authenticator export could not be read: %v", c.Err))
		default:
			problems = append(problems, fmt.Sprintf("An authenticator code could not be read: %v", c.Err))
		}
	}
	for _, s := range res.Skipped {
		problems = append(problems, "Skipped: "+s)
	}
	notes := u.trackBatches(res.Batches)
	if len(found) == 0 {
		if len(problems) == 0 {
			problems = []string{"Nothing to add."}
		}
		u.showInfo("Nothing to add from "+source, strings.Join(problems, "\n"))
		return
	}
	u.showReview(source, res.Format.Title()+", from QR codes", found, append(notes, problems...))
}

// candidates lists what Read found for the review: the accounts in file
// order, each marked when the vault already has the same account, then the
// payload's repeats of its own accounts, marked.
func candidates(res *transfer.Result, existing []vault.Account) []candidate {
	var out []candidate
	for _, a := range res.Accounts {
		c := candidate{acct: a}
		for i := range existing {
			if transfer.Same(a, existing[i]) {
				c.dup = &existing[i]
				break
			}
		}
		out = append(out, c)
	}
	for _, d := range res.Duplicates {
		out = append(out, candidate{acct: d.Account, dup: &d.Of})
	}
	return out
}

// addFlow is the state of adding accounts: the Google export batches
// scanned so far, the review of what a scan found, and the manual form.
type addFlow struct {
	batches transfer.BatchTracker // the Google export QR codes scanned so far
	review  *reviewDialog         // the last review (for tests)
	manual  *manualForm           // the last manual form (for tests)
}

// trackBatches remembers the Google export batches seen across scans
// (transfer.BatchTracker) and says which are still missing.
func (u *UI) trackBatches(batches []transfer.Batch) []string { return u.adding.track(batches) }

// track adds batches to those seen and says which are still missing.
func (f *addFlow) track(batches []transfer.Batch) []string {
	var notes []string
	for _, p := range f.batches.Add(batches) {
		if len(p.Missing) > 0 {
			notes = append(notes, fmt.Sprintf("This export has %s; scan code %s next.", wording.Count(p.Size, "QR code", "QR codes"), joinAnd(p.Missing)))
		} else {
			notes = append(notes, fmt.Sprintf("All %s of this export are scanned.", wording.Count(p.Size, "QR code", "QR codes")))
		}
	}
	return notes
}

func joinAnd(n []int) string {
	s := make([]string, len(n))
	for i, v := range n {
		s[i] = strconv.Itoa(v)
	}
	return wording.And(s)
}

// describePayload says what a non-authenticator QR code holds, briefly.
func describePayload(p string) string {
	lp := strings.ToLower(p)
	switch {
	case strings.HasPrefix(lp, "http://"), strings.HasPrefix(lp, "https://"):
		return "a web link (" + shorten(p, 60) + ")"
	case strings.HasPrefix(lp, "wifi:"):
		return "Wi-Fi settings"
	case strings.HasPrefix(lp, "mailto:"):
		return "an e-mail address"
	}
	return "text (“" + shorten(p, 40) + "”)"
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// reviewDialog lists what a scan found before adding it.
type reviewDialog struct {
	found  []candidate
	d      *dialog.CustomDialog
	notes  string
	format string // what the payload was read as ("Aegis export, encrypted")
}

func (u *UI) showReview(source, format string, found []candidate, notes []string) {
	rv := &reviewDialog{found: found, notes: strings.Join(notes, "\n"), format: format}
	u.adding.review = rv
	items := container.NewVBox()
	for i := range found {
		c := &found[i]
		label := c.acct.Title() + "  · " + reviewKind(c.acct)
		if c.dup != nil {
			label += "  — already in your vault"
		}
		c.add = widget.NewCheck(label, nil)
		c.add.SetChecked(c.dup == nil)
		items.Add(c.add)
	}
	what := widget.NewLabel("Read as: " + format)
	what.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{what}
	if rv.notes != "" {
		n := widget.NewLabel(rv.notes)
		n.Wrapping = fyne.TextWrapWord
		n.Importance = widget.WarningImportance
		objs = append(objs, n)
	}
	var body fyne.CanvasObject = items
	if len(found) > 6 {
		s := container.NewVScroll(items)
		s.SetMinSize(fyne.NewSize(0, 260))
		body = s
	}
	objs = append(objs, body)
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), nil)
	add := widget.NewButtonWithIcon("Add", theme.ConfirmIcon(), nil)
	add.Importance = widget.HighImportance
	title := "Found " + wording.Count(len(found), "account", "accounts") + " in " + source
	if source == screenSource {
		title = "Found " + wording.Count(len(found), "account", "accounts") + " on " + source
	}
	rv.d = dialogs.NewCustom(title, container.New(&dialogs.Width{W: 420}, container.NewVBox(objs...)),
		[]fyne.CanvasObject{cancel, add}, u.win)
	cancel.OnTapped = rv.d.Hide
	add.OnTapped = func() {
		rv.d.Hide()
		var accts []vault.Account
		for _, c := range found {
			if c.add.Checked {
				accts = append(accts, c.acct)
			}
		}
		u.addAccounts(accts)
	}
	rv.d.Show()
}

// reviewKind says what codes an account makes, for the review: "TOTP, 6
// digits, 30 s", "HOTP, 6 digits", "Steam".
func reviewKind(a vault.Account) string {
	switch a.Type {
	case vault.Steam:
		return "Steam"
	case vault.HOTP:
		return fmt.Sprintf("HOTP, %d digits", a.Digits)
	}
	s := fmt.Sprintf("TOTP, %d digits, %d s", a.Digits, a.Period)
	if a.Algorithm != vault.SHA1 {
		s += ", " + string(a.Algorithm)
	}
	return s
}

// addAccounts saves accts off the UI goroutine, then selects the first one
// and shows its code.
func (u *UI) addAccounts(accts []vault.Account) {
	if len(accts) == 0 {
		return
	}
	v := u.v
	type result struct {
		added []vault.Account
		err   error
	}
	background(u, func() result {
		added, err := v.Add(accts...)
		return result{added, err}
	}, func(r result) {
		if r.err != nil {
			u.showError("Could not add the account", r.err)
			return
		}
		if u.state != stateCodes || u.v != v {
			return
		}
		u.list.search.SetText("")
		u.list.reload(r.added[0].ID)
		msg := "Added " + wording.Count(len(r.added), "account", "accounts")
		if len(r.added) == 1 {
			// No code here: the toast outlives a period, the row does not.
			msg = "Added " + r.added[0].Title()
		}
		u.frame.toast.show(msg, u)
	})
}
