package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"filippo.io/age"
)

// ErrOtherKey means a vault file does not open with this vault's key: it
// belongs to another vault, or the password was changed elsewhere.
var ErrOtherKey = errors.New("the file is not sealed with this vault's key")

// Key seals and opens copies of one vault (a replica in a synced folder, a
// conflict copy, another vault file) with the vault's key. Exchange hands
// it to its callbacks.
type Key struct {
	vaultID  string
	identity *age.X25519Identity
	keyBlock []byte
	hook     func(tmp, dst string) // Options.beforeRename
	retired  []string              // Vault.retired
}

// VaultID is the ID of the vault the key belongs to.
func (k Key) VaultID() string { return k.vaultID }

// Decode opens the vault file b with the key and returns its accounts and
// tombstones, without what is local to the machine that wrote it (the
// PIN, the device ID, last-used times). It returns the file's vault ID too;
// ErrOtherKey when the key does not open it, ErrCorrupt or ErrNewerFormat
// when it cannot be read.
func (k Key) Decode(b []byte) (Snapshot, string, error) {
	parts, err := parseFile(b)
	if err != nil {
		if errors.Is(err, ErrNewerFormat) {
			return Snapshot{}, "", err
		}
		return Snapshot{}, "", corruptf("%v", err)
	}
	p, err := decryptPayload(parts.data, k.identity)
	if errors.Is(err, errKeyMismatch) {
		return Snapshot{}, parts.id, ErrOtherKey
	}
	if err != nil {
		return Snapshot{}, parts.id, err
	}
	return localless(Snapshot{Accounts: p.Accounts, Tombstones: p.Tombstones}), parts.id, nil
}

// Encode seals s as a vault file of this vault that holds nothing local to
// this machine: the form of a replica. It opens with the vault's password
// and key, and with the age recovery recipe.
func (k Key) Encode(s Snapshot) ([]byte, error) {
	s = localless(s)
	data, err := encryptPayload(payload{Accounts: s.Accounts, Tombstones: s.Tombstones}, k.identity.Recipient())
	if err != nil {
		return nil, err
	}
	b := fileParts{id: k.vaultID, keyBlock: k.keyBlock, data: data}.bytes()
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("%w: %d accounts make a %d-byte file", ErrTooLarge, len(s.Accounts), len(b))
	}
	return b, nil
}

// WriteFile writes s to path as Encode makes it, atomically (a temporary
// file beside it, fsync, rename), with mode 0600 and no backup. Other
// programs may write the same folder (a network share, the same folder
// synced by two vaults): only temporary files left for over an hour are
// removed.
func (k Key) WriteFile(path string, s Snapshot) error {
	b, err := k.Encode(s)
	if err != nil {
		return err
	}
	matches, _ := filepath.Glob(filepath.Join(globEscape(filepath.Dir(path)), "."+globEscape(filepath.Base(path))+".tmp-*"))
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() && time.Since(fi.ModTime()) > time.Hour {
			os.Remove(m)
		}
	}
	return replaceFile(path, b, false, time.Time{}, k.hook)
}

// ReadFile reads a vault file (a replica, a conflict copy, another vault)
// for Key.Decode, refusing files larger than a vault may be: the one way
// such files come in.
func ReadFile(path string) ([]byte, error) { return readFile(path) }

// WithRenameHook returns o with hook run after each new version of a file
// the vault writes (its own file, a backup, a file written with a Key) is
// complete in its temporary file tmp and before it replaces dst. It is for
// tests, which kill the process there.
func (o Options) WithRenameHook(hook func(tmp, dst string)) Options {
	o.beforeRename = hook
	return o
}

// localless is a copy of s without last-used times.
func localless(s Snapshot) Snapshot {
	out := Snapshot{Accounts: cloneAccounts(s.Accounts), Tombstones: slices.Clone(s.Tombstones)}
	for i := range out.Accounts {
		out.Accounts[i].LastUsed = time.Time{}
	}
	for i, t := range out.Tombstones {
		if t.Account != nil {
			a := cloneAccount(*t.Account)
			a.LastUsed = time.Time{}
			out.Tombstones[i].Account = &a
		}
	}
	return out
}

// Snapshot returns a copy of the vault's accounts and tombstones.
func (v *Vault) Snapshot() Snapshot {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.snapshot()
}

func (v *Vault) snapshot() Snapshot {
	s := Snapshot{Accounts: cloneAccounts(v.accounts), Tombstones: slices.Clone(v.tombs)}
	for i, t := range s.Tombstones {
		if t.Account != nil {
			a := cloneAccount(*t.Account)
			s.Tombstones[i].Account = &a
		}
	}
	return s
}

