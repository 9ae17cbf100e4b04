package cli

import (
	"flag"
	"fmt"
	"strings"

	"authdesk/vault"
	"authdesk/vault/otpauth"
)

func init() {
	register("uri", "print the otpauth URI of account NAME (secret redacted unless --show-secret)", runURI)
}

// redacted replaces the secret in printed URIs. It is not base32, so a
// redacted URI pasted back into authdesk fails loudly instead of importing a
// wrong key.
const redacted = "REDACTED*"

func runURI(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("uri", flag.ContinueOnError)
	show := fs.Bool("show-secret", false, "include the secret")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("need exactly one account NAME (usage: authdesk-cli uri [--show-secret] NAME)")
	}
	v, a, err := openAccount(env, g, pos[0])
	if err != nil {
		return err
	}
	defer v.Close()
	u := otpauth.Format(a)
	if !*show {
		u = strings.Replace(u, "secret="+vault.EncodeSecret(a.Secret), "secret="+redacted, 1)
	}
	fmt.Fprintln(env.Stdout, u)
	return nil
}
