package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
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

// TestLeanBuild: make build's three programs answer alike. authdesk-cli
// (-tags front) runs help, code --uri and scan FILE itself and the rest in
// authdesk-cli-vault (-tags lean), which runs the platform's commands in
// authdesk-cli-platform (the full build); each command gives the same
// output and exit status through the front, the lean build and the full
// build. Without its helpers, each says what to install, and the front
// still does its own commands.
func TestLeanBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds authdesk-cli three times")
	}
	dir := t.TempDir()
	front := build(t, dir, "authdesk-cli", "front")
	lean := build(t, dir, cli.VaultHelperName, "lean")
	full := build(t, dir, cli.HelperName, "")
	env := []string{"AUTHDESK_VAULT=" + filepath.Join(dir, "vault.age")}
	photo := photoPath(t)
	for _, args := range [][]string{
		{"help"},
		{"--help"},
		{},
		{"nope"},
		{"platform"},
		{"platform", "serve", "--nope"},
		{"journey", "--list"},
		{"--vault", filepath.Join(dir, "other.age"), "journey", "--bogus"},
		{"scan", photo},
		{"scan", filepath.Join(dir, "missing.png")},
		{"scan"},
		{"import", "--nope"},
		{"import", filepath.Join(dir, "missing.txt")},
		{"export"},
		{"sync", "--once"},
		{"add", "--uri", "otpauth-migration://offline?data=AAAA"},
		{"list"},
		{"code"},
		{"code", "-h"},
		{"code", "github"},
		{"code", "--uri", rfcURI, "--at", "1111111109"},
		{"code", "--uri", rfcURI, "github"},
		{"code", "--uri", "otpauth://totp/x?secret=1", "--at", "0"},
		{"code", "--uri", "otpauth://hotp/x?secret=GEZDGNBV&counter=3", "--min-left", "5"},
		{"code", "--uri", rfcURI, "--min-left", "30"},
		{"code", "--uri", rfcURI, "--at", "-1"},
		// --next-unused keeps a state file beside the vault: one vault
		// each ({vault}), so that each program reserves the same step.
		{"--vault", "{vault}", "code", "--uri", rfcURI, "--at", "1111111109", "--next-unused"},
	} {
		fo, fe, fc := run(t, env, front, withVault(args, dir, "front")...)
		lo, le, lc := run(t, env, lean, withVault(args, dir, "lean")...)
		po, pe, pc := run(t, env, full, withVault(args, dir, "full")...)
		if fo != po || fe != pe || fc != pc || lo != po || le != pe || lc != pc {
			t.Errorf("authdesk-cli %s:\nfront: exit %d, stdout %q, stderr %q\nlean: exit %d, stdout %q, stderr %q\nfull: exit %d, stdout %q, stderr %q",
				strings.Join(args, " "), fc, fo, fe, lc, lo, le, pc, po, pe)
		}
	}

	// Alone, each names the helper it misses.
	alone := t.TempDir()
	for _, c := range []struct {
		bin, helper string
		args        []string
	}{
		{front, cli.HelperName, []string{"platform", "serve"}},
		{front, cli.HelperName, []string{"scan", "--screen"}},
		{front, cli.VaultHelperName, []string{"list"}},
		{front, cli.VaultHelperName, []string{"code", "github"}},
		{lean, cli.HelperName, []string{"platform", "serve"}},
		{lean, cli.HelperName, []string{"scan", "--clipboard"}},
	} {
		bin := copyTo(t, c.bin, alone)
		_, stderr, code := run(t, []string{"PATH=" + t.TempDir()}, bin, c.args...)
		if code != 1 || !strings.Contains(stderr, c.helper+" is not installed") {
			t.Errorf("%s %s without its helpers: exit %d, stderr %q; want 1 and that %s is missing", filepath.Base(c.bin), strings.Join(c.args, " "), code, stderr, c.helper)
		}
	}
	// A helper is never taken from a relative PATH entry: "." would run
	// whatever the current folder holds, such as a download.
	cwd := t.TempDir()
	marker := filepath.Join(cwd, "ran")
	if runtime.GOOS != "windows" {
		fake := filepath.Join(cwd, cli.VaultHelperName)
		if err := os.WriteFile(fake, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o700); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(copyTo(t, front, t.TempDir()), "list")
		cmd.Dir, cmd.Env = cwd, append(os.Environ(), "PATH=.:"+t.TempDir())
		out, err := cmd.CombinedOutput()
		if _, statErr := os.Stat(marker); statErr == nil || err == nil || !strings.Contains(string(out), cli.VaultHelperName+" is not installed") {
			t.Errorf("authdesk-cli list with PATH=. and an %s in the current folder: %v, %q (ran it: %v); want it refused", cli.VaultHelperName, err, out, statErr == nil)
		}
	}

	// Files are scanned, and codes from a URI computed, by the front
	// itself: no helper needed.
	bin := copyTo(t, front, alone)
	noPath := []string{"PATH=" + t.TempDir()}
	stdout, stderr, code := run(t, noPath, bin, "scan", photo)
	if code != 0 || stdout != photoPayload+"\n" {
		t.Errorf("authdesk-cli scan without its helpers: exit %d, stdout %q, stderr %q; want 0 and %q", code, stdout, stderr, photoPayload)
	}
	stdout, stderr, code = run(t, noPath, bin, "code", "--uri", rfcURI, "--at", "1111111109")
	if code != 0 || stdout != "07081804\n" {
		t.Errorf("authdesk-cli code --uri without its helpers: exit %d, stdout %q, stderr %q; want 0 and 07081804", code, stdout, stderr)
	}
}

