//go:build !front

package cli

import (
	"flag"
	"fmt"
)

func init() {
	register("remove", removeSummary, runRemove)
}

func runRemove(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("remove", flag.ContinueOnError)
	v, a, err := openNamedAccount(env, g, fs, args, "authdesk-cli remove NAME")
	if err != nil {
		return err
	}
	defer v.Close()
	if err := v.Remove(a.ID); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "removed %s\n", a.Title())
	return nil
}
