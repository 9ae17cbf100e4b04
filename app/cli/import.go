package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"

	"authdesk/app/wording"
	"authdesk/scanner"
	"authdesk/vault"
	"authdesk/vault/transfer"
)

func init() {
	register("import", "import accounts from FILE or - (stdin): otpauth:// lists, Google Authenticator, Aegis, 2FAS, andOTP, Bitwarden", runImport)
}

// runImport adds every account of the file, or none: a file that cannot be
// read whole exits 2 with the reason's words (wrong password, damaged,
// unsupported version, malformed, not a known export format, password
// required) on the first line of stderr. Accounts already in the vault are
// skipped and counted. The summary goes to stdout:
//
//	imported N, skipped M duplicates
//	missing batch 2 of 3
//	skipped entry 9 (Yandex (ya)): Yandex codes are not supported
//
// The format is detected from the content unless --from names it. An image
// (a screenshot of Google Authenticator's export QR code) is scanned first.
func runImport(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	from := fs.String("from", "", "the file's `FORMAT` (default: detected): "+formatList(transfer.Formats))
	pwFile := fs.String("import-password-file", "", "read the password of an encrypted export from `FILE` (its first line)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("need one FILE, or - for standard input (usage: authdesk-cli import [--from FORMAT] [--import-password-file F] FILE|-)")
	}
	name := pos[0]
	if *from != "" && !slices.Contains(transfer.Formats, transfer.Format(*from)) {
		return usagef("unknown format %q for --from (want %s)", *from, formatList(transfer.Formats))
	}
	opts := transfer.Options{Format: transfer.Format(*from)}
	switch {
	case *pwFile != "":
		opts.Password = func() ([]byte, error) { return readSecretFile(*pwFile) }
	case name != "-":
		// The password of an encrypted file is asked on the terminal;
		// without one, Read says a password is required.
		if f, ok := env.Stdin.(*os.File); ok && !g.PasswordStdin && isTerminal(f) {
			opts.Password = func() ([]byte, error) { return promptPassword(f, env.Stderr, "Password of "+name+": ") }
		}
	}

	// A file is read and checked before the vault is opened, so that a bad
	// file is refused without waiting for the vault's password. Standard
	// input comes after the vault: with --password-stdin its first line is
	// the vault password.
	var (
		v   *vault.Vault
		res *transfer.Result
	)
	if name != "-" {
		data, err := readImportFile(name)
		if err != nil {
			return err
		}
		if res, err = readPayload(data, opts); err != nil {
			return err
		}
	}
	if v, err = openVault(env, g); err != nil {
		return err
	}
	defer v.Close()
	if res == nil {
		data, err := io.ReadAll(io.LimitReader(env.stdin(), transfer.MaxSize+1))
		if err != nil {
			return fmt.Errorf("read standard input: %w", err)
		}
		if res, err = readPayload(data, opts); err != nil {
			return err
		}
	}
	res.SkipExisting(v.Accounts())
	if len(res.Accounts) > 0 {
		if _, err := v.Add(res.Accounts...); err != nil {
			return err
		}
	}
	for _, d := range res.Duplicates {
		where := "already in the vault"
		if d.InFile {
			where = "earlier in the file"
		}
		fmt.Fprintf(env.Stderr, "skipped %s: duplicate of %s %s\n", printable(d.Account.Title()), printable(d.Of.Title()), where)
	}
	fmt.Fprintf(env.Stdout, "imported %d, skipped %s\n", len(res.Accounts), wording.Count(len(res.Duplicates), "duplicate", "duplicates"))
	for _, n := range res.Notes() {
		fmt.Fprintln(env.Stdout, n)
	}
	return nil
}

// readImportFile reads FILE, at most transfer.MaxSize bytes.
func readImportFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("%v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, transfer.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, nil
}

// readPayload reads an export with transfer.Read; an image is scanned for
// its QR codes first. Bad input exits 2.
func readPayload(data []byte, opts transfer.Options) (*transfer.Result, error) {
	if opts.Format == "" && strings.HasPrefix(http.DetectContentType(data), "image/") {
		payloads, err := scanner.Bytes(data)
		if err != nil {
			return nil, usagef("%s: %v", transfer.ErrUnknownFormat, err)
		}
		data = []byte(strings.Join(payloads, "\n"))
	}
	res, err := transfer.Read(data, opts)
	if err != nil {
		for _, s := range []error{transfer.ErrWrongPassword, transfer.ErrDamaged, transfer.ErrUnsupportedVersion,
			transfer.ErrMalformed, transfer.ErrUnknownFormat, transfer.ErrPasswordRequired} {
			if errors.Is(err, s) {
				msg := firstLine(err.Error())
				if s == transfer.ErrPasswordRequired {
					msg += "; pass --import-password-file FILE, or run on a terminal to be asked"
				}
				return nil, usagef("%s", msg)
			}
		}
		return nil, err
	}
	return res, nil
}

// readSecretFile returns the first line of a password file.
func readSecretFile(name string) ([]byte, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, usagef("%v", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return nil, usagef("the password file %s is empty", name)
	}
	return []byte(line), nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func formatList(fs []transfer.Format) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// printable makes a name from an imported file safe to print on a
// terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}
