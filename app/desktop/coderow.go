package desktop

import (
	"image/color"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	fynedesktop "fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/vault"
)

// codeRow shows one account: avatar, issuer, name, code, countdown.
type codeRow struct {
	widget.BaseWidget
	u    *UI
	acct vault.Account

	avatar  *canvas.Image // disc and initials in one image: one draw, not two
	star    *canvas.Image // on the avatar's corner of a favourite
	issuer  *widget.Label
	name    *widget.RichText
	nameSeg *widget.TextSegment
	code    *canvas.Text
	next    *canvas.Text
	track   *canvas.Rectangle
	bar     *canvas.Rectangle
	hover   *canvas.Rectangle // the hover highlight (the row takes the pointer from the list item)
	tap     *tapArea
	advance *widget.Button
	more    *widget.Button
	frac    float32 // countdown fraction left, 0..1
	warn    bool
}

func newCodeRow(u *UI) *codeRow {
	r := &codeRow{u: u,
		avatar:  &canvas.Image{FillMode: canvas.ImageFillStretch},
		issuer:  widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nameSeg: &widget.TextSegment{Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameText}},
		code:    canvas.NewText("", theme.Color(theme.ColorNameForeground)),
		next:    canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder)),
		track:   canvas.NewRectangle(trackColor()),
		bar:     canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)),
		hover:   canvas.NewRectangle(theme.Color(theme.ColorNameHover)),
		star:    canvas.NewImageFromResource(starIcon),
	}
	r.hover.Hide()
	r.star.Hide()
	r.issuer.Truncation = fyne.TextTruncateEllipsis
	r.name = widget.NewRichText(r.nameSeg)
	r.name.Truncation = fyne.TextTruncateEllipsis
	// The bold face is loaded for the issuers anyway (its digits are all
	// one width); a monospace face would cost ~3 MB more to parse.
	r.code.TextStyle = fyne.TextStyle{Bold: true}
	r.code.TextSize = 26
	r.code.Alignment = fyne.TextAlignTrailing
	r.next.TextSize = 12
	r.next.Alignment = fyne.TextAlignTrailing
	r.tap = newTapArea(func() {
		r.u.touch()
		if r.acct.ID != "" {
			r.u.selectID(r.acct.ID)
			r.u.copyCode(r.acct)
		}
	})
	r.advance = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() { r.u.advanceHOTP(r.acct.ID) })
	r.advance.Importance = widget.LowImportance
	r.more = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), nil)
	r.more.Importance = widget.LowImportance
	r.more.OnTapped = func() { r.u.showRowMenu(r.acct.ID, r.more) }
	r.ExtendBaseWidget(r)
	return r
}

// bind shows a (or nothing, for the zero Account).
func (r *codeRow) bind(a vault.Account, now time.Time) {
	r.acct = a
	issuer, name := a.Issuer, a.Name
	if issuer == "" {
		issuer, name = name, ""
	}
	r.issuer.SetText(issuer)
	if r.nameSeg.Text != name {
		r.nameSeg.Text = name
		r.name.Refresh()
	}
	if a.ID == "" {
		r.avatar.Image = nil
		r.avatar.Hide()
	} else {
		px := int(math.Ceil(float64(avatarSize * r.u.win.Canvas().Scale())))
		r.avatar.Image = r.u.brandAvatar(a, px)
		r.avatar.Show()
		r.avatar.Refresh()
	}
	r.star.Hidden = !a.Favorite
	if a.Type == vault.HOTP {
		r.advance.Show()
		r.track.Hide()
		r.bar.Hide()
	} else {
		r.advance.Hide()
		r.track.Show()
		r.bar.Show()
	}
	r.code.Text, r.next.Text = "", ""
	r.tick(now)
	r.Refresh()
}

