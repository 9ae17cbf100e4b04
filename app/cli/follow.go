//go:build !lean && !front

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"authdesk/vault"
	"authdesk/vault/follow"
	"authdesk/vault/keychain"
	"authdesk/vault/transfer"
)

func init() {
	register("follow", followSummary, runFollow)
}

// followFlags are the flags of follow.
type followFlags struct {
	dir, pwFile        string
	once, apply        bool
	remember, forget   bool
	printedFingerprint string // the last diff printed while watching
}

// runFollow compares the newest backup in DIR with the last one applied
// (see vault/follow) and prints
//
//	new N, changed N, removed N
//
// on stdout, the names on stderr; --apply makes the changes in the vault.
// With --once it checks once and exits; else it watches DIR and checks on
// every change until SIGINT or SIGTERM, printing each new backup's diff.
func runFollow(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("follow", flag.ContinueOnError)
	var ff followFlags
	fs.StringVar(&ff.dir, "folder", "", "the folder `DIR` where Aegis or 2FAS writes its automatic backups")
	fs.BoolVar(&ff.once, "once", false, "check the newest backup once and exit")
	fs.BoolVar(&ff.apply, "apply", false, "make the changes in the vault (without it, follow only prints them)")
	fs.StringVar(&ff.pwFile, "import-password-file", "", "read the password of encrypted backups from `FILE` (its first line; mode 0600)")
	fs.BoolVar(&ff.remember, "remember-password", false, "keep the backup password in the OS keychain, so that later runs need no password file")
	fs.BoolVar(&ff.forget, "forget-password", false, "remove the backup password from the keychain, and exit")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if ff.dir == "" && !ff.forget {
		return usagef("--folder DIR is needed: the folder where Aegis or 2FAS writes its automatic backups")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if ff.pwFile != "" {
		if err := checkPrivateFile(ff.pwFile); err != nil {
			return err
		}
	}
	path, err := vaultPath(env, g)
	if err != nil {
		return err
	}
	if !ff.forget {
		if err := follow.CheckFolder(ff.dir, path); err != nil {
			return usagef("%v", err)
		}
	}
	v, err := openVault(env, g)
	if err != nil {
		return err
	}
	defer v.Close()
	if ff.forget {
		return forgetFollowPassword(env, v)
	}
	if ff.once {
		return ff.check(env, v, true)
	}
	fmt.Fprintf(env.Stderr, "following %s until interrupted\n", ff.dir)
	return follow.Watch(ctx, ff.dir, follow.WatchOptions{}, func() {
		if err := ff.check(env, v, false); err != nil {
			fmt.Fprintf(env.Stderr, "authdesk-cli follow: %v\n", err)
		}
	})
}

// check reads the newest backup, prints its diff and applies it with
// --apply. While watching (!always) a diff is printed once, and an
// empty one not at all.
func (ff *followFlags) check(env *Env, v *vault.Vault, always bool) error {
	if _, err := v.Reload(); err != nil {
		return err
	}
	name, err := follow.Newest(ff.dir)
	if err != nil {
		if !always && errors.Is(err, follow.ErrNoBackup) {
			return nil
		}
		return err
	}
	pw := followPassword{ff: ff, env: env, v: v}
	b, err := follow.ReadBackup(ff.dir, name, pw.get)
	if err != nil {
		return followError(err)
	}
	pw.remember()
	statePath := follow.StatePath(v.Path())
	st, err := follow.LoadState(statePath)
	if err != nil {
		return err
	}
	d := follow.Compare(st, ff.dir, b, v.Accounts())
	fp := name + "\x00" + d.Summary() + fmt.Sprint(d.Changed, d.New, d.Removed)
	if !always && (d.Empty() || fp == ff.printedFingerprint) {
		return nil
	}
	ff.printedFingerprint = fp
	printFollowDiff(env, b, d)
	if d.Empty() || !ff.apply {
		if !d.Empty() {
			fmt.Fprintln(env.Stderr, "not applied: run follow with --apply to make these changes in the vault")
		}
		return nil
	}
	rep, notes, err := follow.Apply(v, d, statePath)
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(env.Stderr, n)
	}
	fmt.Fprintf(env.Stderr, "applied %s: added %d, changed %d, removed %d in the vault\n", b.Name, len(rep.Added), len(rep.Changed), len(rep.Removed))
	return nil
}

