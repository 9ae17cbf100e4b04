package desktop

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
	"authdesk/vault"
	"authdesk/vault/follow"
	"authdesk/vault/transfer"
)

// phoneFollow asks before applying a followed phone's new backup (see
// vault/follow): "3 new, 1 changed, 1 removed on your phone — apply?".
// Following is set up with authdesk-cli follow --folder DIR --apply, whose
// state beside the vault names the folder; the app watches that folder
// while it runs, and asks once the vault is open.
type phoneFollow struct {
	stop     context.CancelFunc
	pending  atomic.Bool // a backup came while the vault was locked
	shown    string      // the last diff asked about, not asked again
	askedPW  string      // the backup whose password was last asked
	failed   string      // the backup whose error was last shown
	dialogUp bool
	// watch watches a folder until ctx ends, calling check on changes:
	// follow.Watch; tests replace it.
	watch func(ctx context.Context, dir string, check func())
}

// followStart starts watching the followed folder, if any, off the UI
// goroutine.
func (u *UI) followStart() {
	f := &u.follow
	if f.stop != nil {
		f.stop()
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.stop = cancel
	statePath := follow.StatePath(u.cfg.VaultPath)
	watch := f.watch
	if watch == nil {
		watch = func(ctx context.Context, dir string, check func()) {
			go u.followRetry(ctx)
			_ = follow.Watch(ctx, dir, follow.WatchOptions{}, check)
		}
	}
	go func() { // for as long as the folder is followed
		st, err := follow.LoadState(statePath)
		if err != nil || st.Folder == "" {
			return
		}
		watch(ctx, st.Folder, func() {
			onUI(func() { u.followCheck(st.Folder, nil) })
		})
	}()
}

// followRetry asks about a backup that came while the vault was locked,
// once it is open.
func (u *UI) followRetry(ctx context.Context) {
	t := time.NewTicker(3 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if u.follow.pending.Load() {
				onUI(func() { u.followCheck("", nil) })
			}
		}
	}
}

// followFound is what followCheck reads off the UI goroutine.
type followFound struct {
	dir  string
	b    *follow.Backup
	d    follow.Diff
	name string // the newest backup
	err  error
}

// followTyped is a backup password typed in, and whether to keep it in
// the keychain once it opened the backup.
type followTyped struct {
	pw       []byte
	remember bool
}

// followCheck reads the newest backup of dir ("" is the followed folder's)
// with the remembered password, or the one typed, and asks about its
// changes.
func (u *UI) followCheck(dir string, typed *followTyped) {
	f := &u.follow
	if u.state != stateCodes || u.v == nil {
		f.pending.Store(true)
		return
	}
	f.pending.Store(false)
	if f.dialogUp {
		return
	}
	v, kc, statePath := u.v, u.cfg.Options.Keychain, follow.StatePath(u.cfg.VaultPath)
	background(u, func() followFound {
		st, err := follow.LoadState(statePath)
		if dir == "" {
			dir = st.Folder
		}
		if err != nil || dir == "" {
			return followFound{err: err}
		}
		r := followFound{dir: dir}
		if r.name, r.err = follow.Newest(dir); r.err != nil {
			return r
		}
		password := func() ([]byte, error) {
			if typed != nil {
				return typed.pw, nil
			}
			if kc != nil {
				if s, err := kc.Get(follow.PasswordKey(v.ID())); err == nil {
					return []byte(s), nil
				}
			}
			return nil, transfer.ErrPasswordRequired
		}
		if r.b, r.err = follow.ReadBackup(dir, r.name, password); r.err != nil {
			return r
		}
		r.d = follow.Compare(st, dir, r.b, v.Accounts())
		return r
	}, func(r followFound) { u.followFound(v, r, typed) })
}

// followFound shows what followCheck found: a question, a password
// prompt, or an error, each once per backup.
func (u *UI) followFound(v *vault.Vault, r followFound, typed *followTyped) {
	f := &u.follow
	if u.state != stateCodes || u.v != v || f.dialogUp {
		return
	}
	if kc := u.cfg.Options.Keychain; r.err == nil && typed != nil && typed.remember && kc != nil {
		if err := kc.Set(follow.PasswordKey(v.ID()), string(typed.pw)); err != nil {
			u.frame.toast.show(fmt.Sprintf("The backup password is not in the keychain: %v", err), u)
		}
	}
	switch {
	case errors.Is(r.err, follow.ErrNoBackup) || r.err == nil && r.d.Empty():
		return
	case errors.Is(r.err, transfer.ErrPasswordRequired) && typed == nil:
		if f.askedPW != r.name {
			f.askedPW = r.name
			u.followAskPassword(r.dir, r.name, "")
		}
		return
	case errors.Is(r.err, transfer.ErrWrongPassword) && typed != nil:
		u.followAskPassword(r.dir, r.name, "That is not the backup's password.")
		return
	case r.err != nil:
		if f.failed != r.name {
			f.failed = r.name
			u.showError("Your phone's backup was not applied", r.err)
		}
		return
	}
	key := r.name + "\x00" + fmt.Sprint(r.d.New, r.d.Changed, r.d.Removed)
	if key == f.shown {
		return
	}
	f.shown = key
	u.followAsk(v, r)
}

