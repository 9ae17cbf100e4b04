package vault

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"filippo.io/age"
	"github.com/gofrs/flock"

	"authdesk/vault/keychain"
)

// Errors that callers branch on. Errors returned by this package wrap them
// with details; test with errors.Is.
var (
	ErrNoVault       = errors.New("no vault file")
	ErrExists        = errors.New("a vault already exists at this path")
	ErrWrongPassword = errors.New("wrong password")
	ErrNeedPassword  = errors.New("the vault password is needed")
	ErrCorrupt       = errors.New("the vault file is damaged")
	ErrConflict      = errors.New("the vault is busy or was changed by another program")
	// ErrTooLarge: a save would make a file larger than a vault may be
	// (the limit Open reads); the vault is unchanged.
	ErrTooLarge  = errors.New("the vault would be too large")
	ErrNoMatch   = errors.New("no matching account")
	ErrAmbiguous = errors.New("more than one account matches")
	ErrClosed    = errors.New("the vault is closed")
)

// Keychain stores one secret per vault, named by the vault's ID.
// vault/keychain.System implements it with the OS keychain.
type Keychain interface {
	// Get returns the stored secret, keychain.ErrNotFound when there is
	// none, or an error wrapping keychain.ErrUnavailable saying why the
	// keychain cannot be used.
	Get(vaultID string) (string, error)
	// Set stores the secret, replacing any previous one.
	Set(vaultID, secret string) error
	// Delete removes the secret.
	Delete(vaultID string) error
}

// Options configure how a vault is opened and saved.
type Options struct {
	Keychain   Keychain         // nil: no keychain, the password is always needed
	Now        func() time.Time // nil: time.Now; stamps Created and Updated
	WorkFactor int              // scrypt log2(N) for new password seals, at most 20; 0: DefaultWorkFactor. Tests use ~10.

	// beforeRename, when set (by tests only), runs after a new version of
	// a file (the vault, a backup) is written to its temporary file tmp and
	// before it replaces dst: tests kill the process there.
	beforeRename func(tmp, dst string)
	// maxSize, when set (by tests only), stands in for maxFileSize in save.
	maxSize int
}

// DefaultWorkFactor is the scrypt work factor (log2 N, r=8, p=1) of the
// password block: age's own default, about a second and 256 MiB of memory on
// a laptop, which makes each password guess cost the same.
const DefaultWorkFactor = 18

// maxWorkFactor caps the work factor accepted from a vault file, so that a
// planted file cannot make Unlock allocate gigabytes (N=2^20 is 1 GiB).
const maxWorkFactor = 20

// lockTimeout is how long a mutation waits for another process holding the
// vault lock before giving up with ErrConflict.
const lockTimeout = 10 * time.Second

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// workFactor is the work factor of new seals, never above what Unlock
// accepts: a vault this package writes always opens again.
func (o Options) workFactor() int {
	if o.WorkFactor > 0 {
		return min(o.WorkFactor, maxWorkFactor)
	}
	return DefaultWorkFactor
}

func (o Options) maxWorkFactor() int { return maxWorkFactor }

// Vault is an open vault. Its methods are safe for concurrent use, and
// several Vaults (in one process or many) may share a file: every change is
// made under a file lock on the latest version on disk.
type Vault struct {
	path string
	opts Options

	mu          sync.Mutex
	closed      bool
	id          string
	identity    *age.X25519Identity
	keyBlock    []byte
	accounts    []Account
	pin         *pinHash // the quick-unlock PIN's hash; nil: none
	tombs       []Tombstone
	clock       clock    // stamps this machine's edits (format2.go)
	format      int      // the format version of the file as last read
	retired     []string // see payload.Retired
	sum         [32]byte // SHA-256 of the file as last read or written
	keychainErr error
	lock        *flock.Flock
	lockWait    time.Duration // 0: lockTimeout; tests shorten it
}

