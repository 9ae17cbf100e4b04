// Package workbench is the tester's platform simulator window, which
// Authdesk opens with Ctrl+P: it runs the embedded platform (app/platform)
// with its test clock, runs the journey's scenarios (app/journey) against
// it, keeps the accounts they enrol in the "Simulator" vault beside the
// user's, and guides a tester who walks the journey in a browser. Open
// builds it from a Config; the desktop app knows nothing else of it.
package workbench

import (
	"fmt"
	"net/url"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
	"authdesk/app/journey"
	"authdesk/app/platform"
	"authdesk/vault"
)

// Title is the title of the platform simulator's window.
const Title = "Authdesk — Platform simulator"

// Config is what the workbench needs from the desktop app that opens it.
type Config struct {
	App fyne.App
	// VaultPath is the user's vault: the "Simulator" vault is made beside
	// it; empty: enrolled accounts are kept in memory.
	VaultPath string
	// Home is the user's home directory, which the window shows as ~ in
	// the Simulator vault's path; empty: os.UserHomeDir().
	Home string
	// Options opens and creates the Simulator vault (keychain, KDF).
	Options vault.Options
	// PlatformDB is the embedded platform's database; empty: the
	// platform's default in the user data dir.
	PlatformDB string
	// PlatformHash is the embedded platform's password hash cost; zero:
	// the platform's default. Tests pass platform.ThrowawayHashCost.
	PlatformHash platform.HashCost
	// Decode finds the QR payloads in a PNG (the enrolment pages' codes);
	// nil: scanner.Bytes.
	Decode func(png []byte) ([]string, error)
	// UserVault returns the user's vault while it is open, else nil
	// ("Enrol into my own vault instead", the walk guide's last step);
	// nil: there is none.
	UserVault func() *vault.Vault
	// Enrolled is called on the UI goroutine after a run, which may have
	// added accounts to the user's vault; nil: nothing.
	Enrolled func()
	// Closed is called when the window has closed; nil: nothing.
	Closed func()
	// Spawn runs f off the UI goroutine; nil: a new goroutine.
	Spawn func(f func())
	// AfterFunc calls f after d on some goroutine unless stop is called
	// first; nil: time.AfterFunc.
	AfterFunc func(d time.Duration, f func()) (stop func())
}

// Workbench is the tester's workbench: it runs the embedded platform
// (the simulated SaaS sign-in with its MFA journey) and the journey's
// scenarios against it, shows each step, the current QR code, the test
// clock and the outbox, saves reports, and guides a tester who walks the
// journey in a browser.
type Workbench struct {
	cfg    Config
	closed bool // the window has closed
	win    fyne.Window
	srv    *platform.Server
	url    string

	status     *widget.Label
	clockL     *widget.Label // the shared platform's clock (private.go)
	clockStop  func()        // cancels the next clock reading
	clockGen   int           // numbers the clock readings, so that only the last goes on
	shared     *widget.Check // "Run against the shared platform"
	open       *widget.Button
	openURL    func(*url.URL) error // nil: the system browser (browser.go)
	browserDlg *dialog.CustomDialog // "Could not open the browser", while shown; for tests
	policyB    *widget.Button       // "Platform policy…" (policy.go)
	policy     platform.Policy      // the running platform's policy
	policyDlg  *policyForm          // the last "Platform policy…" dialog (for tests)
	checks     []*widget.Check      // one per scenario, in journey.Scenarios order
	names      []string
	runSel     *widget.Button
	runAll     *widget.Button
	save       *widget.Button
	summary    *widget.Label
	steps      *fyne.Container
	rows       []stepRow
	groups     map[string]*scenarioGroup // results.go
	// openedFailure: the run's first failed scenario has been opened.
	openedFailure bool
	qr            *canvas.Image
	date          *widget.Label
	custom        *widget.Entry
	clockBtn      []*widget.Button
	outbox        *fyne.Container
	toMine        *widget.Check // enrol into the user's own vault instead of "Simulator"
	simLabel      *widget.Label
	walk          *walkGuide
	tabs          *container.AppTabs
	outboxTab     *container.TabItem

	sim     *simulator // the "Simulator" vault (simvault.go)
	evMu    sync.Mutex // serialises step events (see runScenarios)
	report  *journey.Report
	running bool
}

// stepRow is one finished step on screen (kept for tests and refreshes).
type stepRow struct {
	scenario, title, status, detail string
	expected, observed              string // a failed step's, shown on lines of their own
}

