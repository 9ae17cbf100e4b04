// Package follow keeps a vault in step, one way, with a phone app's
// automatic backups: the folder where Aegis (aegis-backup-*.json, plain or
// encrypted) or 2FAS (*.2fas) writes them, synced to the computer.
//
// Each new backup is compared with the last one applied, entry by entry,
// by the app's own entry ID (Aegis's uuid; 2FAS has none, so its entries
// are known by their secret): new, changed and removed entries make a
// Diff, which Apply makes in the vault in one save.
//
// An account made from a phone entry gets an ID derived from that entry's
// ID (AccountID), the same on every computer: applying finds it again, so
// applying twice changes nothing, two computers following one phone make
// the same accounts (which Merge then sees as one), and a removal on the
// phone removes only accounts made from that entry, never one made on the
// desktop.
//
// What was last applied is kept in a State file beside the vault (not in
// the followed folder), holding no secret and no name: keyed digests of
// the entries' IDs and contents.
package follow

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"authdesk/internal/safetext"
	"authdesk/vault"
	"authdesk/vault/transfer"
)

// ErrNoBackup: the folder holds no Aegis or 2FAS backup.
var ErrNoBackup = errors.New("no Aegis or 2FAS backup")

// ErrNotRegular: the newest backup is a symbolic link or not a regular
// file; it is not read.
var ErrNotRegular = errors.New("not a regular file")

// Entry is one entry of a backup: the account it makes, and the key that
// names it across backups.
type Entry struct {
	Key     string        // the app's entry ID ("aegis:<uuid>"), or "2fas:" and a digest of the secret
	Account vault.Account // as the importer reads it, with ID AccountID(Key)
}

// Backup is a phone app's backup, read.
type Backup struct {
	Name    string // the file's name in the folder
	Format  transfer.Format
	Entries []Entry  // in file order
	Notes   []string // entries that cannot be used, and why
}

// IsBackupName reports whether name is a backup file Aegis or 2FAS writes,
// and not a partial or temporary one a sync engine or the app leaves
// while writing (hidden files, *.tmp, *.part, *~).
func IsBackupName(name string) bool {
	low := strings.ToLower(name)
	switch {
	case strings.HasPrefix(name, "."), strings.HasPrefix(name, "~"), strings.HasSuffix(name, "~"):
		return false
	case strings.HasPrefix(low, "aegis-backup-") && strings.HasSuffix(low, ".json"):
		return true
	case strings.HasSuffix(low, ".2fas"):
		return true
	}
	return false
}

// Newest is the name of the newest backup in dir: the latest modification
// time, then the greatest name (Aegis and 2FAS put the date in the name).
// Symbolic links are left out: a backup must be a file in the folder.
func Newest(dir string) (string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("the followed folder: %w", err)
	}
	type cand struct {
		name string
		mod  int64
	}
	var best *cand
	for _, e := range ents {
		if !e.Type().IsRegular() || !IsBackupName(e.Name()) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		c := cand{e.Name(), fi.ModTime().UnixNano()}
		if best == nil || c.mod > best.mod || c.mod == best.mod && c.name > best.name {
			best = &c
		}
	}
	if best == nil {
		return "", fmt.Errorf("%w in %s: point Aegis's or 2FAS's automatic backups at this folder", ErrNoBackup, dir)
	}
	return best.name, nil
}

// ReadBackup reads the backup name in dir through transfer.Import, the
// one way in for files (its size limit, its errors), asking password for
// an encrypted one. The file must be a regular file in dir: a symbolic
// link, or a file swapped for one while it is opened, is refused.
func ReadBackup(dir, name string, password func() ([]byte, error)) (*Backup, error) {
	if name != filepath.Base(name) || !IsBackupName(name) {
		return nil, fmt.Errorf("%q is not a backup file name", name)
	}
	path := filepath.Join(dir, name)
	lfi, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if !lfi.Mode().IsRegular() {
		return nil, fmt.Errorf("backup %s: %w (a link to a file elsewhere is not followed)", name, ErrNotRegular)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !os.SameFile(lfi, fi) {
		return nil, fmt.Errorf("backup %s: %w (it changed while opened)", name, ErrNotRegular)
	}
	data, err := transfer.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%w (the backup %s)", err, name)
	}
	return Parse(name, data, password)
}

// Parse reads the content of the backup name: an Aegis or 2FAS export,
// nothing else.
func Parse(name string, data []byte, password func() ([]byte, error)) (*Backup, error) {
	format := transfer.Detect(data)
	if format != transfer.Aegis && format != transfer.TwoFAS {
		return nil, fmt.Errorf("%w: %s is not an Aegis or 2FAS backup", transfer.ErrUnknownFormat, name)
	}
	res, err := transfer.Read(data, transfer.Options{Format: format, Password: password, EntryIDs: true})
	if err != nil {
		// The reason's words first, as transfer puts them.
		return nil, fmt.Errorf("%w (the backup %s)", err, name)
	}
	b := &Backup{Name: name, Format: format, Notes: res.Notes()}
	accts := res.Accounts
	for _, d := range res.Duplicates {
		accts = append(accts, d.Account) // repeats in the file are entries of their own
	}
	seen := make(map[string]bool, len(accts))
	for _, a := range accts {
		key := entryKey(format, a)
		if key == "" {
			b.Notes = append(b.Notes, fmt.Sprintf("skipped %s: the entry has no ID", printable(a.Title())))
			continue
		}
		if seen[key] {
			b.Notes = append(b.Notes, fmt.Sprintf("skipped %s: another entry has the same ID", printable(a.Title())))
			continue
		}
		seen[key] = true
		a.ID = AccountID(key)
		b.Entries = append(b.Entries, Entry{Key: key, Account: a})
	}
	return b, nil
}

// entryKey names an entry across backups: Aegis's uuid, or for 2FAS, whose
// services have no ID (the app refuses two with one secret), the secret.
func entryKey(f transfer.Format, a vault.Account) string {
	switch f {
	case transfer.Aegis:
		if a.ID == "" || len(a.ID) > 64 {
			return ""
		}
		return "aegis:" + strings.ToLower(a.ID)
	case transfer.TwoFAS:
		sum := sha256.Sum256(append([]byte("authdesk follow 2fas secret\x00"), a.Secret...))
		return "2fas:" + hex.EncodeToString(sum[:])
	}
	return ""
}

// AccountID is the vault ID of the account made from the entry key: a
// digest, so that it looks like any other ID, is the same on every
// computer, and no desktop-made (random) ID is ever one.
func AccountID(key string) string {
	sum := sha256.Sum256([]byte("authdesk follow account\x00" + key))
	return hex.EncodeToString(sum[:8])
}

// printable makes a name from a backup safe to print.
func printable(s string) string { return safetext.Printable(s, 64) }