// printFollowDiff prints the summary line on stdout, what it counts on
// stderr.
func printFollowDiff(env *Env, b *follow.Backup, d follow.Diff) {
	fmt.Fprintln(env.Stdout, d.Summary())
	fmt.Fprintf(env.Stderr, "on your phone, in %s:\n", b.Name)
	for _, e := range d.New {
		fmt.Fprintf(env.Stderr, "new %s\n", printable(e.Account.Title()))
	}
	for _, e := range d.Changed {
		fmt.Fprintf(env.Stderr, "changed %s\n", printable(e.Account.Title()))
	}
	for _, r := range d.Removed {
		fmt.Fprintf(env.Stderr, "removed %s\n", r)
	}
	for _, n := range b.Notes {
		fmt.Fprintln(env.Stderr, printable(n))
	}
}

// followError is a bad backup's error: its reason's words first, exit 2,
// and nothing applied.
func followError(err error) error {
	for _, s := range transfer.Sentinels() {
		if errors.Is(err, s) {
			msg := firstLine(err.Error())
			if s == transfer.ErrPasswordRequired {
				msg += "; pass --import-password-file FILE (add --remember-password to keep it in the keychain)"
			}
			return usagef("%s; nothing was applied", msg)
		}
	}
	return err
}

// followPassword finds the password of an encrypted backup: the file,
// else the keychain (when remembered), else the terminal with --once.
type followPassword struct {
	ff    *followFlags
	env   *Env
	v     *vault.Vault
	typed []byte // asked or read, to remember once it opened a backup
}

func (p *followPassword) get() ([]byte, error) {
	if p.ff.pwFile != "" {
		pw, err := readSecretFile(p.ff.pwFile)
		p.typed = pw
		return pw, err
	}
	if s, err := (keychain.System{}).Get(follow.PasswordKey(p.v.ID())); err == nil {
		return []byte(s), nil
	}
	if f, ok := p.env.Stdin.(*os.File); ok && p.ff.once && isTerminal(f) {
		pw, err := promptPassword(f, p.env.Stderr, "Password of the phone's backups: ")
		p.typed = pw
		return pw, err
	}
	return nil, transfer.ErrPasswordRequired
}

// remember keeps a password that opened a backup in the keychain, with
// --remember-password only.
func (p *followPassword) remember() {
	if !p.ff.remember || p.typed == nil {
		return
	}
	if err := (keychain.System{}).Set(follow.PasswordKey(p.v.ID()), string(p.typed)); err != nil {
		fmt.Fprintf(p.env.Stderr, "authdesk-cli: note: the backup password is not in the keychain (%v); keep passing --import-password-file\n", err)
		return
	}
	fmt.Fprintln(p.env.Stderr, "the backup password is in the keychain: later runs need no password file")
	p.typed = nil
}

// forgetFollowPassword removes the remembered backup password.
func forgetFollowPassword(env *Env, v *vault.Vault) error {
	err := (keychain.System{}).Delete(follow.PasswordKey(v.ID()))
	switch {
	case errors.Is(err, keychain.ErrNotFound):
		fmt.Fprintln(env.Stderr, "the keychain holds no backup password for this vault")
	case err != nil:
		return err
	default:
		fmt.Fprintln(env.Stderr, "removed the backup password from the keychain")
	}
	return nil
}

// checkPrivateFile refuses a password file other users may read.
func checkPrivateFile(name string) error {
	fi, err := os.Stat(name)
	if err != nil {
		return usagef("%v", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return usagef("the password file %s can be read by other users (mode %#o): run chmod 600 %s", name, fi.Mode().Perm(), name)
	}
	return nil
}