// DefaultPath returns where the vault lives: $AUTHDESK_VAULT, else
// authdesk/vault.age in the user's config directory ($XDG_CONFIG_HOME or
// ~/.config on Linux). getenv is usually os.Getenv.
func DefaultPath(getenv func(string) string) (string, error) {
	if p := getenv("AUTHDESK_VAULT"); p != "" {
		return p, nil
	}
	var dir string
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "plan9":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find vault: %w", err)
		}
		dir = d
	default:
		if d := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(d) {
			dir = d
		} else if h := getenv("HOME"); h != "" {
			dir = filepath.Join(h, ".config")
		} else {
			return "", errors.New("find vault: neither $XDG_CONFIG_HOME nor $HOME is set; set AUTHDESK_VAULT")
		}
	}
	return filepath.Join(dir, "authdesk", "vault.age"), nil
}

// MinPasswordLen is the fewest characters a vault password has: the
// password alone protects a vault file copied off the machine. Create and
// ChangePassword refuse shorter ones with ErrShortPassword; the desktop
// app and authdesk-cli ask CheckPassword before they start.
const MinPasswordLen = 8

// ErrShortPassword is the error of a new password under MinPasswordLen
// characters; its text is the rule.
var ErrShortPassword = fmt.Errorf("the password must have at least %d characters", MinPasswordLen)

// CheckPassword reports whether password may seal a vault: at least
// MinPasswordLen characters (runes, not bytes).
func CheckPassword(password []byte) error {
	if utf8.RuneCount(password) < MinPasswordLen {
		return ErrShortPassword
	}
	return nil
}

// Create makes a new, empty vault at path sealed with password, creating
// missing directories with mode 0700; the file has mode 0600. The vault key
// is stored in opts.Keychain when it answers; KeychainError says whether it
// did.
func Create(path string, password []byte, opts Options) (*Vault, error) {
	if err := CheckPassword(password); err != nil {
		return nil, fmt.Errorf("create vault: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create vault: %w", err)
	}
	v := &Vault{path: path, opts: opts, id: newVaultID(), lock: newLock(path)}
	v.load(payload{Version: payloadFormat})
	if err := v.lockFile(); err != nil {
		return nil, fmt.Errorf("create vault: %w", err)
	}
	defer v.lock.Unlock()
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("create vault %s: %w", path, ErrExists)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("create vault: %w", err)
	}
	v.identity = id
	if v.keyBlock, err = sealIdentity(id, password, opts.workFactor()); err != nil {
		return nil, fmt.Errorf("create vault: %w", err)
	}
	if err := v.save(nil, true); err != nil {
		return nil, fmt.Errorf("create vault: %w", err)
	}
	v.keychainErr = v.storeKey()
	return v, nil
}

func newLock(path string) *flock.Flock {
	return flock.New(path+".lock", flock.SetPermissions(0o600))
}

// Lock takes the file lock of the vault at path ("<path>.lock"), the one
// every change to the vault takes, waiting up to 10 s (then ErrConflict),
// for a program that keeps a file of its own beside the vault (authdesk-cli
// code --next-unused's state). Call unlock when done; hold it briefly.
func Lock(path string) (unlock func(), err error) {
	v := &Vault{lock: newLock(path)}
	if err := v.lockFile(); err != nil {
		return nil, err
	}
	return func() { v.lock.Unlock() }, nil
}

// Open opens the vault at path with the key from opts.Keychain. It returns
// ErrNoVault when there is no file, ErrCorrupt when the file is damaged, and
// ErrNeedPassword (wrapping the reason) when the keychain cannot provide the
// key: then call Unlock.
func Open(path string, opts Options) (*Vault, error) {
	b, parts, err := readParts(path, keychainKey(opts.Keychain))
	if err != nil {
		return nil, err
	}
	if opts.Keychain == nil {
		return nil, fmt.Errorf("open vault: %w: no keychain is in use", ErrNeedPassword)
	}
	secret, err := opts.Keychain.Get(parts.id)
	if err != nil {
		return nil, fmt.Errorf("open vault: %w: %w", ErrNeedPassword, err)
	}
	id, err := age.ParseX25519Identity(strings.TrimSpace(secret))
	if err != nil {
		return nil, fmt.Errorf("open vault: %w: the keychain entry for this vault is not a valid key", ErrNeedPassword)
	}
	content, err := decryptPayload(parts.data, id)
	switch {
	case errors.Is(err, errKeyMismatch):
		return nil, fmt.Errorf("open vault: %w: the key in the keychain belongs to another vault", ErrNeedPassword)
	case err != nil:
		return nil, corruptWithBackup(path, err, identityKey(id))
	}
	v := &Vault{path: path, opts: opts, id: parts.id, identity: id, keyBlock: parts.keyBlock,
		sum: sha256.Sum256(b), lock: newLock(path)}
	v.load(content)
	return v, nil
}

