package desktop

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
	"authdesk/app/wording"
	"authdesk/vault/transfer"
)

// showTransfer moves the accounts to a phone (menu: Transfer to phone…):
// after a warning, it shows them as Google Authenticator migration QR codes,
// ten accounts a code, one code at a time. Google Authenticator, Aegis and
// 2FAS scan them. While they are on screen the window is excluded from
// screen capture where the platform allows it (Windows 10 2004 and later).
func (u *UI) showTransfer() {
	if u.state != stateCodes {
		return
	}
	u.closeOverlays()
	lines, skipped, err := transfer.Migration(u.v.Accounts(), transfer.NewBatchID())
	if err != nil {
		u.showError("Could not prepare the transfer", err)
		return
	}
	if len(lines) == 0 {
		u.showInfo("Nothing to transfer", strings.Join(append([]string{"No account fits Google Authenticator's format."}, skipped...), "\n"))
		return
	}
	d := dialogs.NewConfirm("Show every secret as QR codes?",
		fmt.Sprintf("%s will hold the secrets of your accounts: anyone who sees or photographs them can generate your codes. Show them only to your own phone, with nobody watching.", wording.Count(len(lines), "QR code", "QR codes")),
		func(ok bool) {
			if ok {
				u.showTransferCodes(lines, skipped)
			}
		}, u.win)
	d.SetConfirmText("Show QR codes")
	d.Show()
}

// transferView is the Transfer to phone dialog: one QR code at a time.
type transferView struct {
	lines      []string
	at         int
	img        *canvas.Image
	page       *widget.Label
	prev, next *widget.Button
	problem    *widget.Label
}

func (u *UI) showTransferCodes(lines, skipped []string) {
	t := &transferView{lines: lines, img: &canvas.Image{}, page: widget.NewLabel(""), problem: widget.NewLabel("")}
	t.img.FillMode = canvas.ImageFillContain
	t.img.ScaleMode = canvas.ImageScalePixels
	t.img.SetMinSize(fyne.NewSize(320, 320))
	t.page.Alignment = fyne.TextAlignCenter
	t.problem.Importance = widget.DangerImportance
	t.problem.Hide()
	t.prev = widget.NewButtonWithIcon("Previous", theme.NavigateBackIcon(), func() { t.show(t.at - 1) })
	t.next = widget.NewButtonWithIcon("Next", theme.NavigateNextIcon(), func() { t.show(t.at + 1) })
	help := widget.NewLabel("In Google Authenticator: Transfer accounts › Import accounts. In Aegis or 2FAS: scan a QR code. Scan every code.")
	help.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{container.NewCenter(t.img), t.page, container.NewGridWithColumns(2, t.prev, t.next), help, t.problem}
	if len(skipped) > 0 {
		s := widget.NewLabel("Not transferred (the format cannot carry them):\n" + strings.Join(skipped, "\n"))
		s.Wrapping = fyne.TextWrapWord
		s.Importance = widget.WarningImportance
		objs = append(objs, s)
	}
	hideFromCapture(u.win, true)
	d := dialog.NewCustom("Transfer to phone", "Done", container.New(&dialogs.Width{W: 440}, container.NewVBox(objs...)), u.win)
	d.SetOnClosed(func() { hideFromCapture(u.win, false) })
	t.show(0)
	d.Show()
}

// show displays QR code i.
func (t *transferView) show(i int) {
	if i < 0 || i >= len(t.lines) {
		return
	}
	t.at = i
	png, err := transfer.QRPNG(t.lines[i])
	if err != nil {
		t.problem.SetText(err.Error())
		t.problem.Show()
		return
	}
	t.img.Resource = fyne.NewStaticResource(fmt.Sprintf("transfer-%d.png", i+1), png)
	t.img.Refresh()
	t.page.SetText(fmt.Sprintf("%d of %d", i+1, len(t.lines)))
	if i == 0 {
		t.prev.Disable()
	} else {
		t.prev.Enable()
	}
	if i == len(t.lines)-1 {
		t.next.Disable()
	} else {
		t.next.Enable()
	}
}
