// Package replica keeps a vault in step with its copy in a folder that a
// sync engine (Syncthing, Nextcloud, Dropbox, OneDrive, a network share)
// moves between computers.
//
// The folder holds one file per vault, "authdesk-<vault id>.age": a vault
// file sealed with the vault's key and password that carries nothing local
// to one computer (no PIN, no last-used times). Folder.Sync merges it (and
// any conflict copies the sync engine made of it) into the local vault,
// writes the merge back when it differs, and moves the conflict copies it
// merged into the local vault's backups folder: they are never deleted,
// and backups never go into the synced folder.
package replica

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"authdesk/vault"
)

// Name is the file name of the replica of the vault with the given ID.
func Name(vaultID string) string { return "authdesk-" + vaultID + ".age" }

// replicaRe and conflictRe are compiled on first use, not at start-up in
// every program that links this package.
var replicaRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^authdesk-([0-9a-f]{32})\.age$`) })

// conflictRe matches what the sync engines name a conflicting version of
// "authdesk-<id>.age": Syncthing "authdesk-<id>.sync-conflict-<date>-<time>-
// <device>.age", Dropbox "authdesk-<id> (<who>'s conflicted copy <date>).age",
// Nextcloud "authdesk-<id> (conflicted copy <date> <time>).age" and OneDrive
// "authdesk-<id>-<hostname>.age".
var conflictRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^authdesk-([0-9a-f]{32})` +
		`(\.sync-conflict-[0-9]{8}-[0-9]{6}-[A-Z0-9]{7}|` +
		` \([^()/]*conflicted copy[^()/]*\)|` +
		`-[A-Za-z0-9][A-Za-z0-9_-]{0,62})\.age$`)
})

// IsConflictCopy reports whether name is a sync engine's conflict copy of
// the replica of the vault with the given ID.
func IsConflictCopy(name, vaultID string) bool {
	m := conflictRe().FindStringSubmatch(name)
	return m != nil && m[1] == vaultID
}

// Find returns the replicas in dir: the files named like one, whatever
// their vault. A computer without a vault joins from the one it finds.
func Find(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read the synced folder: %w", err)
	}
	var out []string
	for _, e := range ents {
		if replicaRe().MatchString(e.Name()) && e.Type().IsRegular() {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

// Folder is a synced folder holding the replica of one vault.
type Folder struct {
	Dir string
	Now func() time.Time // nil: time.Now; names the conflict copies moved aside

	// BeforeRename, when set (by tests), runs before each conflict copy is
	// moved aside; tests kill the process there. The vault's own writes
	// take theirs from vault.Options.WithRenameHook.
	BeforeRename func(from, to string)
}

// Result says what Sync did.
type Result struct {
	Report         vault.MergeReport // what changed in the local vault
	Replica        string            // the replica's path
	ReplicaWritten bool
	Moved          []Moved  // conflict copies merged and moved aside
	Skipped        []string // conflict copies left where they are, and why
}

// Moved is a conflict copy merged and moved into the backups folder.
type Moved struct{ From, To string }

// ErrOtherKey means the replica does not open with the local vault's key:
// the password was changed on another computer (or the folder holds
// another vault's file under this vault's name). Adopt the replica's key
// with the new password (vault.Vault.AdoptKey), then sync again.
var ErrOtherKey = errors.New("the replica in the synced folder is sealed with another key")

// CheckDir refuses a synced folder that would put the vault, or its
// backups, into what the sync engine shares.
func CheckDir(dir, vaultPath string) error {
	d, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("synced folder: %w", err)
	}
	fi, err := os.Stat(d)
	if err != nil {
		return fmt.Errorf("synced folder: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("synced folder %s is not a folder", dir)
	}
	vp, err := filepath.Abs(vaultPath)
	if err != nil {
		return fmt.Errorf("synced folder: %w", err)
	}
	for _, p := range []string{vp, vault.BackupDir(vp)} {
		if rel, err := filepath.Rel(d, p); err == nil && !strings.HasPrefix(rel, "..") {
			return fmt.Errorf("the synced folder %s holds the vault %s or its backups: keep the vault outside it (the folder gets a replica of its own)", dir, vaultPath)
		}
	}
	return nil
}

// Sync merges the replica and its conflict copies into v, all under v's
// lock, then writes the replica when it differs from the merge and moves
// the conflict copies merged into v's backups folder. A replica that does
// not open with v's key (ErrOtherKey) or was made by a newer Authdesk is
// left untouched, and nothing is written.
func (f Folder) Sync(v *vault.Vault) (Result, error) {
	if err := CheckDir(f.Dir, v.Path()); err != nil {
		return Result{}, err
	}
	var res Result
	var current *vault.Snapshot // the replica as read; nil: none
	var merged []string
	rep, err := v.Exchange(func(k vault.Key) ([]vault.Snapshot, error) {
		res.Replica = filepath.Join(f.Dir, Name(k.VaultID()))
		snaps, cur, names, skipped, err := f.read(k, res.Replica)
		current, merged, res.Skipped = cur, names, skipped
		return snaps, err
	}, func(k vault.Key, m vault.Snapshot) error {
		if current == nil || !vault.SameReplica(*current, m) {
			if err := k.WriteFile(res.Replica, m); err != nil {
				return fmt.Errorf("write the replica: %w", err)
			}
			res.ReplicaWritten = true
		}
		for _, c := range merged {
			to, err := f.moveAside(c, vault.BackupDir(v.Path()))
			if err != nil {
				return err
			}
			if to == "" {
				continue
			}
			res.Moved = append(res.Moved, Moved{From: c, To: to})
		}
		return nil
	})
	res.Report = rep
	return res, err
}

// read reads the replica and its conflict copies.
func (f Folder) read(k vault.Key, replica string) (snaps []vault.Snapshot, current *vault.Snapshot, conflicts, skipped []string, err error) {
	s, err := open(k, replica)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case errors.Is(err, vault.ErrOtherKey) && retired(k, replica):
		// Sealed with the key a password change here retired: older than
		// the vault, and written over with the new key below. Its edits
		// that this vault lacks are still in the vaults of the computers
		// that made them, which merge them once they adopt the new key.
	case errors.Is(err, vault.ErrOtherKey):
		return nil, nil, nil, nil, fmt.Errorf("%w (%s): the vault password was probably changed on another computer; nothing was written", ErrOtherKey, replica)
	case err != nil:
		return nil, nil, nil, nil, fmt.Errorf("read the replica %s: %w; nothing was written", replica, err)
	default:
		snaps, current = append(snaps, s), &s
	}
	ents, err := os.ReadDir(f.Dir)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("read the synced folder: %w", err)
	}
	for _, e := range ents {
		if !IsConflictCopy(e.Name(), k.VaultID()) {
			continue
		}
		p := filepath.Join(f.Dir, e.Name())
		if !e.Type().IsRegular() {
			skipped = append(skipped, p+": not a regular file")
			continue
		}
		s, err := open(k, p)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", p, err))
			continue
		}
		snaps, conflicts = append(snaps, s), append(conflicts, p)
	}
	return snaps, current, conflicts, skipped, nil
}

