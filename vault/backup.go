package vault

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"

	"authdesk/internal/atomicfile"
)

// CorruptError says that a vault file is damaged and which backup, if any,
// still opens. errors.Is(err, ErrCorrupt) is true for it.
type CorruptError struct {
	Path   string // the damaged vault file
	Reason string // what is wrong with it
	Backup string // the newest backup that decrypts; "" if none does or none was checked
}

// Error says what is damaged and which backup to restore.
func (e *CorruptError) Error() string {
	msg := "the vault file"
	if e.Path != "" {
		msg += " " + e.Path
	}
	msg += " is damaged (" + e.Reason + ")"
	if e.Backup != "" {
		msg += "; the newest backup that opens is " + e.Backup +
			" (restore it with \"authdesk-cli restore\")"
	} else if e.Path != "" {
		msg += "; no backup in " + BackupDir(e.Path) + " could be opened"
	}
	return msg
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

func corruptf(format string, args ...any) error {
	return &CorruptError{Reason: fmt.Sprintf(format, args...)}
}

// keySource returns the key that opens a vault file: from the keychain,
// the password or an identity already known.
type keySource func(p fileParts) (*age.X25519Identity, error)

func identityKey(id *age.X25519Identity) keySource {
	return func(fileParts) (*age.X25519Identity, error) { return id, nil }
}

// keychainKey looks the key up by the file's vault ID, asking the keychain
// once per ID (a keychain that does not answer costs its timeout each time).
func keychainKey(kc Keychain) keySource {
	cache := map[string]*age.X25519Identity{}
	return func(p fileParts) (*age.X25519Identity, error) {
		if id, ok := cache[p.id]; ok {
			return id, nil
		}
		cache[p.id] = nil
		if kc == nil {
			return nil, errors.New("no keychain")
		}
		s, err := kc.Get(p.id)
		if err != nil {
			return nil, err
		}
		id, err := age.ParseX25519Identity(strings.TrimSpace(s))
		if err != nil {
			return nil, err
		}
		cache[p.id] = id
		return id, nil
	}
}

// passwordKey unseals the key block with the password. Each try costs a full
// key derivation, so it tries three distinct key blocks at most; the files
// of one vault share one.
func passwordKey(password []byte, opts Options) keySource {
	type result struct {
		id  *age.X25519Identity
		err error
	}
	cache := map[string]result{}
	return func(p fileParts) (*age.X25519Identity, error) {
		if r, ok := cache[string(p.keyBlock)]; ok {
			return r.id, r.err
		}
		if len(cache) >= 3 {
			return nil, errors.New("too many tries")
		}
		id, err := unsealIdentity(p.keyBlock, password, opts.maxWorkFactor())
		cache[string(p.keyBlock)] = result{id, err}
		return id, err
	}
}

// eitherKey tries a, then b.
func eitherKey(a, b keySource) keySource {
	return func(p fileParts) (*age.X25519Identity, error) {
		id, err := a(p)
		if err != nil || id == nil {
			return b(p)
		}
		return id, nil
	}
}

// corruptWithBackup builds the CorruptError for the vault at path, naming the
// newest backup that decrypts with a key from key. A file made by a newer
// Authdesk is not damaged: its error is returned as it is.
func corruptWithBackup(path string, err error, key keySource) error {
	if errors.Is(err, ErrNewerFormat) {
		return fmt.Errorf("open vault %s: %w", path, err)
	}
	ce := &CorruptError{Path: path, Reason: err.Error()}
	var inner *CorruptError
	if errors.As(err, &inner) {
		ce.Reason = inner.Reason
	}
	backups, _ := Backups(path)
	for _, b := range backups {
		if _, err := openAccounts(b, key); err == nil {
			ce.Backup = b
			break
		}
	}
	return ce
}

// RestoreBackup replaces the vault at path with the backup file, after
// checking that the backup is a well-formed vault file. The replaced file is
// kept beside the vault, never deleted, and its name is returned ("" when
// there was no file to replace): "<path>.damaged-<time>" when it is not a
// well-formed vault file or does not open with the key in opts.Keychain,
// "<path>.replaced-<time>" otherwise; the time comes from opts.Now, and a
// counter ("-2", "-3", ...) follows it when a restore in the same second
// already used the name.
func RestoreBackup(path, backup string, opts Options) (kept string, err error) {
	return restoreBackup(path, backup, opts.now(), keychainKey(opts.Keychain))
}

func restoreBackup(path, backup string, now time.Time, key keySource) (kept string, err error) {
	b, err := readFile(backup)
	if err != nil {
		return "", fmt.Errorf("restore backup: %w", err)
	}
	if _, err := parseFile(b); err != nil {
		return "", fmt.Errorf("restore backup %s: it is not a valid vault file: %w", backup, err)
	}
	v := &Vault{lock: newLock(path)}
	if err := v.lockFile(); err != nil {
		return "", fmt.Errorf("restore backup: %w", err)
	}
	defer v.lock.Close()
	if _, err := os.Lstat(path); err == nil {
		kind := "replaced"
		if damaged(path, key) {
			kind = "damaged"
		}
		if kept, err = keepAside(path, path+"."+kind+"-"+now.UTC().Format("20060102T150405Z")); err != nil {
			return "", fmt.Errorf("restore backup: keep the %s file: %w", kind, err)
		}
	}
	if err := writeAtomic(path, b, false, time.Time{}, nil); err != nil {
		return "", fmt.Errorf("restore backup: %w", err)
	}
	return kept, nil
}

// damaged reports whether the vault file at path is not well-formed, or
// does not open with the key that key finds for it. A file for which key
// finds none counts as healthy: nothing says otherwise.
func damaged(path string, key keySource) bool {
	b, err := readFile(path)
	if err != nil {
		return true
	}
	p, err := parseFile(b)
	if err != nil {
		return true
	}
	id, err := key(p)
	if err != nil || id == nil {
		return false
	}
	_, err = decryptPayload(p.data, id)
	return err != nil && !errors.Is(err, errKeyMismatch)
}

// keepAside links the file at path to the first free name among name,
// name-2, name-3, ..., copying it (and fsyncing the copy) where the
// filesystem has no hard links, and returns the name used. It never
// replaces an existing file.
func keepAside(path, name string) (string, error) {
	for n := 1; n <= 1000; n++ {
		dst := name
		if n > 1 {
			dst = fmt.Sprintf("%s-%d", name, n)
		}
		err := os.Link(path, dst)
		if err != nil && !errors.Is(err, os.ErrExist) {
			err = copyExclusive(path, dst)
		}
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return dst, atomicfile.SyncDir(filepath.Dir(path))
	}
	return "", fmt.Errorf("%s-2 to %s-1000 all exist", name, name)
}

// copyExclusive copies src to a new file dst (mode 0600), fsynced; it fails
// with os.ErrExist when dst exists.
func copyExclusive(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
	}
	return err
}

