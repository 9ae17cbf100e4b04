//go:build lean || front

package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
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
// then on the PATH.
func helperPath(helper string) (string, error) {
	exe := helper
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	if self, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(self); err == nil {
			self = real
		}
		p := filepath.Join(filepath.Dir(self), exe)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(exe); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s is not installed beside authdesk-cli or on the PATH: this authdesk-cli is a lean build (make build) and runs %s there; make build or make package installs them together", helper, helpers[helper])
}

// runHelper replaces this process with helper on Unix when the streams are
// the process's own, so signals (Ctrl-C to platform serve) and the exit
// status are the helper's; otherwise it runs the helper as a child with
// env's streams and passes its exit status on.
func runHelper(env *Env, helper string, argv []string) error {
	if runtime.GOOS != "windows" && env.Stdin == os.Stdin && env.Stdout == os.Stdout && env.Stderr == os.Stderr {
		err := syscall.Exec(argv[0], argv, os.Environ())
		return fmt.Errorf("run %s: %w", helper, err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = env.Stdin, env.Stdout, env.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return &exitError{code: ee.ExitCode()}
	}
	if err != nil {
		return fmt.Errorf("run %s: %w", helper, err)
	}
	return nil
}
