package vault

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
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
// key derivation, so it gives up after three.
func passwordKey(password []byte, opts Options) keySource {
	tries := 0
	return func(p fileParts) (*age.X25519Identity, error) {
		if tries++; tries > 3 {
			return nil, errors.New("too many tries")
		}
		return unsealIdentity(p.keyBlock, password, opts.maxWorkFactor())
	}
}

// corruptWithBackup builds the CorruptError for the vault at path, naming the
// newest backup that decrypts with a key from key.
func corruptWithBackup(path string, err error, key keySource) error {
	ce := &CorruptError{Path: path, Reason: err.Error()}
	var inner *CorruptError
	if errors.As(err, &inner) {
		ce.Reason = inner.Reason
	}
	backups, _ := Backups(path)
	for _, b := range backups {
		if backupOpens(b, key) {
			ce.Backup = b
			break
		}
	}
	return ce
}

func backupOpens(path string, key keySource) bool {
	b, err := readFile(path)
	if err != nil {
		return false
	}
	p, err := parseFile(b)
	if err != nil {
		return false
	}
	id, err := key(p)
	if err != nil || id == nil {
		return false
	}
	_, err = decryptPayload(p.data, id)
	return err == nil
}

// RestoreBackup replaces the vault at path with the backup file, after
// checking that the backup is a well-formed vault file. The replaced file is
// kept beside the vault as "<path>.damaged-<time>", never deleted; its name
// is returned ("" when there was no file to replace).
func RestoreBackup(path, backup string) (kept string, err error) {
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
		kept = path + ".damaged-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Link(path, kept); err != nil && !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("restore backup: keep the damaged file: %w", err)
		}
	}
	if err := writeAtomic(path, b, false, time.Time{}, nil); err != nil {
		return "", fmt.Errorf("restore backup: %w", err)
	}
	return kept, nil
}

// setAside returns the files RestoreBackup kept beside the vault at path.
func setAside(path string) []string {
	m, _ := filepath.Glob(globEscape(path) + ".damaged-*")
	slices.Sort(m)
	return m
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
	old         *age.X25519Identity // the key being retired
	id          *age.X25519Identity // the new key
	keyBlock    []byte              // id sealed with newPassword
	newPassword []byte
	maxLogN     int
	hook        func(tmp, dst string)
	unsealed    map[string]*age.X25519Identity // key blocks already tried with newPassword
}

// files re-encrypts every backup and set-aside file of the vault at path to
// the new key, deleting those that do not open with the retired key. A file
// that opens with the new password is one a rotation that did not finish
// already rewrote: it is moved to the newest key too.
func (rk *rekey) files(path string) (PasswordChange, error) {
	var res PasswordChange
	backups, err := Backups(path)
	if err != nil {
		return res, err
	}
	for _, f := range append(backups, setAside(path)...) {
		b, ok := rk.reencrypt(f)
		if !ok {
			if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
				return res, fmt.Errorf("remove %s, which does not open with the current key: %w", f, err)
			}
			res.Removed = append(res.Removed, f)
			continue
		}
		if err := writeAtomic(f, b, false, time.Time{}, rk.hook); err != nil {
			return res, fmt.Errorf("re-encrypt %s: %w", f, err)
		}
		res.Reencrypted = append(res.Reencrypted, f)
	}
	return res, nil
}

// reencrypt returns the content of the vault file f under the new key, or
// false when f is damaged or opens with neither key.
func (rk *rekey) reencrypt(f string) ([]byte, bool) {
	b, err := readFile(f)
	if err != nil {
		return nil, false
	}
	p, err := parseFile(b)
	if err != nil {
		return nil, false
	}
	accts, err := decryptPayload(p.data, rk.old)
	if errors.Is(err, errKeyMismatch) {
		var id *age.X25519Identity
		if id, err = rk.unseal(p.keyBlock); err == nil {
			accts, err = decryptPayload(p.data, id)
		}
	}
	if err != nil {
		return nil, false
	}
	data, err := encryptPayload(accts, rk.id.Recipient())
	if err != nil {
		return nil, false
	}
	return fileParts{id: p.id, keyBlock: rk.keyBlock, data: data}.bytes(), true
}

// unseal opens a key block with the new password, once per distinct block:
// the files an unfinished rotation rewrote share one.
func (rk *rekey) unseal(block []byte) (*age.X25519Identity, error) {
	if rk.unsealed == nil {
		rk.unsealed = map[string]*age.X25519Identity{}
	}
	if id, ok := rk.unsealed[string(block)]; ok {
		if id == nil {
			return nil, ErrWrongPassword
		}
		return id, nil
	}
	id, err := unsealIdentity(block, rk.newPassword, rk.maxLogN)
	rk.unsealed[string(block)] = id
	return id, err
}

// BackupInfo describes one backup of an open vault.
type BackupInfo struct {
	Path     string    // the backup file
	Time     time.Time // when it was made (the save that replaced it), UTC
	Accounts int       // how many accounts it holds; -1 when it does not open with the vault's key
}

// ListBackups returns the vault's backups, newest first, with the number of
// accounts each holds. It costs no key derivation: the backups open with
// the vault's key.
func (v *Vault) ListBackups() ([]BackupInfo, error) {
	v.mu.Lock()
	id := v.identity
	v.mu.Unlock()
	list, err := Backups(v.path)
	if err != nil {
		return nil, err
	}
	out := make([]BackupInfo, 0, len(list))
	for _, f := range list {
		bi := BackupInfo{Path: f, Accounts: -1}
		// Backups only lists names "<seq>-<time>.age".
		_, stamp, _ := strings.Cut(strings.TrimSuffix(filepath.Base(f), ".age"), "-")
		bi.Time, _ = time.Parse("20060102T150405Z", stamp)
		if accts, err := readAccounts(f, id); err == nil {
			bi.Accounts = len(accts)
		}
		out = append(out, bi)
	}
	return out, nil
}

func readAccounts(f string, id *age.X25519Identity) ([]Account, error) {
	b, err := readFile(f)
	if err != nil {
		return nil, err
	}
	p, err := parseFile(b)
	if err != nil {
		return nil, err
	}
	return decryptPayload(p.data, id)
}

// Restore replaces the vault file with backup, as RestoreBackup does
// (keeping the replaced file beside the vault; its name is returned), and
// reloads the accounts. The backup must open with the vault's key.
func (v *Vault) Restore(backup string) (kept string, err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return "", ErrClosed
	}
	if _, err := readAccounts(backup, v.identity); err != nil {
		return "", fmt.Errorf("restore backup %s: it does not open with this vault's key: %w", backup, err)
	}
	if kept, err = RestoreBackup(v.path, backup); err != nil {
		return "", err
	}
	if _, err := v.refresh(); err != nil {
		return kept, fmt.Errorf("restore backup: reread the vault: %w", err)
	}
	return kept, nil
}
