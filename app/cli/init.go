//go:build !front

package cli

import (
	"errors"
	"flag"
	"fmt"
	"path/filepath"

	"authdesk/vault"
)

func init() {
	register("init", initSummary, runInit)
}

// runInit creates the vault and says where it is and whether the keychain
// holds its key.
func runInit(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q (usage: authdesk-cli [--vault PATH] [--password-stdin] init)", pos[0])
	}
	path, err := vaultPath(env, g)
	if err != nil {
		return err
	}
	tightened, err := vault.SecureDir(filepath.Dir(path))
	if err != nil {
		return err
	}
	if tightened {
		fmt.Fprintf(env.Stderr, "made the folder %s private (mode 0700): other users could read or write it\n", filepath.Dir(path))
	}
	pw, err := readPassword(env, g, "New vault password: ", true)
	if errors.Is(err, errNoTerminal) {
		return usagef("standard input is not a terminal: pass --password-stdin and the new password on its first line")
	}
	if err != nil {
		return err
	}
	v, err := vault.Create(path, pw, vaultOptions())
	if errors.Is(err, vault.ErrExists) {
		return fmt.Errorf("a vault already exists at %s; use it, or pass --vault PATH for a new one", path)
	}
	if err != nil {
		return err
	}
	defer v.Close()
	fmt.Fprintf(env.Stderr, "created vault %s\n", path)
	if kerr := v.KeychainError(); kerr != nil {
		fmt.Fprintf(env.Stderr, "the key is NOT in the keychain (%v): pass --password-stdin to open it\n", kerr)
	} else {
		fmt.Fprintln(env.Stderr, "the key is in the keychain: commands open the vault without the password")
	}
	return nil
}
