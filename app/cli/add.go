//go:build !front

package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"authdesk/vault"
	"authdesk/vault/otpauth"
)

func init() {
	register("add", addSummary, runAdd)
}

// addFlags maps the fields of vault.Manual to the flags that set them.
var addFlags = map[string]string{"issuer": "--issuer or --account", "secret": "--secret", "type": "--type",
	"algorithm": "--algorithm", "digits": "--digits", "period": "--period", "counter": "--counter"}

func runAdd(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("add", flag.ContinueOnError)
	uri := fs.String("uri", "", "otpauth:// URI; - reads it from stdin (safer: the argument is visible in ps and the shell history)")
	issuer := fs.String("issuer", "", "service name")
	account := fs.String("account", "", "account name")
	secret := fs.String("secret", "", "base32 secret; - reads it from stdin (safer: the argument is visible in ps and the shell history)")
	typ := fs.String("type", "totp", "totp, hotp or steam")
	alg := fs.String("algorithm", "SHA1", "SHA1, SHA256 or SHA512")
	digits := fs.Int("digits", 0, "6, 7 or 8 (5 for steam)")
	period := fs.Int("period", 30, "seconds")
	counter := fs.Uint64("counter", 0, "HOTP counter")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := checkAddFlags(set, *issuer, *account); err != nil {
		return err
	}

	// A value on stdin comes after the password line.
	var pw []byte
	var err error
	if (*uri == "-" || *secret == "-") && g.PasswordStdin {
		if pw, err = readPassword(env, g, "", false); err != nil {
			return err
		}
	}
	if *uri == "-" {
		if *uri, err = stdinValue(env, g, "uri"); err != nil {
			return err
		}
	}
	if *secret == "-" {
		if *secret, err = stdinValue(env, g, "secret"); err != nil {
			return err
		}
	}

	var a vault.Account
	if set["uri"] {
		if otpauth.IsMigration(*uri) {
			return usagef("this is a Google Authenticator export: use authdesk-cli import")
		}
		if a, err = otpauth.Parse(*uri); err != nil {
			return usagef("%v", err)
		}
	} else {
		m := vault.Manual{Issuer: *issuer, Name: *account, Secret: *secret, Type: vault.Type(*typ),
			Algorithm: vault.Algorithm(*alg), Digits: *digits, Counter: *counter}
		// --period has a default, which HOTP accounts do not take.
		if set["period"] || !isType(*typ, vault.HOTP) {
			m.Period = *period
		}
		if a, err = m.Account(); err != nil {
			var me *vault.ManualError
			if errors.As(err, &me) {
				p := me.Problems[0]
				if f := addFlags[p.Field]; f != "" {
					return usagef("%s: %v", f, p.Err)
				}
			}
			return usagef("%v", err)
		}
	}

	v, err := openVaultWith(env, g, pw)
	if err != nil {
		return err
	}
	defer v.Close()
	if dup, ok := v.FindBySecret(a.Secret); ok {
		return fmt.Errorf("this secret is already in the vault as %s", dup.Title())
	}
	added, err := v.Add(a)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "added %s\n", added[0].Title())
	return nil
}

// checkAddFlags refuses flag combinations add cannot use: set holds the
// flags given.
func checkAddFlags(set map[string]bool, issuer, account string) error {
	if set["uri"] {
		for _, n := range []string{"issuer", "account", "secret", "type", "algorithm", "digits", "period", "counter"} {
			if set[n] {
				return usagef("--%s cannot be combined with --uri", n)
			}
		}
		return nil
	}
	if !set["secret"] {
		return usagef("need --uri URI, or --secret KEY with --issuer and/or --account")
	}
	if issuer == "" && account == "" {
		return usagef("need --issuer or --account to name the account")
	}
	return nil
}

func isType(s string, t vault.Type) bool { return vault.Type(strings.ToLower(s)) == t }