// setAside returns the files RestoreBackup kept beside the vault at path,
// and the conflict copies a sync moved into its backups folder.
func setAside(path string) []string {
	var out []string
	for _, kind := range []string{".damaged-", ".replaced-"} {
		m, _ := filepath.Glob(globEscape(path) + kind + "*")
		out = append(out, m...)
	}
	// The sync engines' conflict copies, moved aside by vault/replica.
	m, _ := filepath.Glob(filepath.Join(globEscape(BackupDir(path)), "conflict-*"))
	out = append(out, m...)
	slices.Sort(out)
	return out
}

// globEscape quotes the glob metacharacters of a path.
func globEscape(p string) string {
	var b strings.Builder
	for _, r := range p {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// rekey moves the files kept beside a vault from a retired key to a new one.
type rekey struct {
	old          *age.X25519Identity // the key being retired
	retired      []byte              // the retired password
	retiredBlock []byte              // the vault's key block sealed with it
	id           *age.X25519Identity // the new key
	keyBlock     []byte              // id sealed with newPassword
	newPassword  []byte
	maxLogN      int
	hook         func(tmp, dst string)
	unsealed     map[string]unsealed // key blocks already tried
}

// unsealed is what a key block gave to the new and the retired password.
type unsealed struct {
	byNew, byRetired *age.X25519Identity
	damaged          error // neither opens it, and it is not for a wrong password
}

// KeptFile is a file beside the vault that ChangePassword could not open and
// left as it was, and why.
type KeptFile struct {
	Path   string
	Reason string // "sealed with another password" or what is damaged
}

// files re-encrypts every backup and set-aside file of the vault at path to
// the new key. A file that opens with neither the retired key, the retired
// password nor the new password is kept untouched: nothing in it opens with
// what is being retired, so keeping it costs no secrecy, and deleting it
// could lose the only copy of accounts (a rotation killed half-way and rerun
// with another new password leaves backups sealed with the first new
// password). Only a file that the retired password or key still opens but
// that cannot be re-encrypted (it is damaged) is deleted: leaving it would
// let the retired password open it. A file that opens with the new
// password is one a rotation that did not finish already rewrote: it is
// moved to the newest key too.
func (rk *rekey) files(path string) (PasswordChange, error) {
	var res PasswordChange
	backups, err := Backups(path)
	if err != nil {
		return res, err
	}
	for _, f := range append(backups, setAside(path)...) {
		b, keep, why := rk.reencrypt(f)
		switch {
		case b != nil:
			if err := writeAtomic(f, b, false, time.Time{}, rk.hook); err != nil {
				return res, fmt.Errorf("re-encrypt %s: %w", f, err)
			}
			res.Reencrypted = append(res.Reencrypted, f)
		case keep:
			res.Kept = append(res.Kept, KeptFile{Path: f, Reason: why})
		default:
			if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
				return res, fmt.Errorf("remove %s, which is damaged and opens with the retired password: %w", f, err)
			}
			res.Removed = append(res.Removed, f)
		}
	}
	return res, nil
}

// reencrypt returns the content of the vault file f under the new key. When
// it cannot, keep says whether f may stay (nothing in it opens with the
// retired password or key) and why tells what is wrong with it.
func (rk *rekey) reencrypt(f string) (b []byte, keep bool, why string) {
	b, err := readFile(f)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, "" // gone meanwhile: nothing to keep
	}
	if err != nil {
		return nil, true, fmt.Sprintf("unreadable (%v)", err)
	}
	p, err := parseFile(b)
	if err != nil {
		// The complete blocks that remain may still be the retired key
		// block, or data the retired key opens.
		_, rest, _ := bytes.Cut(b, []byte("\n"))
		blocks, _ := splitArmor(rest)
		if slices.ContainsFunc(blocks, rk.retiredOpens) {
			return nil, false, ""
		}
		return nil, true, "damaged: " + err.Error()
	}
	u := rk.unseal(p.keyBlock)
	// Another vault's file sealed with the retired password moves to the
	// new password like the others (u.byRetired).
	for _, id := range []*age.X25519Identity{rk.old, u.byNew, u.byRetired} {
		if id == nil {
			continue
		}
		content, err := decryptPayload(p.data, id)
		if err != nil {
			why = err.Error()
			continue
		}
		data, err := encryptPayload(content, rk.id.Recipient())
		if err != nil {
			return nil, true, err.Error()
		}
		return fileParts{id: p.id, keyBlock: rk.keyBlock, data: data}.bytes(), false, ""
	}
	if u.byRetired != nil || opens(p.data, rk.old) {
		return nil, false, "" // the retired password or key opens it, but it is damaged
	}
	switch {
	case u.byNew != nil:
		return nil, true, "damaged: " + why
	case u.damaged != nil:
		return nil, true, "damaged: " + u.damaged.Error()
	}
	return nil, true, "sealed with another password"
}

