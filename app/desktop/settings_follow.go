package desktop

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/vault/follow"
)

// followSection is Settings' "Phone backups" section: the folder where Aegis
// or 2FAS writes its automatic backups, followed one way (follow.go).
type followSection struct {
	folder       *widget.Label
	choose, stop *widget.Button
	box          *fyne.Container
}

// newFollowSection builds the entry from the follow state beside the vault.
func (u *UI) newFollowSection() *followSection {
	s := &followSection{folder: widget.NewLabel("")}
	s.folder.Wrapping = fyne.TextWrapWord
	s.choose = widget.NewButtonWithIcon("Choose folder…", theme.FolderOpenIcon(), func() {
		d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
			if err == nil && dir != nil {
				u.followSetFolder(s, dir.Path())
			}
		}, u.win)
		d.Show()
	})
	s.stop = widget.NewButtonWithIcon("Stop following", theme.CancelIcon(), func() { u.followSetFolder(s, "") })
	s.box = container.NewVBox(sectionHeading("Phone backups"), s.folder, container.NewGridWithColumns(2, s.choose, s.stop))
	st, _ := follow.LoadState(follow.StatePath(u.cfg.VaultPath))
	s.show(st.Folder)
	return s
}

// show names the followed folder.
func (s *followSection) show(dir string) {
	if dir == "" {
		s.folder.SetText("Point Aegis's or 2FAS's automatic backups at a synced folder, and choose it here: Authdesk asks before applying what changed on your phone.")
		s.stop.Disable()
		return
	}
	s.folder.SetText("Following " + dir)
	s.stop.Enable()
}

// followSetFolder follows dir ("" stops) and watches it from now on.
func (u *UI) followSetFolder(s *followSection, dir string) {
	if err := follow.SetFolder(u.cfg.VaultPath, dir); err != nil {
		u.showError("Cannot follow this folder", err)
		return
	}
	s.show(dir)
	u.follow.shown, u.follow.askedPW, u.follow.failed = "", "", ""
	u.followStart()
}
