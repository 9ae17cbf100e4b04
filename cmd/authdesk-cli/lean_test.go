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

// build compiles authdesk-cli with tags into dir/name.
func build(t *testing.T, dir, name, tags string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-tags", tags, "-o", out, ".")
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
	for _, args := range [][]string{
		{"help"},
		{"platform"},
		{"platform", "serve", "--nope"},
		{"journey", "--list"},
		{"--vault", filepath.Join(dir, "other.age"), "journey", "--bogus"},
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
	_, stderr, code := run(t, []string{"PATH=" + t.TempDir()}, alone, "platform", "serve")
	if code != 1 || !strings.Contains(stderr, cli.HelperName+" is not installed") {
		t.Errorf("lean authdesk-cli without its helper: exit %d, stderr %q; want 1 and what to install", code, stderr)
	}
}
