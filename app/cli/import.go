//go:build !lean && !front

package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"authdesk/app/wording"
	"authdesk/internal/safetext"
	"authdesk/scanner"
	"authdesk/vault"
	"authdesk/vault/transfer"
)

func init() {
	register("import", importSummary, runImport)
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
		if res, err = importFile(name, opts); err != nil {
			return err
		}
	}
	if v, err = openVault(env, g); err != nil {
		return err
	}
	defer v.Close()
	if res == nil {
		if res, err = importFrom(env.stdin(), opts); err != nil {
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

// importFile reads FILE with transfer.Import.
func importFile(name string, opts transfer.Options) (*transfer.Result, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("%v", err)
	}
	defer f.Close()
	return importFrom(f, opts)
}

// importFrom reads an export or an image with transfer.Import, the one way
// in that the desktop app shares: the same size limit, the same rule for
// images. Bad input exits 2 with the reason's words first; a scanned code
// that is not an authenticator payload is named on stdout with the notes.
func importFrom(r io.Reader, opts transfer.Options) (*transfer.Result, error) {
	opts.Scan = scanner.Bytes
	res, err := transfer.Import(r, opts)
	if err != nil {
		for _, s := range transfer.Sentinels() {
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
	if len(res.Accounts)+len(res.Duplicates) == 0 && len(res.Unread) > 0 {
		return nil, usagef("%s", firstLine(res.Unread[0].Err.Error()))
	}
	for _, u := range res.Unread {
		res.Skipped = append(res.Skipped, "skipped a QR code of the image: "+firstLine(u.Err.Error()))
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
func printable(s string) string { return safetext.Printable(s, 0) }
