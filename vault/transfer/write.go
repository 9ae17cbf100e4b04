package transfer

import (
	"fmt"
	"io"
	"slices"

	"authdesk/vault"
)

// ExportFormats are the formats Write writes, for flags and dialogs.
var ExportFormats = []Format{OTPAuth, Aegis, GoogleMig}

// WriteOptions control Write.
type WriteOptions struct {
	// Password encrypts an Aegis export (empty: a plain file). Only Aegis
	// exports take one.
	Password []byte
	// BatchID is the export id of Google migration lines; 0 picks a
	// random one (NewBatchID).
	BatchID int32
}

// Written says what Write wrote.
type Written struct {
	Count   int      // the accounts written
	Skipped []string // the accounts the format cannot carry, each named with why (Skips)
	Lines   []string // GoogleMig: the migration lines, one per QR code
}

// Skips names the accounts of accts that format cannot carry, with why:
// what Write leaves out, for a dialog to say before the export.
func Skips(format Format, accts []vault.Account) []string {
	if format != GoogleMig {
		return nil
	}
	var s []string
	for i, a := range accts {
		if why := migrationProblem(a); why != "" {
			s = append(s, skipped1(i+1, a, why))
		}
	}
	return s
}

// Write is the one way out: it writes accts to w in format (one of
// ExportFormats), every line ending in a newline, and says what it wrote
// and left out. The output holds the secrets.
func Write(w io.Writer, format Format, accts []vault.Account, opts WriteOptions) (Written, error) {
	if !slices.Contains(ExportFormats, format) {
		return Written{}, fmt.Errorf("%w: Authdesk does not write %q (it writes %v)", ErrUnknownFormat, string(format), ExportFormats)
	}
	if len(opts.Password) > 0 && format != Aegis {
		return Written{}, fmt.Errorf("only Aegis exports are encrypted with a password, not %s", format)
	}
	switch format {
	case Aegis:
		return Written{Count: len(accts)}, WriteAegis(w, accts, opts.Password)
	case GoogleMig:
		id := opts.BatchID
		if id == 0 {
			id = NewBatchID()
		}
		lines, skipped, err := Migration(accts, id)
		if err != nil {
			return Written{}, err
		}
		for _, l := range lines {
			if _, err := io.WriteString(w, l+"\n"); err != nil {
				return Written{}, fmt.Errorf("write: %w", err)
			}
		}
		return Written{Count: len(accts) - len(skipped), Skipped: skipped, Lines: lines}, nil
	}
	return Written{Count: len(accts)}, WriteOTPAuth(w, accts)
}
