//go:build !front

package cli

import (
	"errors"
	"flag"
	"fmt"

	"authdesk/vault"
)

func init() {
	register("merge", mergeSummary, runMerge)
}

// runMerge merges the vault file FILE into the vault with vault.Merge. FILE
// opens with the vault's key when it is a copy of this vault (a replica, a
// conflict copy, a backup), else with its own password: the next line of
// stdin (after the vault's with --password-stdin), or asked on a terminal.
func runMerge(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("merge", flag.ContinueOnError)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("need exactly one vault FILE (usage: authdesk-cli merge FILE)")
	}
	file := pos[0]
	v, err := openVault(env, g)
	if err != nil {
		return err
	}
	defer v.Close()
	otherKey := false
	rep, err := v.Exchange(func(k vault.Key) ([]vault.Snapshot, error) {
		b, err := vault.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		s, _, err := k.Decode(b)
		if errors.Is(err, vault.ErrOtherKey) {
			otherKey = true
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		return []vault.Snapshot{s}, nil
	}, nil)
	if err != nil {
		return err
	}
	if otherKey {
		if rep, err = mergeWithPassword(env, g, v, file); err != nil {
			return err
		}
	}
	printMergeReport(env, rep)
	return nil
}

// mergeWithPassword merges FILE, sealed with another key, opened with its
// password from stdin.
func mergeWithPassword(env *Env, g *Globals, v *vault.Vault, file string) (vault.MergeReport, error) {
	pw, err := readPassword(env, g, "Password of "+file+": ", false)
	if errors.Is(err, errNoTerminal) {
		pw, err = readPassword(env, &Globals{PasswordStdin: true}, "", false)
	}
	if err != nil {
		return vault.MergeReport{}, fmt.Errorf("%s is sealed with another key, so its password is needed: %w", file, err)
	}
	s, err := vault.OpenSnapshot(file, pw, vaultOptions())
	if errors.Is(err, vault.ErrWrongPassword) {
		return vault.MergeReport{}, fmt.Errorf("wrong password for %s; nothing was merged", file)
	}
	if err != nil {
		return vault.MergeReport{}, err
	}
	return v.MergeSnapshot(s)
}

// printMergeReport prints what a merge changed in the vault: the counts on
// stdout (the line scripts read), the names on stderr.
func printMergeReport(env *Env, rep vault.MergeReport) {
	fmt.Fprintf(env.Stdout, "added %d, changed %d, removed %d\n", len(rep.Added), len(rep.Changed), len(rep.Removed))
	for _, l := range []struct {
		what  string
		names []string
	}{{"added", rep.Added}, {"changed", rep.Changed}, {"removed", rep.Removed}} {
		for _, n := range l.names {
			fmt.Fprintf(env.Stderr, "%s %s\n", l.what, n)
		}
	}
}
