package vault

import (
	"errors"
	"fmt"
	"os"
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
	if err := writeAtomic(path, b, false, time.Time{}); err != nil {
		return "", fmt.Errorf("restore backup: %w", err)
	}
	return kept, nil
}
