package cli

import (
	"flag"
	"fmt"
	"strings"

	"authdesk/vault"
	"authdesk/vault/migration"
	"authdesk/vault/otpauth"
)

func init() {
	register("add", "add an account: --uri URI, or --issuer I --account A --secret KEY [...]", runAdd)
}

func runAdd(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("add", flag.ContinueOnError)
	uri := fs.String("uri", "", "otpauth:// URI")
	issuer := fs.String("issuer", "", "service name")
	account := fs.String("account", "", "account name")
	secret := fs.String("secret", "", "base32 secret")
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

	var a vault.Account
	var err error
	if set["uri"] {
		for _, n := range []string{"issuer", "account", "secret", "type", "algorithm", "digits", "period", "counter"} {
			if set[n] {
				return usagef("--%s cannot be combined with --uri", n)
			}
		}
		if migration.IsMigration(*uri) {
			return usagef("this is a Google Authenticator export: use authdesk-cli import")
		}
		if a, err = otpauth.Parse(*uri); err != nil {
			return usagef("%v", err)
		}
	} else {
		if *secret == "" {
			return usagef("need --uri URI, or --secret KEY with --issuer and/or --account")
		}
		if *issuer == "" && *account == "" {
			return usagef("need --issuer or --account to name the account")
		}
		if a.Secret, err = vault.DecodeSecret(*secret); err != nil {
			return usagef("--secret: %v", err)
		}
		a.Issuer, a.Name = strings.TrimSpace(*issuer), strings.TrimSpace(*account)
		switch t := vault.Type(strings.ToLower(*typ)); t {
		case vault.TOTP, vault.HOTP, vault.Steam:
			a.Type = t
		default:
			return usagef("--type %q: want totp, hotp or steam", *typ)
		}
		switch al := vault.Algorithm(strings.ToUpper(strings.ReplaceAll(*alg, "-", ""))); al {
		case vault.SHA1, vault.SHA256, vault.SHA512:
			a.Algorithm = al
		default:
			return usagef("--algorithm %q: want SHA1, SHA256 or SHA512", *alg)
		}
		if set["counter"] && a.Type != vault.HOTP {
			return usagef("--counter is only for --type hotp")
		}
		if set["period"] && a.Type == vault.HOTP {
			return usagef("--period is not for --type hotp")
		}
		a.Digits, a.Counter = *digits, *counter
		if a.Type != vault.HOTP {
			a.Period = *period
		}
		if a.Type == vault.Steam && a.Digits == 0 {
			a.Digits = vault.SteamDigits
		}
		if a.Digits == 0 {
			a.Digits = vault.DefaultDigits
		}
		if err := a.Validate(); err != nil {
			return usagef("%v", err)
		}
	}

	v, err := openVault(env, g)
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
