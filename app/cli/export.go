//go:build !lean && !front

package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"authdesk/vault/transfer"
)

func init() {
	register("export", exportSummary, runExport)
}

// runExport writes the accounts to stdout, or to -o FILE created with mode
// 0600. --format aegis with --export-password-file writes an encrypted
// Aegis vault; --format ga-migration writes one migration line per batch of
// ten and, with --qr DIR, one PNG a batch, naming the accounts the format
// cannot carry on stderr.
func runExport(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	format := fs.String("format", "", "`FORMAT`: "+formatList(transfer.ExportFormats))
	pwFile := fs.String("export-password-file", "", "encrypt the Aegis export with the password in `FILE` (its first line)")
	qrDir := fs.String("qr", "", "with ga-migration: write one QR code PNG per batch into `DIR`")
	out := fs.String("o", "", "write to `FILE` (mode 0600) instead of standard output")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	const usage = "usage: authdesk-cli export --format otpauth|aegis|ga-migration [--export-password-file F] [--qr DIR] [-o FILE]"
	f := transfer.Format(*format)
	switch {
	case *format == "":
		return usagef("--format is required (%s)", usage)
	case !slices.Contains(transfer.ExportFormats, f):
		return usagef("unknown format %q (want %s)", *format, formatList(transfer.ExportFormats))
	case *pwFile != "" && f != transfer.Aegis:
		return usagef("--export-password-file goes with --format aegis only")
	case *qrDir != "" && f != transfer.GoogleMig:
		return usagef("--qr goes with --format ga-migration only")
	}
	var password []byte
	if *pwFile != "" {
		var err error
		if password, err = readSecretFile(*pwFile); err != nil {
			return err
		}
	}
	accts, err := readAccounts(env, g)
	if err != nil {
		return err
	}

	var b bytes.Buffer
	w, err := transfer.Write(&b, f, accts, transfer.WriteOptions{Password: password})
	if err != nil {
		return err
	}
	for _, s := range w.Skipped {
		fmt.Fprintln(env.Stderr, s)
	}
	if *qrDir != "" {
		if err := writeQRCodes(*qrDir, w.Lines); err != nil {
			return err
		}
	}
	if *out == "" {
		_, err = env.Stdout.Write(b.Bytes())
		return err
	}
	return transfer.WriteFile(*out, b.Bytes())
}

// writeQRCodes writes DIR/authdesk-migration-I-of-N.png for each line; DIR
// is created 0700 when missing, the files 0600 (they hold secrets).
func writeQRCodes(dir string, lines []string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for i, l := range lines {
		png, err := transfer.QRPNG(l)
		if err != nil {
			return err
		}
		name := filepath.Join(dir, fmt.Sprintf("authdesk-migration-%d-of-%d.png", i+1, len(lines)))
		if err := transfer.WriteFile(name, png); err != nil {
			return err
		}
	}
	return nil
}
