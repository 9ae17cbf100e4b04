// Package desktop is Authdesk's desktop user interface, built with Fyne.
//
// Its API is what cmd/authdesk needs: New builds the UI for one window from
// the Fyne app and window and a Config (the vault path, the keychain, a
// trace writer), ShowAndRun runs it, Icon and Title dress the window.
// Everything slow or stateful (clock, scanner, goroutine runner, timers) is
// injectable through Config's unexported fields, so that the package's tests
// drive every screen deterministically with fyne.io/fyne/v2/test. The vault,
// scanner and keychain packages know nothing of Fyne: this package is a thin
// layer over them.
package desktop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"fyne.io/fyne/v2"
	fynedesktop "fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/clockcheck"
	"authdesk/app/desktop/hotkey"
	"authdesk/app/desktop/instance"
	"authdesk/app/desktop/trayhost"
	"authdesk/app/desktop/workbench"
	"authdesk/scanner"
	"authdesk/scanner/capture"
	"authdesk/vault"
	"authdesk/vault/icons"
)

// Title is the main window's title.
const Title = "Authdesk"

// qrScanner finds QR code payloads in images; systemScanner is the real one.
type qrScanner interface {
	File(path string) ([]string, error)
	Bytes(b []byte) ([]string, error)
	Clipboard() ([]string, error)
	Screen() ([]string, error)
}

// systemScanner is the qrScanner backed by packages scanner and capture.
type systemScanner struct{}

func (systemScanner) File(path string) ([]string, error) { return scanner.File(path) }
func (systemScanner) Bytes(b []byte) ([]string, error)   { return scanner.Bytes(b) }
func (systemScanner) Clipboard() ([]string, error)       { return capture.Clipboard() }
func (systemScanner) Screen() ([]string, error)          { return capture.Screen() }

// Config holds what the UI needs from outside.
type Config struct {
	VaultPath string        // the vault file
	Options   vault.Options // keychain and KDF work factor; Options.Now defaults to the UI's clock
	// Trace, if set, receives one line when codes are first on screen
	// ("authdesk: codes shown: N accounts"), for startup measurements, and
	// one per sync with the synced folder that changed the list or failed
	// ("authdesk: sync merged: N accounts", "authdesk: sync failed: …").
	Trace io.Writer
	// Settled, if set, is called once on some goroutine two seconds after
	// codes are first on screen, when start-up garbage (font tables, the
	// KDF's memory, decrypted vault buffers) is dead: the process's cue to
	// tune its GC and return memory (cmd/authdesk does).
	Settled func()
	// Quick opens the quick popup at start (authdesk --quick).
	Quick bool
	// Requests brings what other authdesk processes ask for (show the
	// window, open quick access); nil: none.
	Requests <-chan instance.Action
	// Icons is the built-in brand icon pack; nil: none, every account
	// shows its initials (cmd/authdesk passes icons.Default()).
	Icons *icons.Library

	// The rest is for tests, which set it from inside the package; New
	// fills in the real parts.
	scanner qrScanner        // nil: systemScanner
	now     func() time.Time // nil: time.Now
	// spawn runs f off the UI goroutine; nil: a new goroutine. Tests pass
	// a synchronous runner.
	spawn func(f func())
	// afterFunc calls f after d on some goroutine unless stop is called
	// first; nil: time.AfterFunc.
	afterFunc func(d time.Duration, f func()) (stop func())
	// noTicker leaves the ticks and the clock check to the caller
	// (tests call tick and checkClock).
	noTicker bool
	// platformDB is the database of the embedded platform simulator
	// (Ctrl+P); empty: the platform's default in the user data dir.
	platformDB string
	// clockCheck checks the system clock at start and hourly; nil: the
	// real check (timedate1 on Linux, SNTP where the user opted in).
	clockCheck func(context.Context) clockcheck.Result
	// registerKey registers the global shortcut; nil: hotkey.Register.
	registerKey func(hotkey.Shortcut, func()) (hotkey.Listener, error)
	// trayHost says whether the desktop shows tray icons; nil: trayhost.Check.
	trayHost func() trayhost.Status
}

type state int