// tick refreshes only what changed: the code text once a period, the bar
// once a second, the next code in the last 10 seconds. Nothing is computed
// while the window is hidden.
func (r *codeRow) tick(now time.Time) {
	if r.u.pace.hidden {
		return
	}
	next := ""
	code, frac, warn, left := codeAt(r.acct, now)
	if r.acct.ID != "" && len(r.acct.Secret) > 0 {
		if r.acct.Type != vault.HOTP && r.acct.Period > 0 {
			if left <= nextBefore {
				if n, err := r.acct.NextCode(now); err == nil {
					next = "next " + vault.GroupCode(n)
				}
			}
		}
	}
	if code != r.code.Text {
		relayout := len(code) != len(r.code.Text)
		r.code.Text = code
		r.code.Refresh()
		if relayout {
			r.Refresh()
		}
	}
	if next != r.next.Text {
		r.next.Text = next
		r.next.Refresh()
	}
	if warn != r.warn {
		r.warn = warn
		r.bar.FillColor = theme.Color(theme.ColorNamePrimary)
		if warn {
			r.bar.FillColor = theme.Color(theme.ColorNameWarning)
		}
		r.bar.Refresh()
	}
	if frac != r.frac {
		r.frac = frac
		r.layoutBar()
	}
}

// CreateRenderer lays the row out by hand: it is drawn hundreds of times.
func (r *codeRow) CreateRenderer() fyne.WidgetRenderer {
	return &rowRenderer{r: r, objects: []fyne.CanvasObject{r.hover, r.avatar, r.star, r.issuer, r.name,
		r.code, r.next, r.track, r.bar, r.tap, r.advance, r.more}}
}

const (
	rowHeight   = 76
	avatarSize  = 42
	starSize    = 18
	codeWidth   = 150
	rowPad      = 10
	buttonWidth = 36
)

type rowRenderer struct {
	r       *codeRow
	objects []fyne.CanvasObject
}

func (rr *rowRenderer) Layout(size fyne.Size) {
	r := rr.r
	h := size.Height
	r.hover.Resize(size)
	r.avatar.Resize(fyne.NewSize(avatarSize, avatarSize))
	r.avatar.Move(fyne.NewPos(rowPad, (h-avatarSize)/2))
	r.star.Resize(fyne.NewSize(starSize, starSize))
	r.star.Move(fyne.NewPos(rowPad+avatarSize-starSize+4, (h+avatarSize)/2-starSize+4))

	right := size.Width - rowPad
	r.more.Resize(fyne.NewSize(buttonWidth, buttonWidth))
	right -= buttonWidth
	r.more.Move(fyne.NewPos(right, (h-buttonWidth)/2))
	if r.advance.Visible() {
		right -= buttonWidth + 2
		r.advance.Resize(fyne.NewSize(buttonWidth, buttonWidth))
		r.advance.Move(fyne.NewPos(right, (h-buttonWidth)/2))
	}
	right -= 8
	codeX := right - codeWidth
	cs := r.code.MinSize()
	codeY := float32(10)
	if r.acct.Type == vault.HOTP {
		codeY = (h - cs.Height) / 2
	}
	r.code.Move(fyne.NewPos(codeX, codeY))
	r.code.Resize(fyne.NewSize(codeWidth, cs.Height))
	r.tap.Move(fyne.NewPos(codeX, 0))
	r.tap.Resize(fyne.NewSize(codeWidth, h))
	// The countdown runs under the code's digits, right-aligned with them.
	textW := min(cs.Width, codeWidth)
	barY := codeY + cs.Height + 2
	r.track.Move(fyne.NewPos(right-textW+2, barY))
	r.track.Resize(fyne.NewSize(textW-4, 3))
	ns := r.next.MinSize()
	r.next.Move(fyne.NewPos(codeX, barY+6))
	r.next.Resize(fyne.NewSize(codeWidth-2, ns.Height))
	r.layoutBar()

	textX := float32(rowPad + avatarSize + 12)
	textW = max(codeX-textX-4, 0)
	ih := r.issuer.MinSize().Height
	nh := r.name.MinSize().Height
	top := (h - ih - nh + 10) / 2
	r.issuer.Move(fyne.NewPos(textX, top))
	r.issuer.Resize(fyne.NewSize(textW, ih))
	r.name.Move(fyne.NewPos(textX, top+ih-12))
	r.name.Resize(fyne.NewSize(textW, nh))
}

