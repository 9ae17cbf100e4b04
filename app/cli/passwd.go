package cli

import (
	"errors"
	"flag"
	"fmt"
)

func init() {
	register("passwd", "change the vault password (with --password-stdin: current, then new, one per line)", runPasswd)
}

// runPasswd reseals the vault key with a new password. With --password-stdin
// stdin holds the current password, then the new one.
func runPasswd(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("passwd", flag.ContinueOnError)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	v, err := openVault(env, g)
	if err != nil {
		return err
	}
	defer v.Close()
	pw, err := readPassword(env, g, "New vault password: ", true)
	if errors.Is(err, errNoTerminal) {
		return usagef("standard input is not a terminal: pass --password-stdin and the new password on its own line")
	}
	if err != nil {
		return err
	}
	if err := v.ChangePassword(pw); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "changed the password of %s\n", v.Path())
	return nil
}