// Unlock opens the vault at path with its password. The key derivation is
// deliberately slow (about a second): call it off the UI goroutine. When
// opts.Keychain answers and lacks the key, Unlock stores it there so the next
// Open needs no password.
func Unlock(path string, password []byte, opts Options) (*Vault, error) {
	b, parts, err := readParts(path, passwordKey(password, opts))
	if err != nil {
		return nil, err
	}
	id, err := unsealIdentity(parts.keyBlock, password, opts.maxWorkFactor())
	switch {
	case errors.Is(err, ErrWrongPassword):
		return nil, fmt.Errorf("unlock vault %s: %w", path, ErrWrongPassword)
	case err != nil:
		return nil, corruptWithBackup(path, err, passwordKey(password, opts))
	}
	content, err := decryptPayload(parts.data, id)
	if err != nil {
		return nil, corruptWithBackup(path, err, identityKey(id))
	}
	v := &Vault{path: path, opts: opts, id: parts.id, identity: id, keyBlock: parts.keyBlock,
		sum: sha256.Sum256(b), lock: newLock(path)}
	v.load(content)
	v.keychainErr = v.storeKey()
	return v, nil
}

// readParts reads and splits the vault file; when it is damaged, key is
// used to find a backup that opens.
func readParts(path string, key keySource) ([]byte, fileParts, error) {
	b, err := readFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fileParts{}, fmt.Errorf("open vault %s: %w", path, ErrNoVault)
	}
	if err != nil {
		var ce *CorruptError
		if errors.As(err, &ce) {
			return nil, fileParts{}, corruptWithBackup(path, err, key)
		}
		return nil, fileParts{}, fmt.Errorf("open vault: %w", err)
	}
	parts, err := parseFile(b)
	if err != nil {
		return nil, fileParts{}, corruptWithBackup(path, err, key)
	}
	return b, parts, nil
}

// storeKey makes sure the keychain holds the vault key and returns why not.
func (v *Vault) storeKey() error {
	kc := v.opts.Keychain
	if kc == nil {
		return errors.New("no keychain is in use")
	}
	want := v.identity.String()
	got, err := kc.Get(v.id)
	if err == nil && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 {
		return nil
	}
	if err != nil && !errors.Is(err, keychain.ErrNotFound) {
		return err
	}
	return kc.Set(v.id, want)
}

// Path returns the vault file's path.
func (v *Vault) Path() string { return v.path }

// ID returns the vault's random ID, the name of its keychain entry.
func (v *Vault) ID() string { return v.id }

// KeychainError returns nil when the keychain holds this vault's key, else
// the reason it does not (no keychain, or the error it gave).
func (v *Vault) KeychainError() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.keychainErr
}

// Accounts returns a copy of the accounts, in the user's order.
func (v *Vault) Accounts() []Account {
	v.mu.Lock()
	defer v.mu.Unlock()
	return cloneAccounts(v.accounts)
}

// Account returns the account with the given ID.
func (v *Vault) Account(id string) (Account, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if i := index(v.accounts, id); i >= 0 {
		return cloneAccount(v.accounts[i]), true
	}
	return Account{}, false
}

// Reload rereads the file if another program changed it, and reports
// whether it did.
func (v *Vault) Reload() (bool, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return false, ErrClosed
	}
	return v.refresh()
}

