package desktop

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/wording"
	"authdesk/vault/replica"
)

// syncSection is the Sync part of Settings: the synced folder, the last
// sync's result, Choose folder… and Stop syncing.
type syncSection struct {
	folder, status *widget.Label
	errLabel       *widget.Label // why a chosen folder was refused
	choose, stop   *widget.Button
	box            *fyne.Container
}

// newSyncSection builds the Sync part of Settings.
func (u *UI) newSyncSection() *syncSection {
	s := &syncSection{folder: wrapped(""), status: wrapped(""), errLabel: wrapped("")}
	s.errLabel.Importance = widget.DangerImportance
	s.errLabel.Hide()
	s.choose = widget.NewButtonWithIcon("Choose folder…", theme.FolderOpenIcon(), u.syncShowFolderDialog)
	s.stop = widget.NewButtonWithIcon("Stop syncing", theme.MediaStopIcon(), u.syncStopFolder)
	help := dimText("Keep this vault the same on your other computers through a folder that Syncthing, Nextcloud, Dropbox or OneDrive shares: Authdesk keeps an encrypted copy there and merges changes both ways.", true)
	s.box = container.NewVBox(sectionHeading("Sync"), help, s.folder, s.status, s.errLabel,
		container.NewGridWithColumns(2, s.choose, s.stop))
	f := u.syncer()
	f.section = s
	f.update(u)
	return s
}

// update shows the folder and the last result in Settings, if shown.
func (f *syncFolder) update(u *UI) {
	s := f.section
	if s == nil {
		return
	}
	dir := ""
	if u.v != nil {
		dir = u.prefs.SyncFolder(u.v.ID())
	}
	if u.v == nil || u.state != stateCodes {
		s.choose.Disable()
	} else {
		s.choose.Enable()
	}
	if dir == "" {
		s.folder.SetText("Not syncing.")
		s.status.Hide()
		s.stop.Disable()
		return
	}
	s.stop.Enable()
	s.folder.SetText("Folder: " + dir)
	s.status.SetText(f.last.text(u))
	s.status.Show()
}

// text says what the last sync did, in one sentence.
func (o syncOutcome) text(u *UI) string {
	if o.at.IsZero() {
		return "Waiting for the first sync…"
	}
	when := o.at.In(u.cfg.now().Location()).Format("15:04:05")
	switch {
	case o.paused:
		return "Paused at " + when + ": the vault password was changed on another computer. Authdesk asks for the new one."
	case o.err != nil:
		return fmt.Sprintf("Last sync at %s failed: %v.", when, strings.TrimSuffix(o.err.Error(), "."))
	}
	r := o.res.Report
	var parts []string
	for _, p := range []struct {
		n    int
		verb string
	}{{len(r.Added), "added"}, {len(r.Changed), "changed"}, {len(r.Removed), "removed"}} {
		if p.n > 0 {
			parts = append(parts, wording.Count(p.n, "account", "accounts")+" "+p.verb)
		}
	}
	msg := "Last sync at " + when + ": "
	if len(parts) == 0 {
		msg += "in step"
	} else {
		msg += wording.And(parts) + " here"
	}
	if o.res.ReplicaWritten {
		msg += "; the folder's copy updated"
	}
	if n := len(o.res.Moved); n > 0 {
		msg += "; " + wording.Count(n, "conflict copy", "conflict copies") + " merged and moved to the backups"
	}
	if n := len(o.res.Skipped); n > 0 {
		msg += "; " + wording.Count(n, "file", "files") + " left alone: " + strings.Join(o.res.Skipped, "; ")
	}
	return msg + "."
}

// syncShowFolderDialog asks for the synced folder.
func (u *UI) syncShowFolderDialog() {
	if u.v == nil {
		return
	}
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err == nil && dir != nil {
			u.syncChooseFolder(dir.Path())
		}
	}, u.win)
	if cur := u.prefs.SyncFolder(u.v.ID()); cur != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(cur)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fyne.NewSize(540, 600))
	d.Show()
}

// syncChooseFolder makes dir the vault's synced folder, unless
// replica.CheckDir refuses it (it would hold the vault or its backups), and
// syncs at once.
func (u *UI) syncChooseFolder(dir string) {
	v := u.v
	if v == nil {
		return
	}
	background(u, func() error { return replica.CheckDir(dir, v.Path()) }, func(err error) {
		if u.v != v {
			return
		}
		f := u.syncer()
		if s := f.section; s != nil {
			s.errLabel.SetText("")
			s.errLabel.Hide()
			if err != nil {
				s.errLabel.SetText(syncSentence(err.Error()))
				s.errLabel.Show()
			}
		}
		if err != nil {
			return
		}
		u.prefs.SetSyncFolder(v.ID(), dir)
		f.last = syncOutcome{}
		u.syncStart(v)
	})
}

// syncStopFolder stops syncing the vault; the copy in the folder stays.
func (u *UI) syncStopFolder() {
	if u.v == nil {
		return
	}
	u.syncStop()
	u.prefs.SetSyncFolder(u.v.ID(), "")
	f := u.syncer()
	f.last = syncOutcome{}
	f.update(u)
	u.frame.toast.show("Stopped syncing; the copy in the folder stays", u)
}

// syncSentence starts msg with a capital and ends it with a full stop.
func syncSentence(msg string) string {
	if msg == "" {
		return msg
	}
	return strings.ToUpper(msg[:1]) + strings.TrimSuffix(msg[1:], ".") + "."
}
