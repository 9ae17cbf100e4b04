package desktop

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
	"authdesk/app/wording"
	"authdesk/vault"
	"authdesk/vault/replica"
)

// While the vault is open and the user chose a synced folder for it,
// replica.Folder.Run keeps it in step with its replica there: a local save
// (the vault file changing) is merged into the replica, and a replica that
// arrives is merged into the vault within about a second (fsnotify, with
// polling as the fallback). Each result comes to the UI goroutine, which
// reloads the list and says how many accounts changed. Locking stops the
// watcher before the vault is closed; unlocking starts it again.

// prefSyncFolder, followed by a vault's ID, is the preference key of that
// vault's synced folder.
const prefSyncFolder = "syncFolder."

// SyncFolder is the synced folder of the vault with the given ID; "": none.
func (s settings) SyncFolder(vaultID string) string { return s.p.String(prefSyncFolder + vaultID) }

// SetSyncFolder keeps dir as the synced folder of the vault; "": none.
func (s settings) SetSyncFolder(vaultID, dir string) { s.p.SetString(prefSyncFolder+vaultID, dir) }

// syncFolder is the running sync of the open vault, and its last result.
type syncFolder struct {
	cancel func()        // stops the watcher; nil: none runs
	done   chan struct{} // closed when the watcher has stopped
	gen    int           // numbers the watchers: a stopped one's reports are dropped
	last   syncOutcome
	// section is Settings' Sync section, once shown.
	section *syncSection
	// asking is the new-password dialog, while shown.
	asking *syncPasswordDialog
	// deliver hands a watcher's report to the UI goroutine; nil: onUI.
	// Tests deliver to their own goroutine, which stands for the UI's.
	deliver func(func())
}

// syncOutcome is what the last sync did, for Settings.
type syncOutcome struct {
	at     time.Time // zero: no sync yet
	res    replica.Result
	err    error
	paused bool // the replica needs the new password
}

// syncer returns the UI's sync state, made on first use.
func (u *UI) syncer() *syncFolder {
	if u.synced == nil {
		u.synced = &syncFolder{}
	}
	return u.synced
}

func (s *syncFolder) post(f func()) {
	if s.deliver != nil {
		s.deliver(f)
		return
	}
	onUI(f)
}

// syncStart starts syncing v with its folder, if it has one: called when
// the vault is opened or unlocked, and when the folder changes.
func (u *UI) syncStart(v *vault.Vault) {
	s := u.syncer()
	u.syncStop()
	dir := u.prefs.SyncFolder(v.ID())
	if dir == "" {
		s.update(u)
		return
	}
	s.gen++
	gen := s.gen
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.cancel, s.done = cancel, done
	f := replica.Folder{Dir: dir}
	// Run lasts until it is stopped, so it has a goroutine of its own
	// (tests' cfg.spawn runs work synchronously).
	go func() {
		defer close(done)
		err := f.Run(ctx, v, replica.RunOptions{}, func(res replica.Result, err error) {
			s.post(func() { u.syncReported(gen, v, res, err) })
		})
		if errors.Is(err, replica.ErrOtherKey) {
			s.post(func() { u.syncAskPassword(gen, v, dir) })
		} else if err != nil {
			s.post(func() { u.syncReported(gen, v, replica.Result{}, err) })
		}
	}()
	go func() {
		select {
		case <-u.quit.done():
			cancel()
		case <-done:
		}
	}()
	s.update(u)
}

// syncStop stops the watcher, if one runs; it does not wait for a sync
// in progress, which fails once the vault is closed.
func (u *UI) syncStop() {
	s := u.syncer()
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.gen++
	if s.asking != nil {
		s.asking.d.Hide()
		s.asking = nil
	}
}

// syncCurrent tells whether a report of watcher gen on v still matters.
func (u *UI) syncCurrent(gen int, v *vault.Vault) bool {
	return gen == u.syncer().gen && u.v == v && u.state == stateCodes
}

