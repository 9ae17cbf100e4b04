//go:build !front

package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"authdesk/vault"
	"authdesk/vault/keychain"
)

// testWorkFactor, when non-zero, replaces the scrypt work factor of new
// password seals. Only the test binary sets it (in TestMain), so that
// scripts do not spend a second per init; the release binary has no way to
// lower it.
var testWorkFactor int

// vaultOptions are the options every command opens the vault with: the OS
// keychain, the real clock, the default work factor.
func vaultOptions() vault.Options {
	return vault.Options{Keychain: keychain.System{}, WorkFactor: testWorkFactor}
}

// vaultPath is --vault, else $AUTHDESK_VAULT, else the user config dir.
func vaultPath(env *Env, g *Globals) (string, error) {
	if g.Vault != "" {
		return g.Vault, nil
	}
	return vault.DefaultPath(env.Getenv)
}

// openVault opens the vault with the keychain key, falling back to the
// password: from stdin with --password-stdin, else from the terminal.
//
// With --password-stdin the first line of stdin is always the password, even
// when the keychain opens the vault and it is not needed, so that what
// follows it (import -, add --secret -, passwd) does not depend on the
// keychain.
func openVault(env *Env, g *Globals) (*vault.Vault, error) {
	return openVaultWith(env, g, nil)
}

// readAccounts is the vault's accounts, for a command that only reads
// them: it opens the vault as openVault does and closes it again.
func readAccounts(env *Env, g *Globals) ([]vault.Account, error) {
	v, err := openVault(env, g)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	return v.Accounts(), nil
}

// openVaultWith is openVault with the password already read (by a command
// that reads stdin after it); pw nil means not yet read.
func openVaultWith(env *Env, g *Globals, pw []byte) (*vault.Vault, error) {
	path, err := vaultPath(env, g)
	if err != nil {
		return nil, err
	}
	if g.PasswordStdin && pw == nil {
		if pw, err = readPassword(env, g, "", false); err != nil {
			return nil, err
		}
	}
	opts := vaultOptions()
	v, err := vault.Open(path, opts)
	switch {
	case err == nil:
		return v, nil
	case errors.Is(err, vault.ErrNoVault):
		return nil, fmt.Errorf("there is no vault at %s: create one with \"authdesk-cli init\", or pass --vault PATH", path)
	case errors.Is(err, vault.ErrCorrupt):
		// Without the keychain key no backup could be checked; with the
		// password, Unlock can name one that opens.
		var ce *vault.CorruptError
		if !errors.As(err, &ce) || ce.Backup != "" || !g.PasswordStdin {
			return nil, err
		}
	case !errors.Is(err, vault.ErrNeedPassword):
		return nil, err
	}
	why := strings.TrimPrefix(err.Error(), "open vault: "+vault.ErrNeedPassword.Error()+": ")
	if pw == nil {
		var perr error
		if pw, perr = readPassword(env, g, "Vault password: ", false); perr != nil {
			if errors.Is(perr, errNoTerminal) {
				return nil, fmt.Errorf("the keychain did not provide the vault key (%s); pass --password-stdin and the vault password on standard input", why)
			}
			return nil, perr
		}
	}
	v, err = vault.Unlock(path, pw, opts)
	switch {
	case errors.Is(err, vault.ErrWrongPassword):
		return nil, fmt.Errorf("wrong password for the vault %s: check it and try again", path)
	case err != nil:
		return nil, err
	}
	if kerr := v.KeychainError(); kerr != nil {
		fmt.Fprintf(env.Stderr, "authdesk-cli: note: the vault key is not in the keychain (%v); keep using --password-stdin\n", kerr)
	}
	return v, nil
}

var errNoTerminal = errors.New("standard input is not a terminal")

// maxValueLine bounds a value read from stdin: far above any secret or
// otpauth:// URI (whose fields are capped well below it).
const maxValueLine = 64 << 10