// rfcURI holds RFC 6238's SHA1 key, "12345678901234567890", with 8 digits:
// its code at 1111111109 is 07081804.
const rfcURI = "otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&issuer=Example"

// withVault is args with {vault} replaced by a vault path of its own in
// dir, named after name.
func withVault(args []string, dir, name string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		if a == "{vault}" {
			out[i] = filepath.Join(dir, name+".age")
		}
	}
	return out
}

// copyTo copies the program bin into dir, alone, and returns its path.
func copyTo(t *testing.T, bin, dir string) string {
	t.Helper()
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, filepath.Base(bin))
	if err := os.WriteFile(out, b, 0o700); err != nil {
		t.Fatal(err)
	}
	return out
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

// leanDenied are the packages the lean build (authdesk-cli-vault) must not
// link: each runs initialisation work before main (SQLite, templates,
// protobuf's hash of the executable, X11 and D-Bus screen capture), which
// every command would pay for. Prefixes end in "/" or name a package
// exactly.
var leanDenied = []string{
	"authdesk/app/platform", "authdesk/app/journey",
	"authdesk/scanner/capture", "authdesk/scanner/capture/",
	"authdesk/vault/replica", "authdesk/vault/transfer", "authdesk/vault/migration",
	"google.golang.org/protobuf/", "modernc.org/", "github.com/fsnotify/fsnotify",
	"github.com/skip2/go-qrcode", "golang.design/x/clipboard", "github.com/kbinani/screenshot",
	"github.com/jezek/xgb", "net/http", "html/template", "text/template", "log/slog", "database/sql",
}

// frontDenied are what the front build (authdesk-cli) must not link beyond
// leanDenied: the vault's store and everything it brings (age, scrypt,
// Argon2, the keychain over D-Bus, file locks, JSON), the icon library and
// the XML and image checks of icon pictures. help, code --uri and scan FILE
// need none of them; the scanner, gozxing and the image decoders are in,
// since a scan in a helper would pay for two process start-ups.
var frontDenied = append(slices.Clone(leanDenied),
	"authdesk/vault", "authdesk/vault/keychain", "authdesk/vault/icons", "authdesk/vault/icons/picture",
	"filippo.io/", "golang.org/x/crypto/", "github.com/zalando/go-keyring", "github.com/godbus/",
	"github.com/gofrs/flock", "encoding/json", "encoding/xml", "archive/zip", "net",
)

// denied reports whether pkg is in list.
func denied(list []string, pkg string) bool {
	for _, d := range list {
		if pkg == d || (strings.HasSuffix(d, "/") && strings.HasPrefix(pkg, d)) {
			return true
		}
	}
	return false
}

// TestLeanDeps: the front build (help, code --uri, scan FILE) and the lean
// build (the vault's commands) link none of their denied packages (go list
// -deps), and running help, code --uri - and scan FILE initialises none of
// them (GODEBUG=inittrace=1 of the built program, which lists every
// package whose initialisation does work). A command that needs one
// belongs in the next program up (lazy_front.go, helper.go).
func TestLeanDeps(t *testing.T) {
	for _, b := range []struct {
		tags string
		deny []string
	}{{"front", frontDenied}, {"lean", leanDenied}} {
		t.Run(b.tags, func(t *testing.T) {
			checkDeps(t, b.tags, b.deny)
		})
	}
}

// checkDeps is TestLeanDeps for the build with tags.
func checkDeps(t *testing.T, tags string, deny []string) {
	cmd := exec.Command("go", "list", "-tags", tags, "-deps", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if denied(deny, pkg) {
			t.Errorf("the %s authdesk-cli links %s", tags, pkg)
		}
	}
	if testing.Short() {
		t.Skip("builds authdesk-cli")
	}

	bin := build(t, t.TempDir(), "authdesk-cli", tags)
	photo := photoPath(t)
	for _, c := range []struct {
		args       []string
		stdin, out string
	}{
		{[]string{"help"}, "", ""},
		{[]string{"code", "--uri", "-", "--at", "1111111109"}, rfcURI + "\n", "07081804\n"},
		{[]string{"scan", photo}, "", photoPayload + "\n"},
	} {
		cmd := exec.Command(bin, c.args...)
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
			if denied(deny, f[1]) {
				t.Errorf("authdesk-cli %s initialises %s: %s", strings.Join(c.args, " "), f[1], line)
			}
		}
		if inits == 0 {
			t.Errorf("authdesk-cli %s: no inittrace lines on stderr; GODEBUG=inittrace=1 not honoured?\n%s", strings.Join(c.args, " "), stderr.Bytes())
		}
	}
}
