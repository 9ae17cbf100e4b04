package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"authdesk/vault/transfer"
)

func init() {
	register("export", "export every account, secrets included: otpauth URIs, Aegis, Google Authenticator (--format)", runExport)
}

// exportFormats are the formats export writes.
var exportFormats = []transfer.Format{transfer.OTPAuth, transfer.Aegis, transfer.GoogleMig}

// runExport writes the accounts to stdout, or to -o FILE created with mode
// 0600. --format aegis with --export-password-file writes an encrypted
// Aegis vault; --format ga-migration writes one migration line per batch of
// ten and, with --qr DIR, one PNG a batch, naming the accounts the format
// cannot carry on stderr.
func runExport(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	format := fs.String("format", "", "`FORMAT`: "+formatList(exportFormats))
	pwFile := fs.String("export-password-file", "", "encrypt the Aegis export with the password in `FILE` (its first line)")
	qrDir := fs.String("qr", "", "with ga-migration: write one QR code PNG per batch into `DIR`")
	out := fs.String("o", "", "write to `FILE` (mode 0600) instead of standard output")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	const usage = "usage: authdesk-cli export --format otpauth|aegis|ga-migration [--export-password-file F] [--qr DIR] [-o FILE]"
	switch {
	case *format == "":
		return usagef("--format is required (%s)", usage)
	case transfer.Format(*format) != transfer.OTPAuth && transfer.Format(*format) != transfer.Aegis && transfer.Format(*format) != transfer.GoogleMig:
		return usagef("unknown format %q (want %s)", *format, formatList(exportFormats))
	case *pwFile != "" && transfer.Format(*format) != transfer.Aegis:
		return usagef("--export-password-file goes with --format aegis only")
	case *qrDir != "" && transfer.Format(*format) != transfer.GoogleMig:
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
	switch transfer.Format(*format) {
	case transfer.OTPAuth:
		err = transfer.WriteOTPAuth(&b, accts)
	case transfer.Aegis:
		err = transfer.WriteAegis(&b, accts, password)
	case transfer.GoogleMig:
		var lines, skipped []string
		lines, skipped, err = transfer.Migration(accts, transfer.NewBatchID())
		if err != nil {
			break
		}
		for _, s := range skipped {
			fmt.Fprintln(env.Stderr, s)
		}
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
		if *qrDir != "" {
			if err = writeQRCodes(*qrDir, lines); err != nil {
				return err
			}
		}
	}
	if err != nil {
		return err
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
