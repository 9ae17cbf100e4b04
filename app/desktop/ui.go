// Package desktop is Authdesk's desktop user interface, built with Fyne.
//
// New builds the UI for one window; it takes the Fyne app and window, the
// vault path and everything slow or stateful as injectable parts (clock,
// keychain, scanner, goroutine runner, timers) so that tests drive every
// screen deterministically with fyne.io/fyne/v2/test. The vault, scanner and
// keychain packages know nothing of Fyne: this package is a thin layer over
// them.
package desktop

import (
	"errors"
	"fmt"
	"io"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	fynedesktop "fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"authdesk/scanner"
	"authdesk/scanner/capture"
	"authdesk/vault"
)

// Title is the main window's title.
const Title = "Authdesk"

// Scanner finds QR code payloads in images; package scanner provides the
// real one (SystemScanner).
type Scanner interface {
	File(path string) ([]string, error)
	Bytes(b []byte) ([]string, error)
	Clipboard() ([]string, error)
	Screen() ([]string, error)
}

// SystemScanner is the Scanner backed by package scanner.
type SystemScanner struct{}

// File returns the QR payloads in the image file at path.
func (SystemScanner) File(path string) ([]string, error) { return scanner.File(path) }

// Bytes returns the QR payloads in an encoded image.
func (SystemScanner) Bytes(b []byte) ([]string, error) { return scanner.Bytes(b) }

// Clipboard returns the QR payloads in the image on the system clipboard.
func (SystemScanner) Clipboard() ([]string, error) { return capture.Clipboard() }

// Screen returns the QR payloads on every display.
func (SystemScanner) Screen() ([]string, error) { return capture.Screen() }

// Config holds what the UI needs from outside. Zero fields get real defaults.
type Config struct {
	VaultPath string        // the vault file
	Options   vault.Options // keychain and KDF work factor; Now defaults to Config.Now
	Scanner   Scanner       // nil: SystemScanner
	Now       func() time.Time
	// Go runs f off the UI goroutine; nil: a new goroutine. Tests pass a
	// synchronous runner.
	Go func(f func())
	// AfterFunc calls f after d on some goroutine; nil: time.AfterFunc.
	AfterFunc func(d time.Duration, f func())
	// NoTicker leaves the 1 s refresh to the caller (tests call Tick).
	NoTicker bool
	// Trace, if set, receives one line when codes are first on screen
	// ("authdesk: codes shown: N accounts"), for startup measurements.
	Trace io.Writer
	// Settled, if set, is called once on some goroutine two seconds after
	// codes are first on screen, when start-up garbage (font tables, the
	// KDF's memory, decrypted vault buffers) is dead: the process's cue to
	// tune its GC and return memory (cmd/authdesk does).
	Settled func()
	// PlatformDB is the database of the embedded platform simulator
	// (Ctrl+P); empty: the platform's default in the user data dir.
	PlatformDB string
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

	root   *fyne.Container // the current screen, with the toast above it
	screen *fyne.Container
	toast  *toast
	state  state

	v        *vault.Vault
	list     *codeList
	avatars  avatarCache
	lastUsed time.Time // last user activity, for the idle auto-lock
	batches  map[int32]*batchProgress
	traced   bool
	trimmed  bool
	hidden   bool   // the window is not on screen (see setShown)
	copied   string // the last code put on the clipboard, cleared on lock
	quit     chan struct{}

	// the screen widgets tests poke at
	setup      *setupScreen
	unlock     *unlockScreen
	manual     *manualForm
	review     *reviewDialog
	settingsUI *settingsDialog
	edit       *editDialog
	exported   string // the last account whose QR code was shown

	tester *platformTester // the platform simulator's window, while open
}

