package transfer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"authdesk/vault"
	"authdesk/vault/migration"
	"authdesk/vault/otpauth"
)

// maxLine bounds one line of a URI list; a migration URI from a dense QR
// code is under 4 KiB.
const maxLine = 64 << 10

// looksLikeURIList reports whether the first line that is not blank or a #
// comment starts with otpauth:// or otpauth-migration://.
func looksLikeURIList(t []byte) bool {
	for len(t) > 0 {
		line, rest, _ := bytes.Cut(t, []byte("\n"))
		t = rest
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		l := strings.ToLower(string(line[:min(len(line), 24)]))
		return strings.HasPrefix(l, "otpauth://") || strings.HasPrefix(l, "otpauth-migration://")
	}
	return false
}

// readURIList reads otpauth:// and otpauth-migration:// URIs, one per line;
// blank lines and lines starting with # are skipped. Any line that does not
// parse fails the whole list.
func readURIList(data []byte) (*Result, error) {
	res := &Result{Format: OTPAuth}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	seen := map[int32]map[int]bool{}
	sizes := map[int32]int{}
	var ids []int32
	n, uris, migrations := 0, 0, 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if migration.IsMigration(line) {
			migrations++
			b, err := migration.Parse(line)
			if err != nil {
				return nil, fmt.Errorf("%w: line %d: %v", ErrMalformed, n, err)
			}
			for _, e := range b.Skipped {
				res.Skipped = append(res.Skipped, fmt.Sprintf("skipped on line %d: %v", n, e))
			}
			res.Accounts = append(res.Accounts, b.Accounts...)
			size := max(b.Size, 1)
			if seen[b.BatchID] == nil {
				seen[b.BatchID] = map[int]bool{}
				sizes[b.BatchID] = size
				ids = append(ids, b.BatchID)
			} else if sizes[b.BatchID] != size {
				return nil, fmt.Errorf("%w: line %d: batch %d of %d does not belong to the export of %d batches before it", ErrMalformed, n, b.Index+1, size, sizes[b.BatchID])
			}
			if !seen[b.BatchID][b.Index] {
				res.Batches = append(res.Batches, Batch{ID: b.BatchID, Index: b.Index, Size: size})
			}
			seen[b.BatchID][b.Index] = true
			continue
		}
		uris++
		a, err := otpauth.Parse(line)
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrMalformed, n, err)
		}
		res.Accounts = append(res.Accounts, a)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%w: line %d is longer than %d bytes", ErrMalformed, n+1, maxLine)
		}
		return nil, fmt.Errorf("read line %d: %w", n+1, err)
	}
	if uris == 0 && migrations == 0 {
		return nil, fmt.Errorf("%w: no otpauth:// or otpauth-migration:// line", ErrUnknownFormat)
	}
	if uris == 0 {
		res.Format = GoogleMig
	}
	for _, id := range ids {
		res.Missing = append(res.Missing, MissingBatches(id, sizes[id], seen[id])...)
	}
	return res, nil
}

// WriteOTPAuth writes each account as an otpauth URI on a line of its own,
// secrets included (Steam accounts with encoder=steam).
func WriteOTPAuth(w io.Writer, accts []vault.Account) error {
	bw := bufio.NewWriter(w)
	for _, a := range accts {
		bw.WriteString(otpauth.Format(a))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