// Open opens the platform simulator's window, starting the embedded
// platform with its test clock off the UI goroutine.
func Open(cfg Config) *Workbench {
	if cfg.Spawn == nil {
		cfg.Spawn = func(f func()) { go f() }
	}
	if cfg.UserVault == nil {
		cfg.UserVault = func() *vault.Vault { return nil }
	}
	if cfg.AfterFunc == nil {
		cfg.AfterFunc = func(d time.Duration, f func()) func() {
			tm := time.AfterFunc(d, f)
			return func() { tm.Stop() }
		}
	}
	t := &Workbench{cfg: cfg, win: cfg.App.NewWindow(Title), policy: platform.DefaultPolicy(),
		sim: newSimulator(cfg.VaultPath, cfg.Home, cfg.Options)}
	t.build()
	t.win.SetOnClosed(func() {
		t.closed = true
		if t.srv != nil {
			_ = t.srv.Close()
		}
		t.sim.close()
		t.stopClock()
		if cfg.Closed != nil {
			cfg.Closed()
		}
	})
	t.win.Resize(fyne.NewSize(900, 720))
	t.win.Show()
	t.start()
	return t
}

// Show brings the window to the front.
func (t *Workbench) Show() {
	t.win.Show()
	t.win.RequestFocus()
}

// Close closes the window, the platform and the Simulator vault.
func (t *Workbench) Close() { t.win.Close() }

func (t *Workbench) build() {
	t.status = widget.NewLabel("Starting the platform…")
	t.status.Wrapping = fyne.TextWrapWord
	t.open = widget.NewButtonWithIcon("Open in browser", theme.ComputerIcon(), func() { t.openPage("/") })
	t.open.Disable()
	t.policyB = widget.NewButtonWithIcon("Platform policy…", theme.SettingsIcon(), t.showPolicy)
	t.policyB.Disable()

	left := t.buildScenarios()
	center := t.buildResults() // after the scenarios: it groups the results by their names, and shows t.toMine's choice
	split := container.NewHSplit(left, center)
	split.Offset = 0.32
	clock := t.buildClock()

	// Outbox.
	t.outbox = container.NewVBox(widget.NewLabel("No mail yet."))
	refresh := widget.NewButtonWithIcon("Refresh outbox", theme.ViewRefreshIcon(), t.refreshOutbox)
	outbox := container.NewBorder(refresh, nil, nil, nil, container.NewVScroll(t.outbox))

	t.walk = newWalkGuide(t)
	t.outboxTab = container.NewTabItemWithIcon("Outbox", theme.MailComposeIcon(), outbox)
	tabs := container.NewAppTabs(
		container.NewTabItemWithIcon("Scenarios", theme.ListIcon(), split),
		t.outboxTab,
		container.NewTabItemWithIcon("Walk it myself", theme.ComputerIcon(), t.walk.content),
	)
	t.tabs = tabs
	// The outbox refreshes itself while it is open: when chosen, and with
	// every reading of the clock (private.go).
	tabs.OnSelected = func(ti *container.TabItem) {
		if ti == t.outboxTab {
			t.refreshOutbox()
		}
	}
	t.clockL = widget.NewLabel("")
	header := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle("Tester workbench", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, t.clockL),
		container.NewBorder(nil, nil, nil, container.NewHBox(t.policyB, t.open), t.status),
		clock,
	)
	t.win.SetContent(container.NewPadded(container.NewBorder(header, nil, nil, nil, tabs)))
	dialogs.Guard(t.win.Canvas(), nil)
	t.win.Canvas().AddShortcut(&fyne.ShortcutCopy{}, func(fyne.Shortcut) {
		if t.url != "" && !dialogs.Open(t.win.Canvas()) {
			t.cfg.App.Clipboard().SetContent(t.url)
		}
	})
}

// buildScenarios makes the left pane: a check per scenario, the run
// buttons and the run's options. All ten checks fit it at 900×720
// (TestAllScenariosFitTheWindow): the scenarios' summaries are in the
// results' groups, and Save report… and where enrolled accounts go are
// in the results pane.
func (t *Workbench) buildScenarios() fyne.CanvasObject {
	list := container.NewVBox()
	for _, s := range journey.Scenarios() {
		c := widget.NewCheck(s.Name, nil)
		c.SetChecked(true)
		t.checks = append(t.checks, c)
		t.names = append(t.names, s.Name)
		list.Add(c)
	}
	t.runSel = widget.NewButtonWithIcon("Run selected", theme.MediaPlayIcon(), func() { t.runScenarios(t.selected()) })
	t.runSel.Importance = widget.HighImportance
	t.runAll = widget.NewButtonWithIcon("Run all", theme.MediaFastForwardIcon(), func() { t.runScenarios(t.names) })
	t.save = widget.NewButtonWithIcon("Save report…", theme.DocumentSaveIcon(), t.saveReport)
	for _, b := range []*widget.Button{t.runSel, t.runAll, t.save} {
		b.Disable()
	}
	t.shared = widget.NewCheck("Run against the shared platform", nil)
	t.toMine = widget.NewCheck("Enrol into my own vault instead", nil)
	return container.NewBorder(nil,
		container.NewVBox(container.NewGridWithColumns(2, t.runSel, t.runAll), t.shared, t.toMine),
		nil, nil, container.NewVScroll(list))
}