// stdinValue reads the value of a flag given as "-" (--secret -, --uri -):
// one line of standard input, so that secrets stay out of the shell history
// and of other users' ps. On a terminal it is read without echo. With
// --password-stdin the caller has read the password line first.
func stdinValue(env *Env, g *Globals, flagName string) (string, error) {
	if f, ok := env.Stdin.(*os.File); ok && !g.PasswordStdin && isTerminal(f) {
		b, err := promptPassword(f, env.Stderr, "--"+flagName+": ")
		if err != nil {
			return "", err
		}
		if len(b) == 0 {
			return "", usagef("--%s -: the line is empty", flagName)
		}
		return string(b), nil
	}
	var line []byte
	for {
		chunk, err := env.stdin().ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxValueLine {
			return "", usagef("--%s -: the line is longer than %d bytes", flagName, maxValueLine)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !(errors.Is(err, io.EOF) && len(line) > 0) {
			if errors.Is(err, io.EOF) {
				return "", usagef("--%s -: standard input has no line for it", flagName)
			}
			return "", fmt.Errorf("read --%s: %w", flagName, err)
		}
		break
	}
	v := strings.TrimRight(string(line), "\r\n")
	if v == "" {
		return "", usagef("--%s -: the line is empty", flagName)
	}
	return v, nil
}

// readPassword reads a password: the next line of stdin with
// --password-stdin, else from the terminal without echo (twice when
// confirm is set). confirm marks a new password: it must follow the
// vault's rule (vault.CheckPassword).
func readPassword(env *Env, g *Globals, prompt string, confirm bool) ([]byte, error) {
	if g.PasswordStdin {
		line, err := env.stdin().ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			if errors.Is(err, io.EOF) {
				return nil, usagef("--password-stdin: standard input is empty; write the password on its first line")
			}
			return nil, fmt.Errorf("read password: %w", err)
		}
		pw := strings.TrimRight(line, "\r\n")
		if pw == "" {
			return nil, usagef("--password-stdin: the password line is empty")
		}
		if confirm {
			return []byte(pw), checkNewPassword([]byte(pw))
		}
		return []byte(pw), nil
	}
	f, ok := env.Stdin.(*os.File)
	if !ok || !isTerminal(f) {
		return nil, errNoTerminal
	}
	pw, err := promptPassword(f, env.Stderr, prompt)
	if err != nil {
		return nil, err
	}
	if len(pw) == 0 {
		return nil, usagef("the password is empty")
	}
	if confirm {
		if err := checkNewPassword(pw); err != nil {
			return nil, err
		}
		again, err := promptPassword(f, env.Stderr, "Repeat the password: ")
		if err != nil {
			return nil, err
		}
		if string(again) != string(pw) {
			return nil, usagef("the two passwords differ")
		}
	}
	return pw, nil
}

// checkNewPassword applies the vault's password rule to a new password,
// before any work: a short one exits 2 with the rule.
func checkNewPassword(pw []byte) error {
	if err := vault.CheckPassword(pw); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// parseNoArgs parses the flags of a command that takes no other arguments
// (here, as every such command is one the front build leaves out).
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	return nil
}

// findOne resolves a NAME argument to exactly one account.
func findOne(v *vault.Vault, name string) (vault.Account, error) {
	m, err := v.Find(name)
	switch {
	case errors.Is(err, vault.ErrAmbiguous):
		titles := make([]string, len(m))
		for i, a := range m {
			titles[i] = a.Title()
		}
		return vault.Account{}, usagef("%q matches %d accounts: %s; use a longer name or ISSUER:ACCOUNT", name, len(m), strings.Join(titles, ", "))
	case errors.Is(err, vault.ErrNoMatch):
		return vault.Account{}, usagef("no account matches %q (see authdesk-cli list)", name)
	case err != nil:
		return vault.Account{}, err
	}
	return m[0], nil
}

// openNamedAccount is openAccount for a command that takes one account
// NAME after its flags: it parses args with fs first; usage is the
// command's synopsis for the error when there is no NAME or more than one.
func openNamedAccount(env *Env, g *Globals, fs *flag.FlagSet, args []string, usage string) (*vault.Vault, vault.Account, error) {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return nil, vault.Account{}, err
	}
	if len(pos) != 1 {
		return nil, vault.Account{}, usagef("need exactly one account NAME (usage: %s)", usage)
	}
	return openAccount(env, g, pos[0])
}

// openAccount opens the vault and finds the one account name matches (see
// findOne). The caller closes the vault.
func openAccount(env *Env, g *Globals, name string) (*vault.Vault, vault.Account, error) {
	v, err := openVault(env, g)
	if err != nil {
		return nil, vault.Account{}, err
	}
	a, err := findOne(v, name)
	if err != nil {
		v.Close()
		return nil, vault.Account{}, err
	}
	return v, a, nil
}