const (
	stateStarting state = iota
	stateSetup
	stateLocked
	stateCodes
	stateError
)

// UI is Authdesk's interface in one window.
type UI struct {
	app   fyne.App
	win   fyne.Window
	cfg   Config
	prefs settings

	frame frame // the current screen, with the clock banner and toast above it
	state state
	gate  gate // the setup and unlock screens and the PIN (onboarding.go)

	v       *vault.Vault
	tray    trayMenu // the system tray's quick-copy menu
	list    *codeList
	avatars avatarCache
	pace    cadence     // the ticks and the user's activity (cadence.go)
	startup startupCues // Config.Trace's and Config.Settled's cues, once
	clip    clipboard   // the last code copied, wiped on lock
	quit    quitSignal  // closed when the app stops (quit.go)
	adding  addFlow     // scans, their review and the manual form (add.go)

	settingsUI *settingsDialog // the Settings dialog, while open
	edit       *editDialog     // the last Edit dialog (for tests)
	exported   string          // the last account whose QR code was shown

	tester *workbench.Workbench // the platform simulator's window, while open
	follow phoneFollow          // a followed phone's backups (follow.go)
	quick  quickAccess          // the quick-access popup and its global shortcut
	synced *syncFolder          // the vault's synced folder (syncfolder.go)
}

// New builds the UI for w; ShowAndRun opens the vault and runs the app.
func New(a fyne.App, w fyne.Window, cfg Config) *UI {
	if cfg.scanner == nil {
		cfg.scanner = systemScanner{}
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.Options.Now == nil {
		cfg.Options.Now = cfg.now
	}
	if cfg.spawn == nil {
		cfg.spawn = func(f func()) { go f() }
	}
	if cfg.afterFunc == nil {
		cfg.afterFunc = func(d time.Duration, f func()) func() {
			t := time.AfterFunc(d, f)
			return func() { t.Stop() }
		}
	}
	u := &UI{app: a, win: w, cfg: cfg, prefs: loadSettings(a.Preferences()),
		avatars: avatarCache{}, quit: newQuitSignal(),
		gate: gate{pin: &pinUnlocker{path: cfg.VaultPath, opts: cfg.Options}}}
	u.applyTheme()
	u.frame = newFrame()
	w.SetTitle(Title)
	w.SetIcon(Icon)
	// Mouse movement over the window counts as activity for the idle
	// auto-lock; the rows report it too (see codeRow.MouseMoved), since the
	// driver tells only the topmost hoverable object.
	w.SetContent(newActivityArea(u.frame.root, u.touch))
	w.Resize(fyne.NewSize(560, 720))
	w.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { u.dropped(uris) })
	u.installShortcuts()
	u.installQuit()
	u.installTray()
	w.SetOnClosed(func() {
		if u.tester != nil {
			u.tester.Close()
		}
		u.quit.fire()
	})
	// The tray's Quit stops the app without closing the window first.
	a.Lifecycle().SetOnStopped(u.quit.fire)
	a.Lifecycle().SetOnEnteredForeground(func() {
		u.setForeground(true)
		u.refreshFromDisk()
	})
	a.Lifecycle().SetOnExitedForeground(func() { u.setForeground(false) })
	return u
}

// refreshFromDisk shows changes another program (authdesk-cli, a second
// instance) made to the vault; it runs when the window comes to the front.
func (u *UI) refreshFromDisk() {
	if u.state != stateCodes {
		return
	}
	v := u.v
	type result struct {
		changed bool
		err     error
	}
	background(u, func() result {
		changed, err := v.Reload()
		return result{changed, err}
	}, func(r result) {
		if r.err != nil || !r.changed || u.state != stateCodes || u.v != v {
			return
		}
		sel, _ := u.list.Selected()
		u.list.reload(sel.ID)
	})
}

// start opens the vault off the UI goroutine and starts the ticks.
func (u *UI) start() {
	u.showMessage("Opening your vault…", true)
	background(u, func() openResult {
		v, err := vault.Open(u.cfg.VaultPath, u.cfg.Options)
		return openResult{v, err}
	}, u.opened)
	if !u.cfg.noTicker {
		// Tests that leave the ticker to themselves check the clock
		// themselves too (checkClock), so that no real check runs.
		u.schedule(u.cfg.now())
		u.checkClock(true)
	}
}