// refresh rereads the vault file when its content differs from what v last
// saw. The caller holds v.mu (and, for mutations, the file lock).
func (v *Vault) refresh() (bool, error) {
	b, err := readFile(v.path)
	if errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("vault file %s has disappeared: %w", v.path, ErrConflict)
	}
	if err != nil {
		return false, fmt.Errorf("reread vault: %w", err)
	}
	sum := sha256.Sum256(b)
	if sum == v.sum {
		return false, nil
	}
	parts, err := parseFile(b)
	if err != nil {
		return false, corruptWithBackup(v.path, err, identityKey(v.identity))
	}
	if parts.id != v.id {
		return false, fmt.Errorf("vault file %s was replaced by a different vault: %w", v.path, ErrConflict)
	}
	content, err := decryptPayload(parts.data, v.identity)
	if errors.Is(err, errKeyMismatch) {
		return false, fmt.Errorf("vault file %s was re-keyed by another program: %w", v.path, ErrConflict)
	}
	if err != nil {
		return false, corruptWithBackup(v.path, err, identityKey(v.identity))
	}
	wipeAccounts(v.accounts)
	v.load(content)
	v.keyBlock, v.sum = parts.keyBlock, sum
	return true, nil
}

// mutate applies f to the latest accounts under the file lock and saves the
// result, keeping the version replaced as a backup.
func (v *Vault) mutate(f func([]Account) ([]Account, error)) error {
	return v.mutateKeep(true, f)
}

// mutateKeep is mutate, keeping the version replaced as a backup only when
// backup is set.
func (v *Vault) mutateKeep(backup bool, f func([]Account) ([]Account, error)) error {
	return v.locked(func() error {
		tombs := v.tombs
		v.tombs = slices.Clone(tombs) // f may bury an account
		next, err := f(cloneAccounts(v.accounts))
		if err == nil {
			err = v.save(next, backup)
		}
		if err != nil {
			v.tombs = tombs
		}
		return err
	})
}

// locked runs f under v.mu and the file lock, once v holds the latest
// version of the file.
func (v *Vault) locked(f func() error) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return ErrClosed
	}
	if err := v.lockFile(); err != nil {
		return err
	}
	defer v.lock.Unlock()
	if _, err := v.refresh(); err != nil {
		return err
	}
	return f()
}

func (v *Vault) lockFile() error {
	wait := v.lockWait
	if wait <= 0 {
		wait = lockTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	ok, err := v.lock.TryLockContext(ctx, 5*time.Millisecond)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("lock vault: %w", err)
	}
	if !ok {
		return fmt.Errorf("lock vault: another program held %s for %v: %w", v.lock.Path(), wait, ErrConflict)
	}
	return nil
}

// save encrypts accts (with the PIN hash) and writes the vault file, keeping
// the version replaced as a backup when backup is set. The caller holds the
// lock.
func (v *Vault) save(accts []Account, backup bool) error {
	// The first save over a version 1 file keeps it as a backup, whatever
	// the change.
	backup = backup || v.format < payloadFormat
	sortAccounts(accts)
	v.tombs = purgeTombstones(v.tombs, v.opts.now())
	data, err := encryptPayload(v.payload(accts), v.identity.Recipient())
	if err != nil {
		return err
	}
	b := fileParts{id: v.id, keyBlock: v.keyBlock, data: data}.bytes()
	limit := maxFileSize
	if v.opts.maxSize > 0 {
		limit = v.opts.maxSize
	}
	if len(b) > limit {
		return fmt.Errorf("%w: with %d accounts the vault would be %.1f MiB, over the %d MiB a vault can be opened with; nothing was changed (remove accounts first)",
			ErrTooLarge, len(accts), float64(len(b))/(1<<20), limit>>20)
	}
	if err := writeAtomic(v.path, b, backup, v.opts.now(), v.opts.beforeRename); err != nil {
		return err
	}
	v.accounts, v.sum, v.format = accts, sha256.Sum256(b), payloadFormat
	return nil
}

