//go:build !front

package cli

import (
	"flag"
	"fmt"
	"os"

	"authdesk/vault"
	"authdesk/vault/icons"
	"authdesk/vault/icons/picture"
)

func init() {
	register("icon", iconSummary, runIcon)
}

func runIcon(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("icon", flag.ContinueOnError)
	slug := fs.String("slug", "", "show the built-in icon `SLUG`")
	file := fs.String("file", "", "show the PNG, JPEG or SVG picture `FILE` (at most 64 KiB)")
	none := fs.Bool("none", false, "show initials, whatever the issuer")
	auto := fs.Bool("auto", false, "show the built-in icon the issuer matches (the default)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	const usage = "authdesk-cli icon NAME [--slug SLUG | --file FILE | --none | --auto]"
	if len(pos) != 1 {
		return usagef("need exactly one account NAME (usage: %s)", usage)
	}
	set := 0
	for _, b := range []bool{*slug != "", *file != "", *none, *auto} {
		if b {
			set++
		}
	}
	if set > 1 {
		return usagef("give one of --slug, --file, --none and --auto (usage: %s)", usage)
	}
	lib := iconLibrary(env)
	var choice *vault.Icon
	switch {
	case *slug != "":
		if choice, err = iconBySlug(lib, *slug); err != nil {
			return err
		}
	case *file != "":
		data, mime, err := picture.ReadImageFile(*file)
		if err != nil {
			return usagef("%v", err)
		}
		choice = &vault.Icon{MIME: mime, Data: data}
	case *none:
		choice = &vault.Icon{Initials: true}
	}
	v, a, err := openAccount(env, g, pos[0])
	if err != nil {
		return err
	}
	defer v.Close()
	if set == 0 {
		fmt.Fprintln(env.Stdout, describeIcon(lib, a))
		return nil
	}
	if err := v.SetIcon(a.ID, choice); err != nil {
		return err
	}
	a.Icon = choice
	fmt.Fprintf(env.Stderr, "icon of %s: %s\n", a.Title(), describeIcon(lib, a))
	return nil
}

// iconLibrary is the built-in pack: $AUTHDESK_ICONS, the data directories,
// beside the executable.
func iconLibrary(env *Env) *icons.Library {
	exe, _ := os.Executable()
	return icons.NewLibrary(icons.Dirs(env.Getenv, exe))
}

func iconBySlug(lib *icons.Library, slug string) (*vault.Icon, error) {
	set, err := lib.Set()
	if err != nil {
		return nil, err
	}
	if lib.Dir() == "" {
		return nil, usagef("no icon pack found: build one with make icons and point %s at it", icons.EnvDir)
	}
	if _, ok := set.Lookup(slug); !ok {
		return nil, usagef("unknown icon %q: the pack in %s has no such slug", slug, lib.Dir())
	}
	return &vault.Icon{Slug: slug}, nil
}

// describeIcon is the line `authdesk-cli icon NAME` prints.
func describeIcon(lib *icons.Library, a vault.Account) string {
	switch ic := a.Icon; {
	case ic == nil:
		set, _ := lib.Set() // a broken pack is an empty set: initials
		if m, ok := set.Match(a.Issuer); ok {
			return "auto " + m.Slug
		}
		return "initials"
	case ic.Slug != "":
		return "slug " + ic.Slug
	case ic.Data != nil:
		return fmt.Sprintf("file %s %d", ic.MIME, len(ic.Data))
	}
	return "initials"
}
