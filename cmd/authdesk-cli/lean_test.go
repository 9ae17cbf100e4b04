package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"authdesk/app/cli"
)

// build compiles authdesk-cli with tags into dir/name, without cgo as
// make build does.
func build(t *testing.T, dir, name, tags string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-tags", tags, "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags %q: %v\n%s", tags, err, b)
	}
	return out
}

// run runs bin with args and returns its stdout, stderr and exit status.
func run(t *testing.T, env []string, bin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return out.String(), errb.String(), ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

// TestLeanBuild: authdesk-cli built with -tags lean (make build) leaves
// the simulated platform out and runs platform and journey in the full
// build installed beside it, with the same help, output and exit status
// as the full build; without the helper it says what to install.
func TestLeanBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds authdesk-cli twice")
	}
	dir := t.TempDir()
	lean := build(t, dir, "authdesk-cli", "lean")
	full := build(t, dir, cli.HelperName, "")
	env := []string{"AUTHDESK_VAULT=" + filepath.Join(dir, "vault.age")}
	photo := photoPath(t)
	for _, args := range [][]string{
		{"help"},
		{"platform"},
		{"platform", "serve", "--nope"},
		{"journey", "--list"},
		{"--vault", filepath.Join(dir, "other.age"), "journey", "--bogus"},
		{"scan", photo},
		{"scan", filepath.Join(dir, "missing.png")},
		{"import", "--nope"},
		{"import", filepath.Join(dir, "missing.txt")},
		{"export"},
		{"sync", "--once"},
		{"add", "--uri", "otpauth-migration://offline?data=AAAA"},
	} {
		lo, le, lc := run(t, env, lean, args...)
		fo, fe, fc := run(t, env, full, args...)
		if lo != fo || le != fe || lc != fc {
			t.Errorf("authdesk-cli %s:\nlean: exit %d, stdout %q, stderr %q\nfull: exit %d, stdout %q, stderr %q",
				strings.Join(args, " "), lc, lo, le, fc, fo, fe)
		}
	}

	alone := filepath.Join(t.TempDir(), filepath.Base(lean))
	b, err := os.ReadFile(lean)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, b, 0o700); err != nil {
		t.Fatal(err)
	}
	noPath := []string{"PATH=" + t.TempDir()}
	for _, args := range [][]string{{"platform", "serve"}, {"scan", "--screen"}, {"scan", "--clipboard"}} {
		_, stderr, code := run(t, noPath, alone, args...)
		if code != 1 || !strings.Contains(stderr, cli.HelperName+" is not installed") {
			t.Errorf("lean authdesk-cli %s without its helper: exit %d, stderr %q; want 1 and what to install", strings.Join(args, " "), code, stderr)
		}
	}
	// Files are scanned by the lean build itself: no helper needed.
	stdout, stderr, code := run(t, noPath, alone, "scan", photo)
	if code != 0 || stdout != photoPayload+"\n" {
		t.Errorf("lean authdesk-cli scan without its helper: exit %d, stdout %q, stderr %q; want 0 and %q", code, stdout, stderr, photoPayload)
	}
}

// photoPayload is what photo-000-otpauth.jpg holds.
const photoPayload = "otpauth://totp/Proton:user8208@example.com?issuer=Proton&secret=BZALMWUEU3ZNVGXALQI7G6YZAXOQ"

// photoPath is the absolute path of a 640×480 photo of the scanner's corpus.
func photoPath(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "scanner", "testdata", "photos", "photo-000-otpauth.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// leanDenied are the packages the lean build must not link: each runs
// initialisation work before main (SQLite, templates, protobuf's hash of
// the executable, X11 and D-Bus screen capture), which every command would
// pay for. Prefixes end in "/" or name a package exactly. The scanner,
// gozxing (its Reed–Solomon tables and x/text's charset index) and the
// image decoders are in: scanning a file is the lean build's, and their
// initialisation costs help about 65 page faults (docs/benchmarks.md),
// against the second process start-up a scan paid in the helper.
var leanDenied = []string{
	"authdesk/app/platform", "authdesk/app/journey",
	"authdesk/scanner/capture", "authdesk/scanner/capture/",
	"authdesk/vault/replica", "authdesk/vault/transfer", "authdesk/vault/migration",
	"google.golang.org/protobuf/", "modernc.org/", "github.com/fsnotify/fsnotify",
	"github.com/skip2/go-qrcode", "golang.design/x/clipboard", "github.com/kbinani/screenshot",
	"github.com/jezek/xgb", "net/http", "html/template", "text/template", "log/slog", "database/sql",
}

// denied reports whether pkg is in leanDenied.
func denied(pkg string) bool {
	for _, d := range leanDenied {
		if pkg == d || (strings.HasSuffix(d, "/") && strings.HasPrefix(pkg, d)) {
			return true
		}
	}
	return false
}

// TestLeanDeps: the lean build, which runs help, code, scan FILE and the
// other vault commands, links none of the heavy packages (go list -deps),
// and running help, code --uri - and scan FILE initialises none of them
// (GODEBUG=inittrace=1 of the built program, which lists every package
// whose initialisation does work). A command that needs one belongs in
// helperCommands.
func TestLeanDeps(t *testing.T) {
	cmd := exec.Command("go", "list", "-tags", "lean", "-deps", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if denied(pkg) {
			t.Errorf("the lean authdesk-cli links %s", pkg)
		}
	}
	if testing.Short() {
		t.Skip("builds authdesk-cli")
	}

	lean := build(t, t.TempDir(), "authdesk-cli", "lean")
	photo := photoPath(t)
	// RFC 6238's SHA1 key, "12345678901234567890"; its code at 1111111109 is 07081804.
	const uri = "otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&issuer=Example"
	for _, c := range []struct {
		args       []string
		stdin, out string
	}{
		{[]string{"help"}, "", ""},
		{[]string{"code", "--uri", "-", "--at", "1111111109"}, uri + "\n", "07081804\n"},
		{[]string{"scan", photo}, "", photoPayload + "\n"},
	} {
		cmd := exec.Command(lean, c.args...)
		cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
		cmd.Stdin = strings.NewReader(c.stdin)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("authdesk-cli %s: %v\n%s", strings.Join(c.args, " "), err, stderr.Bytes())
		}
		if c.out != "" && stdout.String() != c.out {
			t.Errorf("authdesk-cli %s printed %q, want %q", strings.Join(c.args, " "), stdout.String(), c.out)
		}
		inits := 0
		for _, line := range strings.Split(stderr.String(), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 || f[0] != "init" {
				continue
			}
			inits++
			if denied(f[1]) {
				t.Errorf("authdesk-cli %s initialises %s: %s", strings.Join(c.args, " "), f[1], line)
			}
		}
		if inits == 0 {
			t.Errorf("authdesk-cli %s: no inittrace lines on stderr; GODEBUG=inittrace=1 not honoured?\n%s", strings.Join(c.args, " "), stderr.Bytes())
		}
	}
}
