//go:build e2e

package main_test

// End-to-end tests of the real authdesk binary in a real X window: the vault
// is prepared with authdesk-cli, keys are sent with xdotool, the clipboard is
// read with xclip and screenshots are taken with ImageMagick. Run them inside
// .ci/desktop-session (a fresh Xvfb, D-Bus session and unlocked
// gnome-keyring). Screenshots go to $AUTHDESK_SCREENSHOTS if set.
//
// Timings, CPU and memory are measured by make bench-gui (bench_gui_test.go),
// never asserted here.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// needDesktop skips without a display and the X tools, unless
// AUTHDESK_REQUIRE_DESKTOP=1 turns that into a failure.
func needDesktop(t testing.TB) {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
		fail = t.Fatalf
	}
	if os.Getenv("DISPLAY") == "" || os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		fail("no desktop session (DISPLAY / DBUS_SESSION_BUS_ADDRESS unset): run under .ci/desktop-session")
	}
	for _, tool := range []string{"xdotool", "xclip", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			fail("%s not installed: %v", tool, err)
		}
	}
}

// BuildTags are the release build tags (see FyneApp.toml and bench-gui.sh):
// fyne.Do-only threading, and no bundled emoji font (it costs ~15 MiB of
// resident memory per text style).
const BuildTags = "migrated_fynedo,no_emoji"

var (
	buildOnce      sync.Once
	binDir         string
	buildErr       error
	guiBin, cliBin string
)

// binaries builds authdesk and authdesk-cli once per test run.
func binaries(t testing.TB) (gui, cli string) {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "authdesk-e2e-bin")
		if buildErr != nil {
			return
		}
		guiBin, cliBin = filepath.Join(binDir, "authdesk"), filepath.Join(binDir, "authdesk-cli")
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("the go command is needed to build the binaries: %w", err)
			return
		}
		for bin, pkg := range map[string]string{guiBin: "authdesk/cmd/authdesk", cliBin: "authdesk/cmd/authdesk-cli"} {
			out, err := exec.Command(goTool, "build", "-tags", BuildTags, "-o", bin, pkg).CombinedOutput()
			if err != nil {
				buildErr = fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return guiBin, cliBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// env is a test's isolated environment: its own config dir and vault.
type env struct {
	t         testing.TB
	dir       string
	vault     string
	gui, cli  string
	extraEnv  []string
	screenDir string
}

func newEnv(t testing.TB) *env {
	needDesktop(t)
	gui, cli := binaries(t)
	dir := t.TempDir()
	e := &env{t: t, dir: dir, vault: filepath.Join(dir, "vault.age"), gui: gui, cli: cli,
		extraEnv: []string{"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "LANG=C.UTF-8"}}
	e.screenDir = os.Getenv("AUTHDESK_SCREENSHOTS")
	if e.screenDir == "" {
		e.screenDir = dir
	}
	return e
}

// writePrefs writes Authdesk's preferences (Fyne's preferences.json) before
// it starts.
func (e *env) writePrefs(prefs map[string]any) {
	e.t.Helper()
	dir := filepath.Join(e.dir, "config", "fyne", "io.authdesk.app")
	b, err := json.Marshal(prefs)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "preferences.json"), b, 0o600); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), e.extraEnv...)
	return cmd
}

