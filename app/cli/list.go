//go:build !front

package cli

import (
	"flag"
	"fmt"
	"strings"

	"authdesk/vault"
)

func init() {
	register("list", listSummary, runList)
}

func runList(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	favs := fs.Bool("favorites", false, "list only the starred accounts (see authdesk-cli favorite)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	accts, err := readAccounts(env, g)
	if err != nil {
		return err
	}
	switch {
	case len(accts) == 0:
		fmt.Fprintln(env.Stderr, "the vault is empty: add accounts with authdesk-cli add or import")
	case *favs:
		if accts = vault.Favorites(accts); len(accts) == 0 {
			fmt.Fprintln(env.Stderr, "no account is starred: star one with authdesk-cli favorite NAME")
		}
	}
	for _, a := range accts {
		fmt.Fprintf(env.Stdout, "%s\t%s\t%s\n", oneLine(a.Issuer), oneLine(a.Name), a.Type)
	}
	return nil
}

// oneLine keeps a name on its line and in its column, and keeps terminal
// escape sequences out (Validate refuses control characters, but a file
// written by another program might hold them).
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}
