//go:build !front

package cli

import (
	"flag"
	"fmt"
)

func init() {
	register("favorite", favoriteSummary, runFavorite)
}

func runFavorite(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("favorite", flag.ContinueOnError)
	off := fs.Bool("off", false, "unstar the account instead")
	v, a, err := openNamedAccount(env, g, fs, args, "authdesk-cli favorite NAME [--off]")
	if err != nil {
		return err
	}
	defer v.Close()
	if err := v.SetFavorite(a.ID, !*off); err != nil {
		return err
	}
	verb := "starred"
	if *off {
		verb = "unstarred"
	}
	fmt.Fprintf(env.Stderr, "%s %s\n", verb, a.Title())
	return nil
}