// runCLI runs authdesk-cli on the test vault and returns its stdout.
func (e *env) runCLI(stdin string, args ...string) string {
	e.t.Helper()
	cmd := e.command(e.cli, append([]string{"--vault", e.vault}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		e.t.Fatalf("authdesk-cli %v: %v\n%s", args, err, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// app is a running authdesk.
type app struct {
	cmd     *exec.Cmd
	started time.Time
	wid     string
	ready   chan time.Time // when the "codes shown" line appeared
	stderr  *bytes.Buffer
	mu      sync.Mutex
	done    chan struct{} // closed once the process exited and was waited for
	err     error         // the exit error, once done is closed
}

// start runs authdesk on the test vault and waits for its window.
func (e *env) start() *app {
	e.t.Helper()
	return e.launch(false)
}

// startHidden runs authdesk, which starts minimised to the tray: there is no
// window to wait for.
func (e *env) startHidden() *app {
	e.t.Helper()
	return e.launch(true)
}

// stop kills authdesk and waits for it to exit.
func (a *app) stop() {
	a.cmd.Process.Kill()
	<-a.done
}

func (e *env) launch(hidden bool) *app {
	e.t.Helper()
	a := &app{ready: make(chan time.Time, 1), stderr: &bytes.Buffer{}, done: make(chan struct{})}
	a.cmd = e.command(e.gui, "--vault", e.vault)
	a.cmd.Env = append(a.cmd.Env, "AUTHDESK_TRACE=1")
	pipe, err := a.cmd.StderrPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	a.started = time.Now()
	if err := a.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		a.stop()
		if e.t.Failed() {
			e.t.Logf("authdesk stderr:\n%s", a.log())
		}
	})
	// The one waiter: it reads stderr to its end (Wait would close the
	// pipe under the reader), then reaps the process.
	go func() {
		s := bufio.NewScanner(pipe)
		for s.Scan() {
			a.mu.Lock()
			a.stderr.WriteString(s.Text() + "\n")
			a.mu.Unlock()
			if strings.Contains(s.Text(), "authdesk: codes shown") {
				select {
				case a.ready <- time.Now():
				default:
				}
			}
		}
		a.err = a.cmd.Wait()
		close(a.done)
	}()
	if hidden {
		return a
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--onlyvisible", "--pid",
		strconv.Itoa(a.cmd.Process.Pid), "--name", "^Authdesk$").Output()
	if err != nil {
		e.t.Fatalf("no visible window titled Authdesk within 30 s: %v\n%s", err, a.log())
	}
	a.wid = strings.Fields(string(out))[0]
	return a
}

func (a *app) log() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stderr.String()
}

// waitReady waits for the codes to be on screen and returns when they were.
func (a *app) waitReady(t testing.TB) time.Time {
	t.Helper()
	select {
	case at := <-a.ready:
		return at
	case <-time.After(30 * time.Second):
		t.Fatalf("authdesk did not show codes within 30 s:\n%s", a.log())
	}
	return time.Time{}
}

func xdotool(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		t.Fatalf("xdotool %v: %v\n%s", args, err, out)
	}
}

