//go:build !lean && !front

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"authdesk/app/wording"
	"authdesk/vault"
	"authdesk/vault/replica"
)

func init() {
	register("sync", syncSummary, runSync)
}

// runSync merges the vault with its replica DIR/authdesk-<vault id>.age
// both ways (see vault/replica): once with --once, else on every change
// until SIGINT or SIGTERM. Where no vault exists yet it is made from the
// replica in DIR, opened with the vault password (stdin or terminal): how a
// second computer joins.
func runSync(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	dir := fs.String("folder", "", "the synced folder `DIR` that holds the replica")
	once := fs.Bool("once", false, "merge both ways once, print the report and exit")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("--folder DIR is needed: the folder your sync engine shares")
	}
	// Catch signals first, so that a SIGTERM early on still ends cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	path, err := vaultPath(env, g)
	if err != nil {
		return err
	}
	if err := replica.CheckDir(*dir, path); err != nil {
		return err
	}
	v, err := openOrJoin(env, g, path, *dir)
	if err != nil {
		return err
	}
	defer v.Close()
	f := replica.Folder{Dir: *dir}
	if *once {
		res, err := f.Sync(v)
		if errors.Is(err, replica.ErrOtherKey) {
			if err = adoptKey(env, g, v, *dir); err == nil {
				res, err = f.Sync(v)
			}
		}
		printSync(env, res, err == nil)
		return err
	}
	fmt.Fprintf(env.Stderr, "syncing %s with %s until interrupted\n", path, *dir)
	for {
		err := f.Run(ctx, v, replica.RunOptions{}, func(res replica.Result, err error) {
			if err != nil {
				fmt.Fprintf(env.Stderr, "authdesk-cli sync: %v\n", err)
				return
			}
			if !res.Report.Empty() || res.ReplicaWritten || len(res.Moved) > 0 {
				printSync(env, res, true)
			}
		})
		if !errors.Is(err, replica.ErrOtherKey) {
			return err
		}
		if err := adoptKey(env, g, v, *dir); err != nil {
			return err
		}
	}
}

// adoptKey takes over the key of the replica in dir, sealed with a new
// password on another computer: the new password is the next line of stdin
// (after the vault's with --password-stdin), or asked on a terminal.
func adoptKey(env *Env, g *Globals, v *vault.Vault, dir string) error {
	fmt.Fprintln(env.Stderr, "the vault password was changed on another computer: the new password opens the replica")
	pw, err := readPassword(env, g, "New vault password: ", false)
	if errors.Is(err, errNoTerminal) {
		pw, err = readPassword(env, &Globals{PasswordStdin: true}, "", false)
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return usagef("the replica in %s is sealed with a new password, which is needed: give it on the next line of standard input (after the vault's with --password-stdin), or run sync on a terminal", dir)
	}
	if err != nil {
		return err
	}
	res, err := v.AdoptKey(filepath.Join(dir, replica.Name(v.ID())), pw)
	if errors.Is(err, vault.ErrWrongPassword) {
		return fmt.Errorf("that is not the new password of the replica in %s; nothing was changed", dir)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "took over the new password and key; re-encrypted %d %s\n", len(res.Reencrypted), wording.Plural(len(res.Reencrypted), "backup", "backups"))
	return nil
}

// printSync prints the result of one sync: the merge report and whether the
// replica was written on stdout, the conflict copies on stderr.
func printSync(env *Env, res replica.Result, ok bool) {
	for _, s := range res.Skipped {
		fmt.Fprintf(env.Stderr, "left alone: %s\n", s)
	}
	if !ok {
		return
	}
	printMergeReport(env, res.Report)
	if res.ReplicaWritten {
		fmt.Fprintf(env.Stdout, "replica written: %s\n", res.Replica)
	} else {
		fmt.Fprintf(env.Stdout, "replica unchanged: %s\n", res.Replica)
	}
	for _, m := range res.Moved {
		fmt.Fprintf(env.Stderr, "merged the conflict copy %s and moved it to %s\n", filepath.Base(m.From), m.To)
	}
}

// openOrJoin opens the vault at path, or, when there is none, makes it
// from the one replica in dir.
func openOrJoin(env *Env, g *Globals, path, dir string) (*vault.Vault, error) {
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		return openVault(env, g)
	}
	found, err := replica.Find(dir)
	if err != nil {
		return nil, err
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("there is no vault at %s and no replica in %s to join: run \"authdesk-cli init\" and sync on one computer first, or pass the folder your other computer syncs", path, dir)
	case 1:
	default:
		return nil, fmt.Errorf("there is no vault at %s, and %s holds %d replicas (%s): keep one vault per synced folder", path, dir, len(found), strings.Join(found, ", "))
	}
	pw, err := readPassword(env, g, "Vault password: ", false)
	if errors.Is(err, errNoTerminal) {
		return nil, fmt.Errorf("to join the vault in %s its password is needed: pass --password-stdin and the password on standard input", dir)
	}
	if err != nil {
		return nil, err
	}
	tightened, err := vault.SecureDir(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	if tightened {
		fmt.Fprintf(env.Stderr, "made the folder %s private (mode 0700): other users could read or write it\n", filepath.Dir(path))
	}
	v, err := vault.Join(path, found[0], pw, vaultOptions())
	if errors.Is(err, vault.ErrWrongPassword) {
		return nil, fmt.Errorf("wrong password for the vault in %s: check it and try again", dir)
	}
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(env.Stderr, "joined the vault from %s: %d accounts, now at %s\n", found[0], len(v.Accounts()), path)
	if kerr := v.KeychainError(); kerr != nil {
		fmt.Fprintf(env.Stderr, "authdesk-cli: note: the vault key is not in the keychain (%v); keep using --password-stdin\n", kerr)
	}
	return v, nil
}
