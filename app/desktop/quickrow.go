package desktop

import (
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/vault"
)

// quickRow is one account in the quick popup: avatar, issuer and name,
// code and countdown. A click copies its code.
type quickRow struct {
	widget.BaseWidget
	p    *quickPopup
	acct vault.Account

	sel    *canvas.Rectangle // the selection's highlight
	avatar *canvas.Image
	star   *canvas.Image // on the avatar's corner of a favourite, as in the main list
	issuer *canvas.Text
	name   *canvas.Text
	code   *canvas.Text
	track  *canvas.Rectangle
	bar    *canvas.Rectangle
	frac   float32
	warn   bool

	issuerText, nameText string // untruncated
}

func newQuickRow(p *quickPopup) *quickRow {
	r := &quickRow{p: p,
		sel:    canvas.NewRectangle(theme.Color(theme.ColorNameSelection)),
		avatar: &canvas.Image{FillMode: canvas.ImageFillStretch},
		star:   canvas.NewImageFromResource(starIcon),
		issuer: canvas.NewText("", theme.Color(theme.ColorNameForeground)),
		name:   canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder)),
		code:   canvas.NewText("", theme.Color(theme.ColorNameForeground)),
		track:  canvas.NewRectangle(trackColor()),
		bar:    canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)),
	}
	r.sel.CornerRadius = 6
	r.sel.Hide()
	r.star.Hide()
	r.issuer.TextStyle = fyne.TextStyle{Bold: true}
	r.issuer.TextSize = 14
	r.name.TextSize = 12
	r.code.TextStyle = fyne.TextStyle{Bold: true}
	r.code.TextSize = 22
	r.code.Alignment = fyne.TextAlignTrailing
	r.ExtendBaseWidget(r)
	return r
}

// bind shows a (nothing for the zero Account), highlighted if selected.
func (r *quickRow) bind(a vault.Account, selected bool, now time.Time) {
	r.acct = a
	issuer, name := a.Issuer, a.Name
	if issuer == "" {
		issuer, name = name, ""
	}
	r.issuerText, r.nameText = issuer, name
	if a.ID == "" {
		r.avatar.Image = nil
	} else {
		px := int(math.Ceil(float64(quickAvatar * r.p.win.Canvas().Scale())))
		r.avatar.Image = r.p.u.brandAvatar(a, px)
	}
	if a.Type == vault.HOTP || a.ID == "" {
		r.track.Hide()
		r.bar.Hide()
	} else {
		r.track.Show()
		r.bar.Show()
	}
	r.star.Hidden = !a.Favorite
	r.code.Text = ""
	r.frac = -1
	r.setSelected(selected)
	r.tick(now)
	r.Refresh()
}

// setSelected shows or hides the selection's highlight.
func (r *quickRow) setSelected(on bool) {
	if on == r.sel.Visible() {
		return
	}
	if on {
		r.sel.Show()
	} else {
		r.sel.Hide()
	}
	r.sel.Refresh()
}

// tick refreshes the code and countdown.
func (r *quickRow) tick(now time.Time) {
	code, frac, warn, _ := codeAt(r.acct, now)
	if code != r.code.Text {
		r.code.Text = code
		r.code.Refresh()
	}
	if warn != r.warn {
		r.warn = warn
		r.bar.FillColor = theme.Color(barColor(warn))
		r.bar.Refresh()
	}
	if frac != r.frac {
		r.frac = frac
		r.layoutBar()
	}
}

func barColor(warn bool) fyne.ThemeColorName {
	if warn {
		return theme.ColorNameWarning
	}
	return theme.ColorNamePrimary
}

// Tapped copies the row's code.
func (r *quickRow) Tapped(*fyne.PointEvent) {
	if r.acct.ID == "" {
		return
	}
	for i, idx := range r.p.shown {
		if r.p.accts[idx].ID == r.acct.ID {
			r.p.move(i - r.p.sel)
			r.p.enter()
			return
		}
	}
}

