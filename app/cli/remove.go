package cli

import (
	"flag"
	"fmt"
)

func init() {
	register("remove", "remove account NAME from the vault", runRemove)
}

func runRemove(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("remove", flag.ContinueOnError)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("need exactly one account NAME (usage: authdesk-cli remove NAME)")
	}
	v, a, err := openAccount(env, g, pos[0])
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