// followSummary is the question: "3 new, 1 changed, 1 removed on your
// phone — apply?".
func followSummary(d follow.Diff) string {
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{{len(d.New), "new"}, {len(d.Changed), "changed"}, {len(d.Removed), "removed"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	return strings.Join(parts, ", ") + " on your phone — apply?"
}

// followDetails names what changed, at most a dozen lines.
func followDetails(d follow.Diff) string {
	var lines []string
	for _, e := range d.New {
		lines = append(lines, "New: "+e.Account.Title())
	}
	for _, e := range d.Changed {
		lines = append(lines, "Changed: "+e.Account.Title())
	}
	for _, r := range d.Removed {
		lines = append(lines, "Removed: "+r)
	}
	if len(lines) > 12 {
		lines = append(lines[:11], fmt.Sprintf("and %d more", len(lines)-11))
	}
	return strings.Join(lines, "\n")
}

// followAsk asks whether to apply the diff, and applies it.
func (u *UI) followAsk(v *vault.Vault, r followFound) {
	f := &u.follow
	details := widget.NewLabel(followDetails(r.d))
	details.Wrapping = fyne.TextWrapWord
	q := widget.NewLabel(followSummary(r.d))
	q.Wrapping = fyne.TextWrapWord
	q.TextStyle = fyne.TextStyle{Bold: true}
	cancel := widget.NewButtonWithIcon("Not now", theme.CancelIcon(), nil)
	ok := widget.NewButtonWithIcon("Apply", theme.ConfirmIcon(), nil)
	ok.Importance = widget.HighImportance
	d := dialogs.NewCustom("Your phone's backup", container.New(&dialogs.Width{W: 400}, container.NewVBox(q, details)), []fyne.CanvasObject{cancel, ok}, u.win)
	f.dialogUp = true
	d.SetOnClosed(func() { f.dialogUp = false })
	cancel.OnTapped = d.Hide
	ok.OnTapped = func() {
		d.Hide()
		u.followApply(v, r)
	}
	d.Show()
}

// followApply applies the diff off the UI goroutine and shows the result.
func (u *UI) followApply(v *vault.Vault, r followFound) {
	statePath := follow.StatePath(u.cfg.VaultPath)
	type applied struct {
		rep vault.MergeReport
		err error
	}
	done := u.busy("Applying your phone's changes…")
	background(u, func() applied {
		rep, _, err := follow.Apply(v, r.d, statePath)
		return applied{rep, err}
	}, func(a applied) {
		done()
		if a.err != nil {
			u.showError("Your phone's changes were not applied", a.err)
			return
		}
		if u.state != stateCodes || u.v != v {
			return
		}
		sel, _ := u.list.Selected()
		u.list.reload(sel.ID)
		u.vaultChanged(v)
		u.frame.toast.show(fmt.Sprintf("From your phone: %d added, %d changed, %d removed", len(a.rep.Added), len(a.rep.Changed), len(a.rep.Removed)), u)
	})
}

// followAskPassword asks for the password of an encrypted backup, and
// whether to keep it in the keychain.
func (u *UI) followAskPassword(dir, name, problem string) {
	f := &u.follow
	pw := newDialogEntry(true)
	pw.SetPlaceHolder("The password of your phone app's backups")
	remember := widget.NewCheck("Remember it in the keychain", nil)
	msg := widget.NewLabel(problem)
	msg.Importance = widget.DangerImportance
	if problem == "" {
		msg.Hide()
	}
	cancel := widget.NewButtonWithIcon("Not now", theme.CancelIcon(), nil)
	ok := widget.NewButtonWithIcon("Open", theme.ConfirmIcon(), nil)
	ok.Importance = widget.HighImportance
	content := container.NewVBox(widget.NewLabel("Your phone's new backup "+name+" is encrypted."), pw, msg)
	if u.cfg.Options.Keychain != nil {
		content.Add(remember)
	}
	d := dialogs.NewCustom("Your phone's backup", container.New(&dialogs.Width{W: 400}, content), []fyne.CanvasObject{cancel, ok}, u.win)
	dialogs.ReleaseFocus(d, pw)
	f.dialogUp = true
	d.SetOnClosed(func() { f.dialogUp = false })
	submit := func() {
		if pw.Text == "" {
			return
		}
		typed := &followTyped{pw: []byte(pw.Text), remember: remember.Checked}
		d.Hide()
		u.followCheck(dir, typed)
	}
	cancel.OnTapped = d.Hide
	ok.OnTapped = submit
	pw.OnSubmitted = func(string) { submit() }
	d.Show()
	u.win.Canvas().Focus(pw)
}