// CreateRenderer lays the row out by hand, like codeRow.
func (r *quickRow) CreateRenderer() fyne.WidgetRenderer {
	return &quickRowRenderer{r: r, objects: []fyne.CanvasObject{r.sel, r.avatar, r.star, r.issuer, r.name, r.code, r.track, r.bar}}
}

type quickRowRenderer struct {
	r       *quickRow
	objects []fyne.CanvasObject
}

const (
	quickCodeW = 130
	quickStar  = 15
)

func (rr *quickRowRenderer) Layout(size fyne.Size) {
	r := rr.r
	h := size.Height
	r.sel.Move(fyne.NewPos(6, 2))
	r.sel.Resize(fyne.NewSize(size.Width-12, h-4))
	r.avatar.Move(fyne.NewPos(16, (h-quickAvatar)/2))
	r.avatar.Resize(fyne.NewSize(quickAvatar, quickAvatar))
	r.star.Resize(fyne.NewSize(quickStar, quickStar))
	r.star.Move(fyne.NewPos(16+quickAvatar-quickStar+3, (h+quickAvatar)/2-quickStar+3))
	right := size.Width - 18
	cs := r.code.MinSize()
	codeY := (h-cs.Height)/2 - 3
	r.code.Move(fyne.NewPos(right-quickCodeW, codeY))
	r.code.Resize(fyne.NewSize(quickCodeW, cs.Height))
	textW := min(cs.Width, quickCodeW)
	r.track.Move(fyne.NewPos(right-textW+2, codeY+cs.Height+1))
	r.track.Resize(fyne.NewSize(textW-4, 3))
	r.layoutBar()
	x := float32(16 + quickAvatar + 12)
	w := max(right-quickCodeW-x-8, 0)
	ih, nh := r.issuer.MinSize().Height, r.name.MinSize().Height
	top := (h - ih - nh) / 2
	r.issuer.Text = ellipsize(r.issuerText, w, r.issuer.TextSize, r.issuer.TextStyle)
	r.name.Text = ellipsize(r.nameText, w, r.name.TextSize, r.name.TextStyle)
	r.issuer.Move(fyne.NewPos(x, top))
	r.issuer.Resize(fyne.NewSize(w, ih))
	r.name.Move(fyne.NewPos(x, top+ih))
	r.name.Resize(fyne.NewSize(w, nh))
}

// layoutBar sizes the countdown bar from the track and the fraction left.
func (r *quickRow) layoutBar() {
	w := r.track.Size().Width * max(r.frac, 0)
	r.bar.Move(fyne.NewPos(r.track.Position().X+r.track.Size().Width-w, r.track.Position().Y))
	r.bar.Resize(fyne.NewSize(w, r.track.Size().Height))
}

func (rr *quickRowRenderer) MinSize() fyne.Size { return fyne.NewSize(quickWidth-20, quickRowH) }

func (rr *quickRowRenderer) Refresh() {
	r := rr.r
	r.sel.FillColor = theme.Color(theme.ColorNameSelection)
	r.issuer.Color = theme.Color(theme.ColorNameForeground)
	r.name.Color = theme.Color(theme.ColorNamePlaceHolder)
	r.code.Color = theme.Color(theme.ColorNameForeground)
	r.track.FillColor = trackColor()
	r.bar.FillColor = theme.Color(barColor(r.warn))
	rr.Layout(r.Size())
	for _, o := range rr.objects {
		o.Refresh()
	}
}

func (rr *quickRowRenderer) Objects() []fyne.CanvasObject { return rr.objects }
func (rr *quickRowRenderer) Destroy()                     {}

// ellipsize shortens s with "…" to fit width.
func ellipsize(s string, width, size float32, style fyne.TextStyle) string {
	if fyne.MeasureText(s, size, style).Width <= width {
		return s
	}
	rs := []rune(s)
	for n := len(rs) - 1; n > 0; n-- {
		t := string(rs[:n]) + "…"
		if fyne.MeasureText(t, size, style).Width <= width {
			return t
		}
	}
	return ""
}
