package cli

import (
	"flag"
	"fmt"
	"strconv"
	"time"

	"authdesk/vault"
	"authdesk/vault/otpauth"
)

func init() {
	register("code", "print the current code of account NAME, or of --uri URI [--at UNIXSECONDS]", runCode)
}

// runCode prints a code alone on stdout. For an HOTP account it then
// advances the stored counter, since a shown HOTP code counts as used.
func runCode(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("code", flag.ContinueOnError)
	uri := fs.String("uri", "", "otpauth:// URI (the vault is not opened)")
	at := fs.String("at", "", "Unix time in seconds (default: now)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	t := time.Now()
	if *at != "" {
		n, err := strconv.ParseInt(*at, 10, 64)
		if err != nil || n < 0 {
			return usagef("--at %q: want a Unix time in seconds, 0 or more", *at)
		}
		t = time.Unix(n, 0)
	}
	if *uri != "" {
		if len(pos) > 0 {
			return usagef("give NAME or --uri, not both")
		}
		a, err := otpauth.Parse(*uri)
		if err != nil {
			return usagef("%v", err)
		}
		code, err := a.Code(t)
		if err != nil {
			return usagef("%v", err)
		}
		fmt.Fprintln(env.Stdout, code)
		return nil
	}
	switch len(pos) {
	case 0:
		return usagef("need an account NAME or --uri URI (usage: authdesk-cli code NAME | --uri URI [--at UNIXSECONDS])")
	case 1:
	default:
		return usagef("too many arguments: give one NAME (quote names with spaces)")
	}
	v, a, err := openAccount(env, g, pos[0])
	if err != nil {
		return err
	}
	defer v.Close()
	if a.Type == vault.HOTP {
		// The counter as it is on disk now, under the lock: another
		// program may have used codes since the vault was opened.
		if a, err = v.AdvanceCounter(a.ID); err != nil {
			return err
		}
	}
	code, err := a.Code(t)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Title(), err)
	}
	fmt.Fprintln(env.Stdout, code)
	return nil
}