// New builds the UI for w. Call Start (or ShowAndRun) to open the vault.
func New(a fyne.App, w fyne.Window, cfg Config) *UI {
	if cfg.Scanner == nil {
		cfg.Scanner = SystemScanner{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Options.Now == nil {
		cfg.Options.Now = cfg.Now
	}
	if cfg.Go == nil {
		cfg.Go = func(f func()) { go f() }
	}
	if cfg.AfterFunc == nil {
		cfg.AfterFunc = func(d time.Duration, f func()) { time.AfterFunc(d, f) }
	}
	u := &UI{app: a, win: w, cfg: cfg, prefs: loadSettings(a.Preferences()),
		batches: map[int32]*batchProgress{}, avatars: avatarCache{}, quit: make(chan struct{})}
	u.applyTheme()
	u.screen = container.NewStack()
	u.toast = newToast()
	u.root = container.NewStack(u.screen, u.toast.overlay)
	w.SetTitle(Title)
	w.SetIcon(Icon)
	// Mouse movement over the window counts as activity for the idle
	// auto-lock; the rows report it too (see codeRow.MouseMoved), since the
	// driver tells only the topmost hoverable object.
	w.SetContent(newActivityArea(u.root, u.touch))
	w.Resize(fyne.NewSize(560, 720))
	w.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { u.Dropped(uris) })
	u.installShortcuts()
	u.installTray()
	w.SetOnClosed(func() {
		if u.tester != nil {
			u.tester.win.Close()
		}
		close(u.quit)
	})
	a.Lifecycle().SetOnEnteredForeground(u.refreshFromDisk)
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

// Content returns the window's root object.
func (u *UI) Content() fyne.CanvasObject { return u.root }

// Start opens the vault off the UI goroutine and starts the 1 s refresh.
func (u *UI) Start() {
	u.showMessage("Opening your vault…", true)
	background(u, func() openResult {
		v, err := vault.Open(u.cfg.VaultPath, u.cfg.Options)
		return openResult{v, err}
	}, u.opened)
	if !u.cfg.NoTicker {
		go u.ticker()
	}
}

// ShowAndRun starts the UI and runs the app until the window closes. With
// "start minimised" set and a system tray available, the window starts hidden.
func (u *UI) ShowAndRun() {
	u.Start()
	if _, tray := u.app.(fynedesktop.App); !(tray && u.prefs.StartMinimised()) {
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
}

// setScreen replaces what the window shows.
func (u *UI) setScreen(o fyne.CanvasObject) {
	for _, old := range u.screen.Objects {
		stopSpinners(old)
	}
	u.screen.Objects = []fyne.CanvasObject{o}
	u.screen.Refresh()
}

// ticker calls Tick at every whole second until the window closes.
func (u *UI) ticker() {
	now := time.Now()
	select {
	case <-time.After(now.Truncate(time.Second).Add(time.Second).Sub(now)):
	case <-u.quit:
		return
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		onUI(u.Tick)
		select {
		case <-t.C:
		case <-u.quit:
			return
		}
	}
}

// Tick refreshes the visible codes and countdowns and applies the idle
// auto-lock. It runs on the UI goroutine once a second.
func (u *UI) Tick() {
	if u.state != stateCodes {
		return
	}
	now := u.cfg.Now()
	if u.list.scrolled() {
		u.touch()
	}
	if d := u.prefs.AutoLock(); d > 0 && now.Sub(u.lastUsed) >= d {
		u.Lock()
		return
	}
	if now.Sub(u.lastUsed) >= searchIdle && u.win.Canvas().Focused() == u.list.search {
		// Stop the cursor animation; typing focuses the field again.
		u.win.Canvas().Unfocus()
	}
	u.list.tick(now)
}

// scrolled reports whether the list moved since the last call; the list
// takes the wheel events itself, so Tick watches its offset instead.
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

// touch records user activity for the idle auto-lock.
func (u *UI) touch() { u.lastUsed = u.cfg.Now() }

// Lock forgets the vault and everything decrypted from it, and shows the
// unlock screen.
func (u *UI) Lock() {
	if u.state != stateCodes {
		return
	}
	u.closeOverlays()
	if clip := u.app.Clipboard(); u.copied != "" && clip.Content() == u.copied {
		clip.SetContent("")
	}
	u.copied = ""
	if u.list != nil {
		u.list.clear()
		u.list = nil
	}
	if u.v != nil {
		_ = u.v.Close()
		u.v = nil
	}
	u.showUnlock("Enter your password to show your codes again.")
}

// closeOverlays dismisses every dialog and pop-up (some show secrets).
func (u *UI) closeOverlays() {
	ov := u.win.Canvas().Overlays()
	for top := ov.Top(); top != nil; top = ov.Top() {
		ov.Remove(top)
	}
}

// State names the current screen, for tests: "starting", "setup", "locked",
// "codes" or "error".
func (u *UI) State() string {
	return [...]string{"starting", "setup", "locked", "codes", "error"}[u.state]
}

// stopSpinners stops the infinite progress bars in a screen being replaced:
// their animation would otherwise run (and redraw) forever.
func stopSpinners(o fyne.CanvasObject) {
	switch o := o.(type) {
	case *widget.ProgressBarInfinite:
		o.Stop()
	case *fyne.Container:
		for _, c := range o.Objects {
			stopSpinners(c)
		}
	}
}
