package desktop

import (
	"io"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"authdesk/vault"
	"authdesk/vault/icons"
	"authdesk/vault/icons/picture"
)

// brandPickerMax is how many matches the Change icon dialog lists.
const brandPickerMax = 60

// brandPicker is the Change icon dialog: a search of the built-in icons,
// a picture file, initials, or back to the icon the issuer matches.
type brandPicker struct {
	u       *UI
	id      string
	d       dialog.Dialog
	search  *widget.Entry
	list    *widget.List
	status  *widget.Label
	results []icons.Icon
}

// showBrandPicker opens the Change icon dialog for the account id.
func (u *UI) showBrandPicker(id string) *brandPicker {
	a, ok := u.v.Account(id)
	if !ok {
		return nil
	}
	p := &brandPicker{u: u, id: id, search: widget.NewEntry(), status: widget.NewLabel("")}
	p.search.SetPlaceHolder("Search the built-in icons")
	p.search.OnChanged = func(string) { p.find() }
	p.list = widget.NewList(func() int { return len(p.results) }, p.newItem, p.bindItem)
	p.list.OnSelected = func(i widget.ListItemID) {
		if i < len(p.results) {
			p.choose(&vault.Icon{Slug: p.results[i].Slug})
		}
	}
	picture := widget.NewButton("Use a picture…", p.pickFile)
	initialsB := widget.NewButton("Use initials", func() { p.choose(&vault.Icon{Initials: true}) })
	auto := widget.NewButton("Match the issuer", func() { p.choose(nil) })
	hint := widget.NewLabel("A picture is a PNG, JPEG or SVG file of up to 64 KiB.")
	hint.Importance = widget.LowImportance
	top := container.NewVBox(p.search, p.status)
	bottom := container.NewVBox(hint, container.NewGridWithColumns(3, picture, initialsB, auto))
	p.d = dialog.NewCustom("Icon of "+a.Title(), "Cancel", container.NewBorder(top, bottom, nil, nil, p.list), u.win)
	p.d.Resize(fyne.NewSize(480, 520))
	p.search.SetText(a.Issuer) // lists the issuer's likely icons first
	p.find()
	p.d.Show()
	u.win.Canvas().Focus(p.search)
	return p
}

// find lists the icons matching the search, once the pack is read.
func (p *brandPicker) find() {
	lib := p.u.cfg.Icons
	p.results = nil
	switch set, ok := (*icons.Set)(nil), false; {
	case lib == nil:
		p.status.SetText("No built-in icons are installed: use a picture or initials.")
	default:
		if set, ok = lib.Ready(p.u.cfg.spawn, func() { onUI(p.find) }); !ok {
			p.status.SetText("Loading icons…")
			break
		}
		if set.Len() == 0 {
			p.status.SetText("No built-in icons are installed: use a picture or initials.")
			break
		}
		p.results = set.Search(p.search.Text, brandPickerMax)
		if len(p.results) == 0 {
			p.status.SetText("No built-in icon matches “" + p.search.Text + "”.")
		} else {
			p.status.SetText("")
		}
	}
	p.list.UnselectAll()
	p.list.Refresh()
}

func (p *brandPicker) newItem() fyne.CanvasObject {
	img := &canvas.Image{FillMode: canvas.ImageFillStretch}
	img.SetMinSize(fyne.NewSize(32, 32))
	return container.NewBorder(nil, nil, img, nil, widget.NewLabel(""))
}

func (p *brandPicker) bindItem(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(p.results) {
		return
	}
	ic := p.results[i]
	c := o.(*fyne.Container)
	c.Objects[0].(*widget.Label).SetText(ic.Title)
	img := c.Objects[1].(*canvas.Image)
	img.Image = p.u.avatars.brand(ic, int(math.Ceil(float64(32*p.u.win.Canvas().Scale()))))
	img.Refresh()
}

// pickFile asks for a picture file and uses it.
func (p *brandPicker) pickFile() {
	d := p.u.fileOpen(func(name string, rc io.ReadCloser) { p.readPicture(name, rc) })
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".svg"}))
	d.Resize(fyne.NewSize(640, 480))
	d.Show()
}

// readPicture reads and checks a picture off the UI goroutine, then uses
// it; a refused file is explained and nothing is stored.
func (p *brandPicker) readPicture(name string, rc io.ReadCloser) {
	type result struct {
		ic  *vault.Icon
		err error
	}
	background(p.u, func() result {
		defer rc.Close()
		data, mime, err := picture.ReadImage(rc, name)
		return result{&vault.Icon{MIME: mime, Data: data}, err}
	}, func(r result) {
		if r.err != nil {
			p.u.showError("Could not use this picture", r.err)
			return
		}
		p.choose(r.ic)
	})
}

// choose saves ic as the account's icon and closes the dialog.
func (p *brandPicker) choose(ic *vault.Icon) {
	p.d.Hide()
	p.u.mutate("Could not change the icon", p.id, func(v *vault.Vault) error { return v.SetIcon(p.id, ic) })
}