// Exchange merges other copies of the vault into it, under the vault's
// lock from start to end, so that no other program changes the vault
// meanwhile: fetch reads the copies (with the key it is given), the merge
// is saved when it changed anything (keeping the version replaced as a
// backup), and publish, when not nil, receives the merged snapshot to
// write back. An error from fetch leaves everything as it was. The report
// says what changed in the vault.
func (v *Vault) Exchange(fetch func(k Key) ([]Snapshot, error), publish func(k Key, merged Snapshot) error) (MergeReport, error) {
	var rep MergeReport
	err := v.locked(func() error {
		k := Key{vaultID: v.id, identity: v.identity, keyBlock: v.keyBlock, hook: v.opts.beforeRename, retired: slices.Clone(v.retired)}
		others, err := fetch(k)
		if err != nil {
			return err
		}
		cur := v.snapshot()
		merged := cur
		for _, o := range others {
			merged, _ = Merge(merged, o)
		}
		rep = report(cur.Accounts, merged.Accounts)
		if !sameSnapshot(cur, merged) {
			if err := v.saveMerged(merged); err != nil {
				return err
			}
		}
		if publish == nil {
			return nil
		}
		return publish(k, v.snapshot())
	})
	return rep, err
}

// MergeSnapshot merges s into the vault and saves when anything changed.
func (v *Vault) MergeSnapshot(s Snapshot) (MergeReport, error) {
	return v.Exchange(func(Key) ([]Snapshot, error) { return []Snapshot{s}, nil }, nil)
}

// saveMerged saves the result of a merge. The caller holds the lock.
func (v *Vault) saveMerged(m Snapshot) error {
	old := v.tombs
	v.tombs = m.Tombstones
	for _, a := range m.Accounts {
		v.clock.observe(a.Stamps.Latest())
	}
	for _, t := range m.Tombstones {
		v.clock.observe(t.Stamp)
	}
	if err := v.save(m.Accounts, true); err != nil {
		v.tombs = old
		return err
	}
	return nil
}

// sameSnapshot reports whether a and b hold the same accounts and
// tombstones, field for field.
func sameSnapshot(a, b Snapshot) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// SameReplica reports whether a and b would make the same replica: equal
// but for what is local to one machine.
func SameReplica(a, b Snapshot) bool { return sameSnapshot(localless(a), localless(b)) }

// OpenSnapshot opens the vault file at path with its password and returns
// its accounts and tombstones, as Key.Decode does: for merging a vault
// sealed with another key. It takes a key derivation (about a second).
func OpenSnapshot(path string, password []byte, opts Options) (Snapshot, error) {
	b, err := readFile(path)
	if err != nil {
		return Snapshot{}, fmt.Errorf("open %s: %w", path, err)
	}
	parts, err := parseFile(b)
	if err != nil {
		if errors.Is(err, ErrNewerFormat) {
			return Snapshot{}, fmt.Errorf("open %s: %w", path, err)
		}
		return Snapshot{}, fmt.Errorf("open %s: %w", path, corruptf("%v", err))
	}
	id, err := unsealIdentity(parts.keyBlock, password, opts.maxWorkFactor())
	if err != nil {
		return Snapshot{}, fmt.Errorf("open %s: %w", path, err)
	}
	s, _, err := Key{vaultID: parts.id, identity: id, keyBlock: parts.keyBlock}.Decode(b)
	if err != nil {
		return Snapshot{}, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

// Join makes the vault at path a copy of the vault file replica (a replica
// in a synced folder), opened with its password: same ID, same key and
// password, the same accounts; nothing local (no PIN, a device ID of its
// own). The key goes into opts.Keychain, as Unlock does. It refuses when
// a vault exists at path.
func Join(path, replica string, password []byte, opts Options) (*Vault, error) {
	b, err := readFile(replica)
	if err != nil {
		return nil, fmt.Errorf("join %s: %w", replica, err)
	}
	parts, err := parseFile(b)
	if err != nil {
		if !errors.Is(err, ErrNewerFormat) {
			err = corruptf("%v", err)
		}
		return nil, fmt.Errorf("join %s: %w", replica, err)
	}
	id, err := unsealIdentity(parts.keyBlock, password, opts.maxWorkFactor())
	if err != nil {
		return nil, fmt.Errorf("join %s: %w", replica, err)
	}
	s, _, err := Key{vaultID: parts.id, identity: id, keyBlock: parts.keyBlock}.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("join %s: %w", replica, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	v := &Vault{path: path, opts: opts, id: parts.id, identity: id, keyBlock: parts.keyBlock, lock: newLock(path)}
	v.load(payload{Version: payloadFormat, Accounts: s.Accounts, Tombstones: s.Tombstones})
	if err := v.lockFile(); err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	defer v.lock.Unlock()
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("join: %w: %s", ErrExists, path)
	}
	if err := v.save(v.accounts, false); err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	v.keychainErr = v.storeKey()
	return v, nil
}