// buildResults makes the results pane: the summary with Save report…, the
// scenarios' steps, the current QR code and, below, where enrolled
// accounts go.
func (t *Workbench) buildResults() fyne.CanvasObject {
	t.summary = widget.NewLabel("Choose scenarios and run them.")
	t.summary.Wrapping = fyne.TextWrapWord
	t.steps = container.NewVBox()
	t.resetGroups(t.names, "")
	t.qr = canvas.NewImageFromImage(nil)
	t.qr.FillMode = canvas.ImageFillContain
	t.qr.SetMinSize(fyne.NewSize(180, 180))
	t.qr.ScaleMode = canvas.ImageScalePixels
	t.qr.Hide()
	t.simLabel = widget.NewLabel("")
	t.simLabel.Wrapping = fyne.TextWrapWord
	t.showSimulator()
	top := container.NewBorder(nil, nil, nil, container.NewVBox(t.save), t.summary)
	return container.NewBorder(top, t.simLabel, nil, container.NewVBox(t.qr), container.NewVScroll(t.steps))
}

// buildClock makes the test clock's row: moves of fixed sizes and a custom one.
func (t *Workbench) buildClock() fyne.CanvasObject {
	t.date = widget.NewLabel("")
	for _, c := range []struct {
		label string
		d     time.Duration
	}{{"+15 min", 15 * time.Minute}, {"+1 day", 24 * time.Hour}, {"+29 days", 29 * 24 * time.Hour}, {"+30 days", 30 * 24 * time.Hour}} {
		t.clockBtn = append(t.clockBtn, widget.NewButton(c.label, func() { t.advance(c.d) }))
	}
	t.custom = widget.NewEntry()
	t.custom.SetPlaceHolder("e.g. 90m, 36h, 7d")
	move := widget.NewButton("Move", func() {
		d, ok := parseAdvance(t.custom.Text)
		if !ok {
			t.date.SetText("Enter a positive amount like 90m, 36h or 7d")
			return
		}
		t.advance(d)
	})
	t.clockBtn = append(t.clockBtn, move)
	clockRow := container.NewHBox(widget.NewLabel("Test clock:"))
	for _, b := range t.clockBtn[:4] {
		clockRow.Add(b)
	}
	return container.NewBorder(nil, nil, clockRow, container.NewHBox(move, t.date), t.custom)
}

// start runs the embedded platform off the UI goroutine with t.policy.
func (t *Workbench) start() {
	t.launch(t.policy, nil, "127.0.0.1:0")
}

// launch closes old (if any) and starts the embedded platform with policy
// off the UI goroutine, on addr when it is free and on another loopback
// port otherwise; t.policy becomes policy once the platform runs.
func (t *Workbench) launch(policy platform.Policy, old *platform.Server, addr string) {
	type started struct {
		srv *platform.Server
		url string
		err error
	}
	background(t.cfg, func() started {
		if old != nil {
			if err := old.Close(); err != nil {
				return started{err: fmt.Errorf("stop the running platform: %w", err)}
			}
		}
		srv, err := platform.New(platform.Config{DBPath: t.cfg.PlatformDB, TestClock: true, Policy: &policy, PasswordHash: t.cfg.PlatformHash})
		if err != nil {
			return started{err: err}
		}
		url, err := srv.Start(addr)
		if err != nil && addr != "127.0.0.1:0" {
			url, err = srv.Start("127.0.0.1:0")
		}
		if err != nil {
			_ = srv.Close()
			return started{err: err}
		}
		return started{srv: srv, url: url}
	}, func(r started) {
		if r.err != nil {
			t.status.SetText("The platform could not start: " + r.err.Error())
			t.policyB.Enable()
			return
		}
		if t.closed {
			// The window closed while the platform started.
			_ = r.srv.Close()
			return
		}
		t.srv, t.url, t.policy = r.srv, r.url, policy
		t.status.SetText("Running at " + r.url + " (Ctrl+C copies the address)")
		t.open.Enable()
		t.setRunning(false)
		t.walk.ready()
		t.restartClock()
	})
}

func (t *Workbench) selected() []string {
	var out []string
	for i, c := range t.checks {
		if c.Checked {
			out = append(out, t.names[i])
		}
	}
	return out
}

// setRunning enables the buttons that make sense now.
func (t *Workbench) setRunning(running bool) {
	t.running = running
	if running || t.url == "" {
		t.policyB.Disable()
	} else {
		t.policyB.Enable()
	}
	for _, b := range append([]*widget.Button{t.runSel, t.runAll}, t.clockBtn...) {
		if running || t.url == "" {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if !running && t.report != nil {
		t.save.Enable()
	} else {
		t.save.Disable()
	}
}