// Add fills in the ID, timestamps and default parameters of each account,
// validates them all, appends them and saves. It returns the stored copies.
// Nothing is saved if any account is invalid.
func (v *Vault) Add(accts ...Account) ([]Account, error) {
	now := v.opts.now().UTC()
	var added []Account
	err := v.mutate(func(cur []Account) ([]Account, error) {
		added = added[:0]
		ids := make(map[string]bool, len(cur)+len(accts)+len(v.tombs))
		for _, a := range cur {
			ids[a.ID] = true
		}
		for _, t := range v.tombs {
			ids[t.ID] = true // a new account never revives a deleted one
		}
		stamp, keys := v.clock.next(), v.appendKeys(cur, len(accts))
		for i, a := range accts {
			a = cloneAccount(a).WithDefaults()
			if a.ID == "" || ids[a.ID] {
				a.ID = NewID()
			}
			ids[a.ID] = true
			if a.Created.IsZero() {
				a.Created = now
			}
			a.Updated = now
			a.Stamps, a.SortKey = allStamps(stamp), keys[i]
			if err := Validate(a); err != nil {
				if len(accts) == 1 {
					return nil, fmt.Errorf("add account: %w", err)
				}
				return nil, fmt.Errorf("add account %d (%s): %w", i+1, a.Title(), err)
			}
			added = append(added, a)
		}
		return append(cur, added...), nil
	})
	if err != nil {
		return nil, err
	}
	return cloneAccounts(added), nil
}

// Update replaces the account with a's ID by a, bumping Updated, and saves.
// Use it to advance an HOTP counter and to save edits.
func (v *Vault) Update(a Account) error {
	now := v.opts.now().UTC()
	return v.mutate(func(cur []Account) ([]Account, error) {
		i := index(cur, a.ID)
		if i < 0 {
			return nil, fmt.Errorf("update account: %w with ID %q", ErrNoMatch, a.ID)
		}
		a = cloneAccount(a).WithDefaults()
		a.Created = cur[i].Created
		a.Updated = now
		a.SortKey, a.LastUsed = cur[i].SortKey, cur[i].LastUsed
		a.Stamps = v.stampEdit(cur[i], a)
		if err := Validate(a); err != nil {
			return nil, fmt.Errorf("update account: %w", err)
		}
		cur[i] = a
		return cur, nil
	})
}

// AdvanceCounter uses up the current code of the HOTP account with the given
// ID: under the file lock it rereads the vault, increments the account's
// counter and saves. It returns the account as it was before the increment,
// whose Code is the code to show. Unlike Update with a stale copy, two
// programs showing codes at once never show the same code or set the
// counter back, and edits made elsewhere are kept.
func (v *Vault) AdvanceCounter(id string) (Account, error) {
	now := v.opts.now().UTC()
	var used Account
	err := v.mutate(func(cur []Account) ([]Account, error) {
		i := index(cur, id)
		switch {
		case i < 0:
			return nil, fmt.Errorf("advance counter: %w with ID %q", ErrNoMatch, id)
		case cur[i].Type != HOTP:
			return nil, fmt.Errorf("advance counter: %s is a %s account, not hotp", cur[i].Title(), cur[i].Type)
		case cur[i].Counter == ^uint64(0):
			return nil, fmt.Errorf("advance counter: the HOTP counter of %s is at its maximum", cur[i].Title())
		}
		used = cloneAccount(cur[i])
		cur[i].Counter++
		cur[i].Updated = now
		return cur, nil
	})
	if err != nil {
		return Account{}, err
	}
	return used, nil
}

// Remove deletes the account with the given ID and saves.
func (v *Vault) Remove(id string) error {
	return v.mutate(func(cur []Account) ([]Account, error) {
		i := index(cur, id)
		if i < 0 {
			return nil, fmt.Errorf("remove account: %w with ID %q", ErrNoMatch, id)
		}
		v.bury(cur[i])
		return slices.Delete(cur, i, i+1), nil
	})
}

// Move puts the account with the given ID at position index (clamped to the
// list) and saves.
func (v *Vault) Move(id string, to int) error {
	return v.mutate(func(cur []Account) ([]Account, error) {
		i := index(cur, id)
		if i < 0 {
			return nil, fmt.Errorf("move account: %w with ID %q", ErrNoMatch, id)
		}
		a := cur[i]
		cur = slices.Delete(cur, i, i+1)
		j := min(max(to, 0), len(cur))
		return v.placeAt(slices.Insert(cur, j, a), j), nil
	})
}

