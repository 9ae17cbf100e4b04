package desktop

import (
	"fmt"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/wording"
	"authdesk/vault/icons"
)

// brandPackSection is Settings → Icons: the Aegis icon packs added, and
// Add icon pack…, whose icons are matched before the built-in ones.
type brandPackSection struct {
	u      *UI
	box    *fyne.Container
	status *widget.Label
	add    *widget.Button
}

func (u *UI) newBrandPackSection() *brandPackSection {
	s := &brandPackSection{u: u, status: widget.NewLabel("")}
	s.status.Wrapping = fyne.TextWrapWord
	s.add = widget.NewButton("Add icon pack…", s.pick)
	s.box = container.NewVBox(sectionHeading("Icons"), container.NewBorder(nil, nil, nil, container.NewCenter(s.add), s.status))
	s.show()
	return s
}

// show says which packs are in use.
func (s *brandPackSection) show() {
	lib := s.u.cfg.Icons
	if lib == nil {
		s.status.SetText("No icons are installed: accounts show initials.")
		s.add.Disable()
		return
	}
	var names []string
	for _, p := range lib.UserPacks() {
		names = append(names, fmt.Sprintf("%s (%s)", p.Name, wording.Count(p.Len(), "icon", "icons")))
	}
	if len(names) == 0 {
		s.status.SetText("Aegis icon packs you add are matched before the built-in icons.")
		return
	}
	s.status.SetText("Icon packs, matched before the built-in icons: " + wording.And(names) + ".")
}

// pick asks for a pack file.
func (s *brandPackSection) pick() {
	d := s.u.fileOpen(s.read)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".zip"}))
	d.Resize(fyne.NewSize(640, 480))
	d.Show()
}

// read checks and keeps the pack off the UI goroutine, then redraws.
func (s *brandPackSection) read(name string, rc io.ReadCloser) {
	done := s.u.busy("Reading " + name + "…")
	type result struct {
		p   *icons.UserPack
		err error
	}
	background(s.u, func() result {
		defer rc.Close()
		data, err := io.ReadAll(io.LimitReader(rc, icons.MaxPackBytes+1))
		if err != nil {
			return result{nil, err}
		}
		p, err := s.u.cfg.Icons.AddPack(data)
		return result{p, err}
	}, func(r result) {
		done()
		if r.err != nil {
			s.u.showError("Could not add the icon pack", r.err)
			return
		}
		msg := fmt.Sprintf("%s: %s added.", r.p.Name, wording.Count(r.p.Len(), "icon", "icons"))
		if r.p.Skipped > 0 {
			msg += fmt.Sprintf(" %s left out (missing, over 64 KiB or not a PNG, JPEG or SVG picture).", wording.Count(r.p.Skipped, "icon", "icons"))
		}
		s.u.showInfo("Icon pack added", msg)
		s.show()
		s.u.brandPackRead()
	})
}
