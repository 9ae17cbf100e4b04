//go:build !front

package cli

import (
	"errors"
	"flag"
	"fmt"

	"authdesk/app/wording"
	"authdesk/vault"
)

func init() {
	register("passwd", passwdSummary, runPasswd)
}

// runPasswd retires the vault password: it checks the current one (even
// when the keychain opens the vault), makes a new vault key sealed with the
// new password, and re-encrypts the backups, so that the old password opens
// nothing any more. With --password-stdin stdin holds the current password,
// then the new one.
func runPasswd(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("passwd", flag.ContinueOnError)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	noTerminal := func(err error) error {
		if errors.Is(err, errNoTerminal) {
			return usagef("standard input is not a terminal: pass --password-stdin, then the current and the new password on lines of their own")
		}
		return err
	}
	cur, err := readPassword(env, g, "Current vault password: ", false)
	if err != nil {
		return noTerminal(err)
	}
	v, err := openVaultWith(env, g, cur)
	if err != nil {
		return err
	}
	defer v.Close()
	pw, err := readPassword(env, g, "New vault password: ", true)
	if err != nil {
		return noTerminal(err)
	}
	res, err := v.ChangePassword(cur, pw, nil)
	if errors.Is(err, vault.ErrWrongPassword) {
		return fmt.Errorf("the current password is wrong; nothing was changed")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "changed the password of %s; the old password opens nothing any more\n", v.Path())
	if n := len(res.Reencrypted); n > 0 {
		fmt.Fprintf(env.Stderr, "re-encrypted %d %s with the new password\n", n, wording.Plural(n, "backup", "backups"))
	}
	for _, f := range res.Removed {
		fmt.Fprintf(env.Stderr, "removed %s: it is damaged, and the old password still opened it\n", f)
	}
	for _, k := range res.Kept {
		// Nothing retired opens these (see vault.PasswordChange.Kept).
		fmt.Fprintf(env.Stderr, "kept %s as it was: %s; the old password does not open it\n", k.Path, k.Reason)
	}
	if kerr := v.KeychainError(); kerr != nil {
		fmt.Fprintf(env.Stderr, "authdesk-cli: note: the new vault key is not in the keychain (%v); use the new password\n", kerr)
	}
	return nil
}
