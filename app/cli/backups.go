package cli

import (
	"errors"
	"flag"
	"fmt"

	"authdesk/vault"
)

func init() {
	register("backups", "list the vault's automatic backups, newest first", runBackups)
	register("restore", "replace a damaged vault with BACKUP (see authdesk-cli backups)", runRestore)
}

func runBackups(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("backups", flag.ContinueOnError)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	path, err := vaultPath(env, g)
	if err != nil {
		return err
	}
	list, err := vault.Backups(path)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(env.Stderr, "no backups in %s\n", vault.BackupDir(path))
	}
	for _, b := range list {
		fmt.Fprintln(env.Stdout, b)
	}
	return nil
}

// runRestore copies a backup over the vault, keeping the replaced file
// beside it. Without an argument it picks the newest backup that opens with
// the keychain key or the password.
func runRestore(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("too many arguments (usage: authdesk-cli restore [BACKUP])")
	}
	path, err := vaultPath(env, g)
	if err != nil {
		return err
	}
	var backup string
	var n int
	if len(pos) == 1 {
		backup = pos[0]
		v, err := openFile(env, g, backup, nil)
		if err != nil {
			return fmt.Errorf("the backup %s does not open: %w", backup, err)
		}
		n = len(v.Accounts())
		v.Close()
	} else {
		list, err := vault.Backups(path)
		if err != nil {
			return err
		}
		var pw []byte
		for _, b := range list {
			v, err := openFile(env, g, b, &pw)
			if errors.Is(err, vault.ErrWrongPassword) || errors.Is(err, errNoTerminal) || isUsage(err) {
				return err
			}
			if err == nil {
				backup, n = b, len(v.Accounts())
				v.Close()
				break
			}
		}
		if backup == "" {
			return fmt.Errorf("no backup in %s opens", vault.BackupDir(path))
		}
	}
	kept, err := vault.RestoreBackup(path, backup, vaultOptions())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "restored %s from %s (%d %s)\n", path, backup, n, plural(n, "account", "accounts"))
	if kept != "" {
		fmt.Fprintf(env.Stderr, "the replaced file is kept as %s\n", kept)
	}
	return nil
}

// openFile opens a vault file with the keychain key, else the password
// (read once and remembered in *pw when pw is not nil).
func openFile(env *Env, g *Globals, path string, pw *[]byte) (*vault.Vault, error) {
	opts := vaultOptions()
	v, err := vault.Open(path, opts)
	if !errors.Is(err, vault.ErrNeedPassword) {
		return v, err
	}
	var p []byte
	if pw != nil && *pw != nil {
		p = *pw
	} else {
		if p, err = readPassword(env, g, "Vault password: ", false); err != nil {
			if errors.Is(err, errNoTerminal) {
				return nil, usagef("the keychain does not hold the key: pass --password-stdin and the vault password on standard input")
			}
			return nil, err
		}
		if pw != nil {
			*pw = p
		}
	}
	return vault.Unlock(path, p, opts)
}

func isUsage(err error) bool {
	var ue *usageError
	return errors.As(err, &ue)
}