// FindBySecret returns the account whose secret equals secret, to detect
// duplicates on import. The comparison runs in constant time.
func (v *Vault) FindBySecret(secret []byte) (Account, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	found := -1
	for i, a := range v.accounts {
		if subtle.ConstantTimeCompare(a.Secret, secret) == 1 && found < 0 {
			found = i
		}
	}
	if found < 0 {
		return Account{}, false
	}
	return cloneAccount(v.accounts[found]), true
}

// Find returns the accounts named by query, as the CLI's NAME arguments are
// matched: case-insensitively against the issuer, the account name, the
// title "Issuer (name)", "issuer:name" or the ID. An exact match wins over
// prefix matches. It returns ErrNoMatch when nothing matches and ErrAmbiguous,
// with all the candidates, when more than one does.
func (v *Vault) Find(query string) ([]Account, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return find(v.accounts, query)
}

func find(accts []Account, query string) ([]Account, error) {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return nil, fmt.Errorf("%w: the name is empty", ErrNoMatch)
	}
	qi, qn, hasColon := strings.Cut(q, ":")
	var exact, prefix []Account
	for _, a := range accts {
		iss, name, title := strings.ToLower(a.Issuer), strings.ToLower(a.Name), strings.ToLower(a.Title())
		switch {
		case q == strings.ToLower(a.ID) || q == iss || q == name || q == title || (hasColon && qi == iss && qn == name):
			exact = append(exact, a)
		case strings.HasPrefix(iss, q) || strings.HasPrefix(name, q) || strings.HasPrefix(title, q) ||
			(hasColon && strings.HasPrefix(iss, qi) && strings.HasPrefix(name, qn)):
			prefix = append(prefix, a)
		}
	}
	m := exact
	if len(m) == 0 {
		m = prefix
	}
	switch len(m) {
	case 0:
		return nil, fmt.Errorf("%w for %q", ErrNoMatch, query)
	case 1:
		return cloneAccounts(m), nil
	}
	return cloneAccounts(m), fmt.Errorf("%q: %w (%d)", query, ErrAmbiguous, len(m))
}

// PasswordChange says what ChangePassword did to the files kept beside the
// vault: the backups in BackupDir and the files RestoreBackup set aside.
type PasswordChange struct {
	Reencrypted []string   // now sealed with the new password and the new key
	Removed     []string   // damaged, and the retired password or key still opened them, so deleted
	Kept        []KeptFile // opened with nothing retired, nor with the new password: left as they were
}

