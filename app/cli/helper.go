//go:build lean || front

package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// platformCommands are the commands only the full build links (the
// simulated platform, SQLite, protobuf, fsnotify…): the lean and front
// builds run them in HelperName.
var platformCommands = [...]struct{ name, summary string }{
	{"platform", platformSummary},
	{"journey", journeySummary},
	{"import", importSummary},
	{"export", exportSummary},
	{"sync", syncSummary},
	{"follow", followSummary},
}

// helpers says, for each helper program, what this build runs there.
var helpers = map[string]string{
	HelperName:      "platform, journey, scan --screen and --clipboard, import, export, sync and follow",
	VaultHelperName: "every command that opens the vault (code NAME, list, add…)",
}

// helperCommand runs command name in the program helper with the same
// global flags, arguments, streams and environment, and exits with its
// status.
func helperCommand(name, helper string) func(env *Env, g *Globals, args []string) error {
	return func(env *Env, g *Globals, args []string) error {
		path, err := helperPath(helper)
		if err != nil {
			return err
		}
		argv := []string{path}
		if g.Vault != "" {
			argv = append(argv, "--vault", g.Vault)
		}
		if g.PasswordStdin {
			argv = append(argv, "--password-stdin")
		}
		argv = append(append(argv, name), args...)
		return runHelper(env, helper, argv)
	}
}

// helperPath finds helper beside this program (symbolic links followed),
// then in the PATH's absolute folders (a relative one, such as ".", would
// run whatever the current folder holds). os/exec is not used: its
// initialisation (context, its GODEBUG settings) is start-up time that
// help and code --uri would pay.
func helperPath(helper string) (string, error) {
	exe := helper
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	var dirs []string
	if self, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(self); err == nil {
			self = real
		}
		dirs = append(dirs, filepath.Dir(self))
	}
	for _, dir := range append(dirs, filepath.SplitList(os.Getenv("PATH"))...) {
		if !filepath.IsAbs(dir) {
			continue
		}
		p := filepath.Join(dir, exe)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && (runtime.GOOS == "windows" || st.Mode()&0o111 != 0) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s is not installed beside this program or on the PATH: authdesk-cli as make build makes it runs %s there; make build or make package installs them together", helper, helpers[helper])
}

// runHelper replaces this process with helper on Unix, so signals (Ctrl-C
// to platform serve) and the exit status are the helper's; on Windows it
// runs the helper as a child with the same streams and passes its exit
// status on. Either way the helper gets this process's own streams: env's
// must be them.
func runHelper(env *Env, helper string, argv []string) error {
	if env.Stdin != os.Stdin || env.Stdout != os.Stdout || env.Stderr != os.Stderr {
		return fmt.Errorf("run %s: it needs this process's own standard input, output and error", helper)
	}
	if runtime.GOOS != "windows" {
		err := syscall.Exec(argv[0], argv, os.Environ())
		return fmt.Errorf("run %s: %w", helper, err)
	}
	p, err := os.StartProcess(argv[0], argv, &os.ProcAttr{Files: []*os.File{os.Stdin, os.Stdout, os.Stderr}})
	if err != nil {
		return fmt.Errorf("run %s: %w", helper, err)
	}
	st, err := p.Wait()
	if err != nil {
		return fmt.Errorf("run %s: %w", helper, err)
	}
	if !st.Success() {
		return &exitError{code: st.ExitCode()}
	}
	return nil
}