// syncReported shows the result of one sync: the list reloads and a toast
// says how many accounts changed on another computer; a failure is told
// once, in a toast and in Settings.
func (u *UI) syncReported(gen int, v *vault.Vault, res replica.Result, err error) {
	if !u.syncCurrent(gen, v) {
		return
	}
	s := u.syncer()
	prev := s.last.err
	s.last = syncOutcome{at: u.cfg.now(), res: res, err: err, paused: errors.Is(err, replica.ErrOtherKey)}
	s.update(u)
	if err != nil {
		if u.cfg.Trace != nil {
			fmt.Fprintf(u.cfg.Trace, "authdesk: sync failed: %v\n", err)
		}
		if !s.last.paused && (prev == nil || prev.Error() != err.Error()) {
			msg := err.Error()
			if res.Replica != "" { // the file's name is enough in a toast; Settings names the folder
				msg = strings.ReplaceAll(msg, res.Replica, filepath.Base(res.Replica))
			}
			u.frame.toast.show("Could not sync: "+msg, u)
		}
		return
	}
	if n := len(res.Report.Added) + len(res.Report.Changed) + len(res.Report.Removed); n > 0 {
		sel, _ := u.list.Selected()
		u.list.reload(sel.ID)
		u.frame.toast.show(syncChangedText(n), u)
		if u.cfg.Trace != nil {
			// For the end-to-end tests and the sync benchmark: when the
			// list shows the merge.
			fmt.Fprintf(u.cfg.Trace, "authdesk: sync merged: %s\n", wording.Count(n, "account", "accounts"))
		}
	}
}

// syncChangedText is the toast after a merge from the folder.
func syncChangedText(n int) string {
	return wording.Count(n, "account", "accounts") + " changed on another computer"
}

// syncPasswordDialog asks for the password set on another computer.
type syncPasswordDialog struct {
	entry    *dialogEntry
	errLabel *widget.Label
	progress busyBar
	use      *widget.Button
	d        *dialog.CustomDialog
}

// syncAskPassword asks once for the new password of the replica in dir
// (changed on another computer), takes its key over (vault.Vault.AdoptKey,
// as authdesk-cli sync does) and syncs again. The old key is never written
// back: until the new password is given, nothing is synced.
func (u *UI) syncAskPassword(gen int, v *vault.Vault, dir string) {
	s := u.syncer()
	if !u.syncCurrent(gen, v) || s.asking != nil {
		return
	}
	p := &syncPasswordDialog{entry: newDialogEntry(true), errLabel: widget.NewLabel(""), progress: newBusyBar()}
	s.asking = p
	p.entry.SetPlaceHolder("New vault password")
	p.errLabel.Importance = widget.DangerImportance
	p.errLabel.Wrapping = fyne.TextWrapWord
	p.errLabel.Hide()
	later := widget.NewButtonWithIcon("Not now", theme.CancelIcon(), nil)
	p.use = widget.NewButtonWithIcon("Use new password", theme.ConfirmIcon(), func() { u.syncAdopt(p, v, dir) })
	p.use.Importance = widget.HighImportance
	p.entry.OnSubmitted = func(string) { u.syncAdopt(p, v, dir) }
	help := wrapped("The vault password was changed on another computer. Type the new password once: Authdesk takes over the new key, merges, and goes on syncing. From then on the old password no longer opens this vault.")
	p.d = dialogs.NewCustom("Sync: new password", container.New(&dialogs.Width{W: 400},
		container.NewVBox(help, p.entry, p.errLabel, p.progress.box)), []fyne.CanvasObject{later, p.use}, u.win)
	later.OnTapped = func() {
		p.d.Hide()
		if s.asking == p {
			s.asking = nil
		}
	}
	p.d.Show()
	u.win.Canvas().Focus(p.entry)
}

// syncAdopt takes over the replica's key with the password typed in p, off
// the UI goroutine (a key derivation), then syncs again.
func (u *UI) syncAdopt(p *syncPasswordDialog, v *vault.Vault, dir string) {
	if p.use.Disabled() || p.entry.Text == "" {
		return
	}
	pw := []byte(p.entry.Text)
	p.use.Disable()
	p.errLabel.Hide()
	p.progress.Show()
	background(u, func() error {
		_, err := v.AdoptKey(filepath.Join(dir, replica.Name(v.ID())), pw)
		return err
	}, func(err error) {
		p.progress.Hide()
		p.use.Enable()
		s := u.syncer()
		if s.asking != p || u.v != v {
			return
		}
		if err != nil {
			msg := fmt.Sprintf("Could not take over the new password: %v. Nothing was changed.", err)
			if errors.Is(err, vault.ErrWrongPassword) {
				msg = "That is not the new password of the vault in the synced folder. Nothing was changed."
			}
			p.entry.SetText("")
			p.errLabel.SetText(msg)
			p.errLabel.Show()
			p.d.Resize(p.d.MinSize())
			u.win.Canvas().Focus(p.entry)
			return
		}
		p.d.Hide()
		s.asking = nil
		u.frame.toast.show("Took over the new vault password; syncing again", u)
		u.syncStart(v)
	})
}