// retiredOpens reports whether the armored block is a key block that the
// retired password opens or data that the retired key opens.
func (rk *rekey) retiredOpens(blk []byte) bool {
	return rk.unseal(blk).byRetired != nil || opens(blk, rk.old)
}

// opens reports whether the identity unwraps the file key of the armored
// age file blk: then it reads whatever of the data is intact.
func opens(blk []byte, id age.Identity) bool {
	_, err := age.Decrypt(armor.NewReader(bytes.NewReader(blk)), id)
	return err == nil
}

// unseal opens a key block with the new and the retired password, once per
// distinct block (each try is a full key derivation): the files of one
// vault, and those an unfinished rotation rewrote, share one.
func (rk *rekey) unseal(block []byte) unsealed {
	if rk.unsealed == nil {
		rk.unsealed = map[string]unsealed{}
	}
	if u, ok := rk.unsealed[string(block)]; ok {
		return u
	}
	var u unsealed
	if bytes.Equal(block, rk.retiredBlock) {
		u.byRetired = rk.old
	} else if id, err := unsealIdentity(block, rk.newPassword, rk.maxLogN); err == nil {
		u.byNew = id
	} else if id, err := unsealIdentity(block, rk.retired, rk.maxLogN); err == nil {
		u.byRetired = id
	} else if !errors.Is(err, ErrWrongPassword) {
		u.damaged = err
	}
	rk.unsealed[string(block)] = u
	return u
}

