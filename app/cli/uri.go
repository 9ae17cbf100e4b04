//go:build !front

package cli

import (
	"flag"
	"fmt"
	"strings"

	"authdesk/vault"
	"authdesk/vault/otpauth"
)

func init() {
	register("uri", uriSummary, runURI)
}

// redacted replaces the secret in printed URIs. It is not base32, so a
// redacted URI pasted back into authdesk fails loudly instead of importing a
// wrong key.
const redacted = "REDACTED*"

func runURI(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("uri", flag.ContinueOnError)
	show := fs.Bool("show-secret", false, "include the secret")
	v, a, err := openNamedAccount(env, g, fs, args, "authdesk-cli uri [--show-secret] NAME")
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
