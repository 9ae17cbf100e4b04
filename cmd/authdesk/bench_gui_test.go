//go:build e2e

package main_test

// make bench-gui (cmd/authdesk/bench-gui.sh): the real app in a real X
// window, measured beside an empty stock-Fyne window (fyneprobe empty)
// running at the same time, so that both see the same machine load.
// Figures are reported, never asserted: README keeps them.

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// idleWindow is how long idle CPU is averaged over.
const idleWindow = 30 * time.Second

// BenchmarkStartup500 is the time from exec to the window mapped with the
// codes of 500 accounts set (key from the keychain), the median of 3 starts.
func BenchmarkStartup500(b *testing.B) {
	for range b.N {
		e := newEnv(b)
		e.runCLI("e2e password\n", "--password-stdin", "init")
		e.importAccounts(500)
		var starts []time.Duration
		for range 3 {
			a := e.start()
			mapped := time.Since(a.started)
			codes := a.waitReady(b).Sub(a.started)
			starts = append(starts, max(mapped, codes))
			a.stop()
		}
		slices.Sort(starts)
		b.ReportMetric(float64(starts[1].Milliseconds()), "ms/start")
		b.ReportMetric(float64(starts[0].Milliseconds()), "ms/fastest")
	}
	b.ReportMetric(0, "ns/op")
}

// BenchmarkIdle is idle CPU over idleWindow and resident memory with 500
// accounts: shown behind another window (the stock window has the focus:
// the countdown moves in 5 s steps), shown with the focus and left alone
// for the 30 s that count as use (5 s steps too), hidden in the tray
// (started minimised) and locked (with the focus). "in use" is the window
// with the focus within 30 s of the user's last touch, when the countdown
// moves every second: measured over 25 s from the focus coming to it.
func BenchmarkIdle(b *testing.B) {
	// The -no-key states clear the global shortcut: beside their plain
	// twins they show what the waiting listener costs.
	for _, state := range []string{"shown", "shown-no-key", "focused", "hidden", "hidden-no-key", "locked", "in-use"} {
		b.Run(state, func(b *testing.B) {
			for range b.N {
				idle(b, state)
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}

func idle(b *testing.B, state string) {
	e := newEnv(b)
	e.runCLI("e2e password\n", "--password-stdin", "init")
	e.importAccounts(500)
	state, noKey := strings.CutSuffix(state, "-no-key")
	prefs := map[string]any{}
	if noKey {
		prefs["quickShortcut"] = "" // no global shortcut: nothing listens
	}
	if state == "hidden" {
		fakeDesktop(b) // a tray to hide in: without one, Authdesk shows its window
		prefs["startMinimised"] = true
	}
	if len(prefs) > 0 {
		e.writePrefs(prefs)
	}
	stock := startStockWindow(b)
	var a *app
	if state == "hidden" {
		a = e.startHidden()
	} else {
		a = e.start()
	}
	a.waitReady(b)
	switch state {
	case "shown":
		xdotool(b, "search", "--sync", "--onlyvisible", "--pid", strconv.Itoa(stock.Process.Pid),
			"--name", "^fyneprobe$", "windowfocus", "--sync")
	case "focused":
		xdotool(b, "windowfocus", "--sync", a.wid)
		time.Sleep(30 * time.Second) // desktop's activeFor: left alone
	case "locked":
		xdotool(b, "windowfocus", "--sync", a.wid)
		xdotool(b, "key", "--clearmodifiers", "ctrl+l")
	}
	// Settle: start-up, the memory trim 2 s after the codes, the lock.
	time.Sleep(4 * time.Second)
	window := idleWindow
	if state == "in-use" {
		xdotool(b, "windowfocus", "--sync", a.wid)
		xdotool(b, "mousemove", "--window", a.wid, "280", "300") // a touch
		window = 25 * time.Second
	}
	if state != "hidden" && state != "in-use" {
		e.screenshot(a, "bench-"+state)
	}
	drawn := a.brandRasters(b)
	pids := []int{a.cmd.Process.Pid, stock.Process.Pid}
	var cpu0 [2]time.Duration
	for i, pid := range pids {
		cpu0[i], _ = procStat(b, pid)
	}
	time.Sleep(window)
	for i, unit := range []string{"", "stock-"} {
		cpu, rss := procStat(b, pids[i])
		b.ReportMetric(100*float64(cpu-cpu0[i])/float64(window), unit+"cpu-%")
		b.ReportMetric(float64(rss)/(1<<20), unit+"rss-MiB")
	}
	// Icons drawn before the window (rows and the tray menu's), and again
	// during it: each icon is drawn once and kept, never per frame.
	b.ReportMetric(float64(drawn), "icons-drawn")
	b.ReportMetric(float64(a.brandRasters(b)-drawn), "icons-redrawn")
	if state == "in-use" { // after measuring: the measurement is within activeFor
		e.screenshot(a, "bench-"+state)
	}
}

// brandRasters asks authdesk (SIGUSR1) how many brand icons it has drawn.
func (a *app) brandRasters(b testing.TB) int64 {
	b.Helper()
	const prefix = "authdesk: brand rasters: "
	before := strings.Count(a.log(), prefix)
	if err := a.cmd.Process.Signal(traceSignal); err != nil {
		b.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		log := a.log()
		if strings.Count(log, prefix) > before {
			line := log[strings.LastIndex(log, prefix)+len(prefix):]
			n, err := strconv.ParseInt(strings.TrimSpace(strings.SplitN(line, "\n", 2)[0]), 10, 64)
			if err != nil {
				b.Fatalf("brand rasters line: %v", err)
			}
			return n
		}
	}
	b.Fatal("authdesk did not answer SIGUSR1 within 30 s")
	return 0
}

// startStockWindow runs an empty 560×720 window built with stock Fyne.
func startStockWindow(b *testing.B) *exec.Cmd {
	b.Helper()
	bin := stockProbe(b)
	cmd := exec.Command(bin, "empty")
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

var stockProbeBin string

// stockProbe builds fyneprobe with stock Fyne: without the -modfile that
// make passes in GOFLAGS for the patched loop.
func stockProbe(b *testing.B) string {
	b.Helper()
	binaries(b)
	if stockProbeBin == "" {
		bin := filepath.Join(binDir, "fyneprobe-stock")
		cmd := exec.Command("go", "build", "-tags", BuildTags, "-o", bin, "authdesk/cmd/authdesk/internal/fyneprobe")
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "GOFLAGS=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build fyneprobe (stock Fyne): %v\n%s", err, out)
		}
		stockProbeBin = bin
	}
	return stockProbeBin
}