// BackupInfo describes one backup of an open vault.
type BackupInfo struct {
	Path     string    // the backup file
	Time     time.Time // when it was made (the save that replaced it), UTC
	Accounts int       // how many accounts it holds; -1 when it does not open with the key given
}

// ListBackups returns the vault's backups, newest first, with the number of
// accounts each holds. It costs no key derivation: the backups open with
// the vault's key.
func (v *Vault) ListBackups() ([]BackupInfo, error) {
	v.mu.Lock()
	id := v.identity
	v.mu.Unlock()
	return listBackups(v.path, identityKey(id))
}

// BackupList returns the backups of the vault at path, newest first, for a
// vault that is not open (it may be damaged): each with the accounts it
// holds when the key in opts.Keychain opens it, or else the password
// (nil: none); Accounts is -1 for the others. The password costs a key
// derivation for each distinct key block, three at most.
func BackupList(path string, password []byte, opts Options) ([]BackupInfo, error) {
	key := keychainKey(opts.Keychain)
	if password != nil {
		key = eitherKey(key, passwordKey(password, opts))
	}
	return listBackups(path, key)
}

func listBackups(path string, key keySource) ([]BackupInfo, error) {
	list, err := Backups(path)
	if err != nil {
		return nil, err
	}
	out := make([]BackupInfo, 0, len(list))
	for _, f := range list {
		bi := BackupInfo{Path: f, Accounts: -1}
		// Backups only lists names "<seq>-<time>.age".
		_, stamp, _ := strings.Cut(strings.TrimSuffix(filepath.Base(f), ".age"), "-")
		bi.Time, _ = time.Parse("20060102T150405Z", stamp)
		if accts, err := openAccounts(f, key); err == nil {
			bi.Accounts = len(accts)
		}
		out = append(out, bi)
	}
	return out, nil
}

// openAccounts reads the accounts of the vault file f with a key from key.
func openAccounts(f string, key keySource) ([]Account, error) {
	b, err := readFile(f)
	if err != nil {
		return nil, err
	}
	p, err := parseFile(b)
	if err != nil {
		return nil, err
	}
	id, err := key(p)
	if err != nil {
		return nil, err
	}
	if id == nil {
		return nil, errors.New("no key")
	}
	content, err := decryptPayload(p.data, id)
	return content.Accounts, err
}

// Restore replaces the vault file with backup, as RestoreBackup does
// (keeping the replaced file beside the vault, named "replaced-" or
// "damaged-" as it opens with the vault's key or not; its name is
// returned), and reloads the accounts. The backup must open with the
// vault's key.
func (v *Vault) Restore(backup string) (kept string, err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return "", ErrClosed
	}
	if _, err := openAccounts(backup, identityKey(v.identity)); err != nil {
		return "", fmt.Errorf("restore backup %s: it does not open with this vault's key: %w", backup, err)
	}
	if kept, err = restoreBackup(v.path, backup, v.opts.now(), identityKey(v.identity)); err != nil {
		return "", err
	}
	if _, err := v.refresh(); err != nil {
		return kept, fmt.Errorf("restore backup: reread the vault: %w", err)
	}
	return kept, nil
}