// ShowAndRun starts the UI and runs the app until the window closes. With
// "start minimised" set and a system tray available, the window starts hidden.
func (u *UI) ShowAndRun() {
	u.start()
	u.followStart()
	u.startShortcut()
	u.serveRequests()
	if _, tray := u.app.(fynedesktop.App); !(tray && u.tray.host.Available && u.prefs.StartMinimised()) {
		u.win.Show()
	} else {
		u.setShown(false)
	}
	u.app.Run()
}

type openResult struct {
	v   *vault.Vault
	err error
}

func (u *UI) opened(r openResult) {
	switch {
	case r.err == nil:
		u.showCodes(r.v)
	case errors.Is(r.err, vault.ErrNoVault):
		u.showSetup()
	case errors.Is(r.err, vault.ErrNeedPassword):
		u.showUnlock("")
	default:
		u.state = stateError
		u.showMessage(fmt.Sprintf("Authdesk cannot open %s:\n%v", u.cfg.VaultPath, r.err), false)
	}
	u.quickAfterOpen()
}

// setScreen replaces what the window shows.
func (u *UI) setScreen(o fyne.CanvasObject) { u.frame.set(o) }

// tick refreshes the visible codes and countdowns and applies the idle
// auto-lock. It runs on the UI goroutine, at the cadence schedule sets.
func (u *UI) tick() {
	now := u.cfg.now()
	defer u.schedule(now)
	if u.state == stateLocked {
		u.gate.unlock.idle(u, now)
		return
	}
	if u.state != stateCodes {
		return
	}
	if u.list.scrolled() {
		u.touch()
	}
	if d := u.prefs.AutoLock(); d > 0 && now.Sub(u.pace.lastUsed) >= d {
		u.lock()
		return
	}
	if now.Sub(u.pace.lastUsed) >= searchIdle && u.win.Canvas().Focused() == u.list.search {
		// Stop the cursor animation; typing focuses the field again.
		u.win.Canvas().Unfocus()
	}
	u.list.tick(now)
}

// scrolled reports whether the list moved since the last call; the list
// takes the wheel events itself, so tick watches its offset instead.
func (c *codeList) scrolled() bool {
	off := c.list.GetScrollOffset()
	moved := off != c.offset
	c.offset = off
	return moved
}

// activityArea wraps the window's content and reports mouse movement over
// it (where no other hoverable object is on top) as user activity.
type activityArea struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onMove  func()
}

func newActivityArea(content fyne.CanvasObject, onMove func()) *activityArea {
	a := &activityArea{content: content, onMove: onMove}
	a.ExtendBaseWidget(a)
	return a
}

// MouseIn counts as activity.
func (a *activityArea) MouseIn(*fynedesktop.MouseEvent) { a.onMove() }

// MouseMoved counts as activity.
func (a *activityArea) MouseMoved(*fynedesktop.MouseEvent) { a.onMove() }

// MouseOut does nothing.
func (a *activityArea) MouseOut() {}

// CreateRenderer shows the content.
func (a *activityArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(a.content)
}

// searchIdle is how long the search field keeps the focus without typing.
const searchIdle = 5 * time.Second

// lock forgets the vault and everything decrypted from it, and shows the
// unlock screen.
func (u *UI) lock() {
	if u.state != stateCodes {
		return
	}
	u.closeOverlays()
	u.closeQuick()
	u.clip.wipe(u.app.Clipboard())
	if u.list != nil {
		u.list.clear()
		u.list = nil
	}
	u.syncStop() // before the vault closes: the watcher holds it
	if u.v != nil {
		u.gate.pin.opened(u.v)
		_ = u.v.Close()
		u.v = nil
	}
	u.vaultChanged(nil)
	u.showUnlock(lockedWhy(u.pinEnabled()))
}

// closeOverlays dismisses every dialog and pop-up (some show secrets).
func (u *UI) closeOverlays() {
	ov := u.win.Canvas().Overlays()
	for top := ov.Top(); top != nil; top = ov.Top() {
		ov.Remove(top)
	}
}