func retired(k vault.Key, path string) bool {
	b, err := vault.ReadFile(path)
	return err == nil && k.Retired(b)
}

// open reads and decodes one copy of the vault k belongs to.
func open(k vault.Key, path string) (vault.Snapshot, error) {
	b, err := vault.ReadFile(path)
	if err != nil {
		return vault.Snapshot{}, err
	}
	s, id, err := k.Decode(b)
	// Another vault's file (which its own key seals) put under this vault's
	// name is no password change: say what it is before the key mismatch.
	if id != "" && id != k.VaultID() {
		return vault.Snapshot{}, fmt.Errorf("it is a copy of vault %s, not of this vault", id)
	}
	if err != nil {
		return vault.Snapshot{}, err
	}
	return s, nil
}

// moveAside moves the conflict copy c into the backups folder dir, named
// "conflict-<time>-<its name>" (a name vault.Vault.ChangePassword
// re-encrypts with the backups), and returns where it went.
func (f Folder) moveAside(c, dir string) (string, error) {
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("move the conflict copy aside: %w", err)
	}
	to := filepath.Join(dir, "conflict-"+now().UTC().Format("20060102T150405Z")+"-"+filepath.Base(c))
	for n := 2; ; n++ {
		if _, err := os.Lstat(to); errors.Is(err, os.ErrNotExist) {
			break
		}
		to = filepath.Join(dir, fmt.Sprintf("conflict-%s-%d-%s", now().UTC().Format("20060102T150405Z"), n, filepath.Base(c)))
	}
	if f.BeforeRename != nil {
		f.BeforeRename(c, to)
	}
	err := os.Rename(c, to)
	if _, serr := os.Lstat(c); err != nil && errors.Is(serr, os.ErrNotExist) {
		return "", nil // the engine removed it meanwhile (another computer moved it aside)
	}
	if err != nil {
		// Another file system: copy, then remove the original.
		if err = copyFile(c, to); err == nil {
			err = os.Remove(c)
		}
	}
	if err != nil {
		return "", fmt.Errorf("move the conflict copy %s aside: %w", c, err)
	}
	_ = os.Chmod(to, 0o600) // the engine may have made it readable by others
	return to, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(to)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(to)
		return err
	}
	return out.Close()
}
