package vault

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"sync"
)

// Vault format 2 adds what Merge needs to the accounts block: per-group
// stamps (Account.Stamps), sort keys for the manual order
// (Account.SortKey), tombstones, and the local device ID of the clock. The
// file around it is unchanged, so the age recovery recipe still works. A
// version 1 block is read as version 2 (migrateV1) and written as version 2
// at the next save, keeping the version 1 file as a backup.

// ErrNewerFormat means the file was written by a newer Authdesk, in a
// format this one does not know: it is refused, neither read in part nor
// overwritten, and not taken for damage.
var ErrNewerFormat = errors.New("made by a newer Authdesk")

// newerFormat is the error for a file whose part says it has the given
// format version, above what this Authdesk reads.
func newerFormat(part, version string) error {
	return fmt.Errorf("this vault was %w (format %s in %s; this Authdesk reads up to %d): update Authdesk to open it",
		ErrNewerFormat, version, part, payloadFormat)
}

// magicRe is compiled on first use, not at start-up (see idRe).
var magicRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^authdesk-vault v([0-9]{1,9}) `) })

// newerMagic reports whether the first line of a file names a vault file
// format above 1, which only a newer Authdesk would write.
func newerMagic(first []byte) bool {
	m := magicRe().FindSubmatch(first)
	if m == nil {
		return false
	}
	n, err := strconv.Atoi(string(m[1]))
	return err == nil && n > 1
}

// migrateV1 gives the accounts of a version 1 block what version 2 adds:
// every group stamped with the account's Updated time and no device, and
// sort keys spread in list order. It is deterministic, so two machines
// holding copies of one version 1 vault migrate them alike and merge them
// without conflicts.
func migrateV1(accts []Account) {
	keys := spreadSortKeys(len(accts))
	for i := range accts {
		var s Stamp
		if !accts[i].Updated.IsZero() {
			s.Wall = accts[i].Updated.UnixMilli()
		}
		accts[i].Stamps = allStamps(s)
		accts[i].SortKey = keys[i]
	}
}

// sanitizeV2 repairs what a version 2 block may hold that this package
// never writes, so that nothing downstream trips on it: sort keys that are
// not keys go to the start of the list, device IDs are capped, and
// accounts come in the manual order.
func sanitizeV2(p *payload) {
	for i := range p.Accounts {
		if !validSortKey(p.Accounts[i].SortKey) {
			p.Accounts[i].SortKey = ""
		}
	}
	for _, t := range p.Tombstones {
		if t.Account != nil && !validSortKey(t.Account.SortKey) {
			t.Account.SortKey = ""
		}
	}
	if len(p.Device) > 64 {
		p.Device = ""
	}
	sortAccounts(p.Accounts)
}
