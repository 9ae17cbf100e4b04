package cli

import (
	"bufio"
	"crypto/subtle"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"authdesk/vault"
	"authdesk/vault/migration"
	"authdesk/vault/otpauth"
)

func init() {
	register("import", "import otpauth:// and otpauth-migration:// URIs, one per line, from FILE or - (stdin)", runImport)
}

// maxImportLine bounds one line of an import file; a migration URI from a
// dense QR code is under 4 KiB.
const maxImportLine = 64 << 10

// runImport adds every account found in the file. Blank lines and lines
// starting with # are skipped; a line that does not parse is reported with
// its number and the others are still imported; accounts whose secret is
// already in the vault (or earlier in the file) are skipped and reported. It
// exits 2 when any line was bad.
func runImport(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("need one FILE, or - for standard input (usage: authdesk-cli import FILE|-)")
	}
	name := pos[0]

	// Open the vault first: with --password-stdin and "-", the password is
	// the first line of standard input and the URIs follow.
	v, err := openVault(env, g)
	if err != nil {
		return err
	}
	defer v.Close()

	var r io.Reader
	if name == "-" {
		r = env.stdin()
	} else {
		f, err := os.Open(name)
		if err != nil {
			return usagef("%v", err)
		}
		defer f.Close()
		r = f
	}

	reportLine := func(n int, format string, args ...any) {
		fmt.Fprintf(env.Stderr, "%s:%d: %s\n", name, n, fmt.Sprintf(format, args...))
	}
	accts, bad, err := parseImport(r, func(n int, msg string) { reportLine(n, "%s", msg) })
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}

	var dups int
	var add []vault.Account
	for _, f := range accts {
		if dup, ok := v.FindBySecret(f.a.Secret); ok {
			reportLine(f.line, "skipped %s: duplicate of %s already in the vault", f.a.Title(), dup.Title())
			dups++
			continue
		}
		if i := indexBySecret(add, f.a.Secret); i >= 0 {
			reportLine(f.line, "skipped %s: duplicate of %s earlier in the file", f.a.Title(), add[i].Title())
			dups++
			continue
		}
		add = append(add, f.a)
	}
	if len(add) > 0 {
		if _, err := v.Add(add...); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stderr, "imported %d %s, skipped %d %s, %d %s\n",
		len(add), plural(len(add), "account", "accounts"),
		dups, plural(dups, "duplicate", "duplicates"),
		bad, plural(bad, "error", "errors"))
	if bad > 0 {
		return &exitError{code: 2, msg: ""}
	}
	return nil
}

// importedAccount is an account read by parseImport, with its line number.
type importedAccount struct {
	line int
	a    vault.Account
}

// parseImport reads otpauth:// and otpauth-migration:// URIs, one per line,
// skipping blank lines and # comments. Each line that does not parse, and
// each account of an export that cannot be imported, is passed to report
// with its line number and counted in bad; the messages never quote a
// secret.
func parseImport(r io.Reader, report func(line int, msg string)) (accts []importedAccount, bad int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxImportLine)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if migration.IsMigration(line) {
			b, err := migration.Parse(line)
			if err != nil {
				report(lineNo, err.Error())
				bad++
				continue
			}
			for _, e := range b.Skipped {
				report(lineNo, e.Error())
				bad++
			}
			for _, a := range b.Accounts {
				accts = append(accts, importedAccount{lineNo, a})
			}
			continue
		}
		a, err := otpauth.Parse(line)
		if err != nil {
			report(lineNo, err.Error())
			bad++
			continue
		}
		accts = append(accts, importedAccount{lineNo, a})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, bad, fmt.Errorf("line %d is longer than %d bytes", lineNo+1, maxImportLine)
		}
		return nil, bad, fmt.Errorf("after line %d: %w", lineNo, err)
	}
	return accts, bad, nil
}

func indexBySecret(accts []vault.Account, secret []byte) int {
	found := -1
	for i, a := range accts {
		if len(a.Secret) == len(secret) && subtle.ConstantTimeCompare(a.Secret, secret) == 1 && found < 0 {
			found = i
		}
	}
	return found
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