// ChangePassword retires the current password. It checks current against
// the vault file (even when the keychain opened the vault: a wrong current
// password gives ErrWrongPassword), makes a new vault key, seals it with
// newPassword, re-encrypts every backup and set-aside file to the new key,
// writes the vault file with the new key and puts the key in the keychain.
// Afterwards no file in the vault's folder opens with the old password or
// the old key. A file that cannot be re-encrypted is deleted when the old
// password or key still opens it (it is damaged), and kept as it is
// otherwise (damaged beyond telling, or sealed with another password, as
// the files of a change that was killed and rerun with another new
// password): nothing retired opens it. Both are listed in the result.
//
// It costs two key derivations (about two seconds): call it off the UI
// goroutine. progress, when not nil, receives a short description of each
// step as it starts.
//
// A crash at any moment leaves a vault that opens: the backups are rewritten
// first, then the vault file (atomically), then the keychain entry. Until the
// vault file is replaced the old password opens it and running
// ChangePassword again with the same passwords finishes the job; after that
// the new password opens it (Unlock puts the new key in the keychain if the
// crash came before).
func (v *Vault) ChangePassword(current, newPassword []byte, progress func(step string)) (PasswordChange, error) {
	var res PasswordChange
	if err := CheckPassword(newPassword); err != nil {
		return res, fmt.Errorf("change password: %w", err)
	}
	say := func(step string) {
		if progress != nil {
			progress(step)
		}
	}
	// The two key derivations take seconds: they run without v.mu, so that
	// Accounts and the like answer meanwhile, and the key block checked is
	// compared with the file's under the lock afterwards.
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return res, ErrClosed
	}
	_, err := v.refresh()
	checked, known := v.keyBlock, v.identity
	v.mu.Unlock()
	if err != nil {
		return res, fmt.Errorf("change password: %w", err)
	}

	say("Checking the current password")
	old, err := unsealIdentity(checked, current, v.opts.maxWorkFactor())
	switch {
	case errors.Is(err, ErrWrongPassword):
		return res, fmt.Errorf("change password: the current password is wrong: %w", ErrWrongPassword)
	case err != nil:
		return res, fmt.Errorf("change password: %w", err)
	case subtle.ConstantTimeCompare([]byte(old.String()), []byte(known.String())) != 1:
		// The key block and the data of a well-formed file always agree.
		return res, fmt.Errorf("change password: %w", corruptf("the password block holds another key than the one that opens the accounts"))
	}

	say("Sealing a new key with the new password")
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return res, fmt.Errorf("change password: %w", err)
	}
	kb, err := sealIdentity(id, newPassword, v.opts.workFactor())
	if err != nil {
		return res, fmt.Errorf("change password: %w", err)
	}

	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return res, ErrClosed
	}
	if err := v.lockFile(); err != nil {
		return res, fmt.Errorf("change password: %w", err)
	}
	defer v.lock.Unlock()
	if _, err := v.refresh(); err != nil {
		return res, fmt.Errorf("change password: %w", err)
	}
	if !bytes.Equal(v.keyBlock, checked) {
		return res, fmt.Errorf("change password: another program changed the password meanwhile: %w", ErrConflict)
	}
	rk := rekey{old: v.identity, retired: current, retiredBlock: checked, id: id, keyBlock: kb, newPassword: newPassword,
		maxLogN: v.opts.maxWorkFactor(), hook: v.opts.beforeRename}

	say("Re-encrypting the backups")
	if res, err = rk.files(v.path); err != nil {
		return res, fmt.Errorf("change password: %w", err)
	}

	say("Saving the vault with the new key")
	v.retire(checked)
	data, err := encryptPayload(v.payload(v.accounts), id.Recipient())
	if err != nil {
		return res, fmt.Errorf("change password: %w", err)
	}
	// No backup of the version replaced: it holds the same accounts under
	// the key being retired.
	b := fileParts{id: v.id, keyBlock: kb, data: data}.bytes()
	if err := writeAtomic(v.path, b, false, time.Time{}, v.opts.beforeRename); err != nil {
		return res, fmt.Errorf("change password: %w", err)
	}
	v.identity, v.keyBlock, v.sum = id, kb, sha256.Sum256(b)

	if v.opts.Keychain != nil {
		say("Storing the new key in the keychain")
	}
	v.keychainErr = v.storeKey()
	return res, nil
}

// Close releases the vault. Later changes fail with ErrClosed.
func (v *Vault) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return nil
	}
	v.closed = true
	wipeAccounts(v.accounts)
	v.accounts = nil
	v.pin.wipe()
	v.pin = nil
	return v.lock.Close()
}

// wipeAccounts zeroes the secrets of accts, which nothing else shares:
// Accounts and Account hand out copies.
func wipeAccounts(accts []Account) {
	for i := range accts {
		clear(accts[i].Secret)
	}
}

func index(accts []Account, id string) int {
	return slices.IndexFunc(accts, func(a Account) bool { return a.ID == id })
}

func cloneAccount(a Account) Account {
	a.Secret = bytes.Clone(a.Secret)
	a.Tags = slices.Clone(a.Tags)
	a.Icon = a.Icon.Clone()
	return a
}

func cloneAccounts(accts []Account) []Account {
	out := make([]Account, len(accts))
	for i, a := range accts {
		out[i] = cloneAccount(a)
	}
	return out
}