// clipboard polls the CLIPBOARD selection until it differs from old.
func clipboard(t testing.TB, old string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		out, err := exec.Command("xclip", "-selection", "clipboard", "-o").Output()
		if s := strings.TrimSpace(string(out)); err == nil && s != "" && s != old {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the clipboard did not change from %q within 5 s", old)
	return ""
}

// screenshot saves the whole screen and the window under e.screenDir.
func (e *env) screenshot(a *app, name string) {
	e.t.Helper()
	e.shootWindow("root", name+"-screen")
	e.shootWindow(a.wid, name)
}

// shootWindow saves X window wid (or "root") as name.png under e.screenDir.
func (e *env) shootWindow(wid, name string) {
	e.t.Helper()
	p := filepath.Join(e.screenDir, name+".png")
	if out, err := exec.Command("import", "-window", wid, p).CombinedOutput(); err != nil {
		e.t.Fatalf("import -window %s: %v\n%s", wid, err, out)
	}
	if fi, err := os.Stat(p); err != nil || fi.Size() < 1000 {
		e.t.Fatalf("screenshot %s not written: %v", p, err)
	}
	e.t.Logf("screenshot: %s", p)
}

// matchesCode reports whether got is authdesk-cli's code for name now or
// 3 s ago: the code was copied a moment before this check, which may fall
// after a period boundary (checking only "now", twice, failed a test or a
// bench run now and then with the previous period's code, rightly copied).
func (e *env) matchesCode(name, got string) bool {
	now := time.Now().Unix()
	for _, at := range []int64{now, now - 3} {
		if got == e.runCLI("", "code", "--at", strconv.FormatInt(at, 10), name) {
			return true
		}
	}
	return false
}

func TestCopyCodeInRealWindow(t *testing.T) {
	e := newEnv(t)
	e.runCLI("e2e password\n", "--password-stdin", "init")
	e.runCLI("", "add", "--issuer", "GitHub", "--account", "alice@example.com", "--secret", "JBSWY3DPEHPK3PXP")
	e.runCLI("", "add", "--issuer", "Google", "--account", "alice.liddell@gmail.com", "--secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	e.runCLI("", "add", "--issuer", "Fastmail", "--account", "alice@fastmail.com", "--secret", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK")
	e.runCLI("", "add", "--uri", "otpauth://totp/Microsoft:alice@outlook.com?secret=ONSWG4TFORZWK3DMN5XGC5DJN5XGQ2LT&issuer=Microsoft&digits=8")
	e.runCLI("", "add", "--uri", "otpauth://steam/Steam:alice_gamer?secret=KRUGS4ZANFZSAYJAORSXG5BAKRUGS4ZA&issuer=Steam")
	e.runCLI("", "add", "--uri", "otpauth://hotp/Example%20Bank:card%204242?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJR&issuer=Example%20Bank&counter=7")
	e.runCLI("", "add", "--issuer", "Hetzner Cloud", "--account", "ops@acme.example", "--secret", "NBSWY3DPO5XXE3DENBSWY3DPO5XXE3DE")

	a := e.start()
	a.waitReady(t)
	time.Sleep(300 * time.Millisecond) // let the first frame reach the screen
	xdotool(t, "windowfocus", "--sync", a.wid)

	// At start the first account is selected: Enter copies its code.
	xdotool(t, "key", "--clearmodifiers", "Return")
	got := clipboard(t, "")
	if !e.matchesCode("GitHub", got) {
		t.Fatalf("Enter copied %q, authdesk-cli code GitHub says %q", got, e.runCLI("", "code", "GitHub"))
	}
	// Down, then Ctrl+C copies the second account's code.
	xdotool(t, "key", "--clearmodifiers", "Down")
	xdotool(t, "key", "--clearmodifiers", "ctrl+c")
	got2 := clipboard(t, got)
	if !e.matchesCode("Google", got2) {
		t.Fatalf("Ctrl+C copied %q, authdesk-cli code Google says %q", got2, e.runCLI("", "code", "Google"))
	}
	time.Sleep(300 * time.Millisecond)
	e.screenshot(a, "e2e-codes")

	// Typing searches; Esc clears.
	xdotool(t, "type", "fast")
	xdotool(t, "key", "--clearmodifiers", "Return")
	got3 := clipboard(t, got2)
	if !e.matchesCode("Fastmail", got3) {
		t.Fatalf("search + Enter copied %q, want Fastmail's code", got3)
	}
}

// procStat returns the CPU time (user+system) and resident memory of pid.
func procStat(t testing.TB, pid int) (cpu time.Duration, rss int64) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the ")" of the command name; utime and stime are fields 14 and 15.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	const clkTck = 100 // USER_HZ on Linux
	cpu = time.Duration(ut+st) * time.Second / clkTck
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			rss = kb << 10
		}
	}
	return cpu, rss
}

// importAccounts adds n generated accounts through authdesk-cli import.
func (e *env) importAccounts(n int) {
	var uris strings.Builder
	issuers := []string{"GitHub", "Google", "Microsoft", "Amazon", "Dropbox", "Slack", "GitLab", "Proton", "Cloudflare", "Fastmail"}
	for i := range n {
		fmt.Fprintf(&uris, "otpauth://totp/%s:user%03d@example.com?secret=%s&issuer=%s\n",
			issuers[i%len(issuers)], i, secretFor(i), issuers[i%len(issuers)])
	}
	e.runCLI(uris.String(), "import", "-")
}

// secretFor is a distinct 20-byte base32 secret per i.
func secretFor(i int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	s := []byte("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	for k := 0; k < 4; k++ {
		s[k] = alphabet[(i>>(5*k))&31]
	}
	return string(s)
}

// TestManyAccounts starts the app on 500 accounts (key from the keychain):
// the window shows and the codes of all of them are set. make bench-gui
// times this start.
func TestManyAccounts(t *testing.T) {
	e := newEnv(t)
	e.runCLI("e2e password\n", "--password-stdin", "init")
	e.importAccounts(500)

	a := e.start()
	a.waitReady(t)
	if !strings.Contains(a.log(), "codes shown: 500 accounts") {
		t.Fatalf("authdesk did not report 500 accounts:\n%s", a.log())
	}
	time.Sleep(300 * time.Millisecond) // let the first frame reach the screen
	e.screenshot(a, "e2e-500")
}
