package transfer

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"

	"github.com/skip2/go-qrcode"

	"authdesk/vault"
	"authdesk/vault/migration"
)

// Batch identifies one QR code of a Google Authenticator export: Index of
// Size (from 0), in the export ID.
type Batch struct {
	ID    int32
	Index int
	Size  int
}

// MissingBatch is a QR code of a Google export that was not read.
type MissingBatch struct {
	Batch
}

// String says which batch is missing, counting from 1: "missing batch 2 of 3".
func (m MissingBatch) String() string {
	return fmt.Sprintf("missing batch %d of %d", m.Index+1, m.Size)
}

// MissingBatches lists the batches of export id (size batches) not in seen,
// which maps a batch index to true. The GUI keeps seen across scans.
func MissingBatches(id int32, size int, seen map[int]bool) []MissingBatch {
	var m []MissingBatch
	for i := 0; i < size; i++ {
		if !seen[i] {
			m = append(m, MissingBatch{Batch{ID: id, Index: i, Size: size}})
		}
	}
	return m
}

// NewBatchID returns a random positive id for the batches of one export,
// as Google Authenticator gives them.
func NewBatchID() int32 {
	var b [4]byte
	rand.Read(b[:])
	return int32(binary.BigEndian.Uint32(b[:]) >> 1)
}

// MigrationBatchSize is how many accounts Google Authenticator puts in one
// QR code, and so the most Migration puts in one line.
const MigrationBatchSize = 10

// Migration writes accts as Google Authenticator migration lines of at most
// MigrationBatchSize accounts each, numbered Index of Size with the export id
// batchID, as Google does. Accounts the format cannot carry (Steam, periods
// other than 30 s, 7 digits) are left out and named in skipped.
func Migration(accts []vault.Account, batchID int32) (lines, skipped []string, err error) {
	var ok []vault.Account
	for i, a := range accts {
		if why := migrationProblem(a); why != "" {
			skipped = append(skipped, skipped1(i+1, a, why))
			continue
		}
		ok = append(ok, a)
	}
	size := (len(ok) + MigrationBatchSize - 1) / MigrationBatchSize
	for i := 0; i < size; i++ {
		part := ok[i*MigrationBatchSize : min(len(ok), (i+1)*MigrationBatchSize)]
		line, err := migration.Encode(migration.Batch{Accounts: part, Index: i, Size: size, BatchID: batchID})
		if err != nil {
			return nil, nil, fmt.Errorf("encode batch %d of %d: %w", i+1, size, err)
		}
		lines = append(lines, line)
	}
	return lines, skipped, nil
}

func skipped1(n int, a vault.Account, why string) string {
	return skipped("account", n, a.Title(), why)
}

// migrationProblem says why a cannot go into a Google export, or "".
func migrationProblem(a vault.Account) string {
	switch {
	case a.Type == vault.Steam:
		return "Google Authenticator has no Steam codes"
	case a.Type != vault.HOTP && period(a) != vault.DefaultPeriod:
		return fmt.Sprintf("Google Authenticator exports carry only 30-second codes, not %d s", period(a))
	case digits(a) != 6 && digits(a) != 8:
		return fmt.Sprintf("Google Authenticator exports carry 6 or 8 digits, not %d", digits(a))
	}
	return ""
}

// QRPNG draws a migration line as a QR code PNG, as Google Authenticator
// shows it: the phone apps (Google Authenticator, Aegis, 2FAS) scan it.
func QRPNG(line string) ([]byte, error) {
	png, err := qrcode.Encode(line, qrcode.Medium, -6)
	if err != nil {
		return nil, fmt.Errorf("draw QR code: %w", err)
	}
	return png, nil
}
