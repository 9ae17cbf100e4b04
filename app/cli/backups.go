//go:build !front

package cli

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"time"

	"authdesk/app/wording"
	"authdesk/vault"
)

func init() {
	register("backups", backupsSummary, runBackups)
	register("restore", restoreSummary, runRestore)
}

// runBackups lists the backups, one a line: the path (first, so that
// scripts can cut it), the time it was made and how many accounts it holds.
// It needs no open vault (the vault may be damaged): the accounts are
// counted with the keychain key, or the password given with
// --password-stdin.
func runBackups(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("backups", flag.ContinueOnError)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	path, err := vaultPath(env, g)
	if err != nil {
		return err
	}
	var pw []byte
	if g.PasswordStdin {
		if pw, err = readPassword(env, g, "", false); err != nil {
			return err
		}
	}
	list, err := vault.BackupList(path, pw, vaultOptions())
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintf(env.Stderr, "no backups in %s\n", vault.BackupDir(path))
		return nil
	}
	locked := pw == nil && !slices.ContainsFunc(list, func(b vault.BackupInfo) bool { return b.Accounts >= 0 })
	for _, b := range list {
		when := "unknown-time"
		if !b.Time.IsZero() {
			when = b.Time.UTC().Format(time.RFC3339)
		}
		what := fmt.Sprintf("%d %s", b.Accounts, wording.Plural(b.Accounts, "account", "accounts"))
		switch {
		case locked:
			what = "accounts not counted"
		case b.Accounts < 0:
			what = "does not open with this vault's key or password"
		}
		fmt.Fprintf(env.Stdout, "%s\t%s\t%s\n", b.Path, when, what)
	}
	if locked {
		fmt.Fprintln(env.Stderr, "authdesk-cli: note: the keychain did not provide the vault key; pass --password-stdin and the vault password to count the accounts")
	}
	return nil
}

// runRestore copies a backup over the vault, keeping the replaced file
// beside it. Without an argument it picks the newest backup that opens with
// the keychain key or the password; backups sealed with another password
// (kept by a password change it could not finish) are passed over.
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
	opts := vaultOptions()
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
		var pw []byte
		if g.PasswordStdin {
			if pw, err = readPassword(env, g, "", false); err != nil {
				return err
			}
		}
		if backup, n, err = newestThatOpens(path, pw, opts); err != nil {
			return err
		}
		if backup == "" && pw == nil {
			if pw, err = readPassword(env, g, "Vault password: ", false); err != nil {
				if errors.Is(err, errNoTerminal) {
					return usagef("the keychain does not hold the key: pass --password-stdin and the vault password on standard input")
				}
				return err
			}
			if backup, n, err = newestThatOpens(path, pw, opts); err != nil {
				return err
			}
		}
		if backup == "" {
			return fmt.Errorf("no backup in %s opens with the keychain key or this password (wrong password?)", vault.BackupDir(path))
		}
	}
	kept, err := vault.RestoreBackup(path, backup, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "restored %s from %s (%d %s)\n", path, backup, n, wording.Plural(n, "account", "accounts"))
	if kept != "" {
		fmt.Fprintf(env.Stderr, "the replaced file is kept as %s\n", kept)
	}
	return nil
}

// newestThatOpens returns the newest backup of the vault at path that opens
// with the keychain key or pw, and how many accounts it holds; "" if none.
func newestThatOpens(path string, pw []byte, opts vault.Options) (string, int, error) {
	list, err := vault.BackupList(path, pw, opts)
	if err != nil {
		return "", 0, err
	}
	if len(list) == 0 {
		return "", 0, fmt.Errorf("there are no backups in %s", vault.BackupDir(path))
	}
	for _, b := range list {
		if b.Accounts >= 0 {
			return b.Path, b.Accounts, nil
		}
	}
	return "", 0, nil
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