// layoutBar sizes the countdown bar from the track and the fraction left.
func (r *codeRow) layoutBar() {
	w := r.track.Size().Width * r.frac
	r.bar.Move(fyne.NewPos(r.track.Position().X+r.track.Size().Width-w, r.track.Position().Y))
	r.bar.Resize(fyne.NewSize(w, r.track.Size().Height))
}

func (rr *rowRenderer) MinSize() fyne.Size {
	return fyne.NewSize(rowPad*2+avatarSize+8+80+codeWidth+buttonWidth+8, rowHeight)
}

func (rr *rowRenderer) Refresh() {
	r := rr.r
	r.code.Color = theme.Color(theme.ColorNameForeground)
	r.next.Color = theme.Color(theme.ColorNamePlaceHolder)
	r.track.FillColor = trackColor()
	r.hover.FillColor = theme.Color(theme.ColorNameHover)
	r.bar.FillColor = theme.Color(theme.ColorNamePrimary)
	if r.warn {
		r.bar.FillColor = theme.Color(theme.ColorNameWarning)
	}
	rr.Layout(r.Size())
	for _, o := range rr.objects {
		o.Refresh()
	}
}

func (rr *rowRenderer) Objects() []fyne.CanvasObject { return rr.objects }
func (rr *rowRenderer) Destroy()                     {}

// MouseIn highlights the row and counts as activity for the idle auto-lock.
// (Being hoverable, the row takes the pointer from the list item, which would
// otherwise draw the highlight.)
func (r *codeRow) MouseIn(*fynedesktop.MouseEvent) {
	r.u.touch()
	r.hover.Show()
	r.hover.Refresh()
}

// MouseMoved counts as activity for the idle auto-lock.
func (r *codeRow) MouseMoved(*fynedesktop.MouseEvent) { r.u.touch() }

// MouseOut removes the highlight.
func (r *codeRow) MouseOut() {
	r.hover.Hide()
	r.hover.Refresh()
}

// tapArea is an invisible tappable region (the code: click to copy).
type tapArea struct {
	widget.BaseWidget
	onTap func()
}

func newTapArea(f func()) *tapArea {
	t := &tapArea{onTap: f}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped runs the tap action.
func (t *tapArea) Tapped(*fyne.PointEvent) { t.onTap() }

// Cursor shows a pointing hand over the code.
func (t *tapArea) Cursor() fynedesktop.Cursor { return fynedesktop.PointerCursor }

// CreateRenderer draws nothing.
func (t *tapArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(layout.NewSpacer())
}

// trackColor is the countdown's background: the text colour, faint.
func trackColor() color.Color {
	r, g, b, _ := theme.Color(theme.ColorNameForeground).RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0x30}
}

// codeAt is what a row shows of a at now: the grouped code ("error" when it
// cannot be made), the countdown's fraction left, whether it is in its
// warning seconds, and the time left (0 for HOTP). The codes list and the
// quick popup share it.
func codeAt(a vault.Account, now time.Time) (code string, frac float32, warn bool, left time.Duration) {
	if a.ID == "" || len(a.Secret) == 0 {
		return "", 0, false, 0
	}
	if c, err := a.Code(now); err == nil {
		code = vault.GroupCode(c)
	} else {
		code = "error"
	}
	if a.Type != vault.HOTP && a.Period > 0 {
		left = a.Remaining(now)
		frac = float32(left.Seconds() / float64(a.Period))
		warn = left <= warnBefore
	}
	return code, frac, warn, left
}
