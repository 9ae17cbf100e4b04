package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"

	"authdesk/internal/atomicfile"
)

// The vault file, in full:
//
//	authdesk-vault v1 id=<32 hex digits>
//	-----BEGIN AGE ENCRYPTED FILE-----
//	(the vault key, an age X25519 identity, encrypted with the password: age scrypt)
//	-----END AGE ENCRYPTED FILE-----
//	-----BEGIN AGE ENCRYPTED FILE-----
//	(the accounts as JSON, encrypted to the vault key's recipient)
//	-----END AGE ENCRYPTED FILE-----
//
// The id names the keychain entry that holds the vault key, so unlocking with
// the keychain skips the deliberately slow password block entirely.

const (
	fileMagic     = "authdesk-vault v1"
	maxFileSize   = 64 << 20 // far above 1,000 accounts (~0.5 MB); bounds what a hostile file can make us allocate
	maxPayload    = maxFileSize
	payloadFormat = 2 // 2: stamps, sort keys and tombstones for Merge (format2.go)
)

// idRe and backupRe are compiled on first use: a package-level
// regexp.MustCompile runs in every program that links the vault, before
// main, whether or not it opens a file (authdesk-cli help, code --uri).
var idRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{32}$`) })

// fileParts is a vault file split into its pieces, before any decryption.
type fileParts struct {
	id       string
	keyBlock []byte // armored age file: the identity, sealed with the password
	data     []byte // armored age file: the payload, encrypted to the identity
}

// payload is the decrypted content of the data block.
//
// New fields are optional and keep the format version: an older Authdesk
// (which checks only Version) opens the file and ignores them, and drops
// them when it saves. A field may therefore only add something that is
// safe to lose, as the quick-unlock PIN is (losing it asks for the password).
type payload struct {
	Version    int         `json:"version"`
	Accounts   []Account   `json:"accounts"`
	Tombstones []Tombstone `json:"tombstones,omitempty"` // v2
	PIN        *pinHash    `json:"pin,omitempty"`        // the quick-unlock PIN's hash; nil: no PIN
	// Device is this machine's clock ID (v2). Like the PIN and LastUsed
	// it is local: a replica leaves it out.
	Device string `json:"device,omitempty"`
	// Retired lists the SHA-256 of the key blocks a password change on
	// this computer retired (local, capped): a replica still sealed with
	// one is older than this vault's key (adopt.go).
	Retired []string `json:"retired,omitempty"`
}

func (p fileParts) bytes() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s id=%s\n", fileMagic, p.id)
	b.Write(p.keyBlock)
	b.Write(p.data)
	return b.Bytes()
}

// parseFile splits a vault file into its parts, checking only its structure.
func parseFile(b []byte) (fileParts, error) {
	var p fileParts
	if len(b) > maxFileSize {
		return p, fmt.Errorf("file is larger than %d bytes", maxFileSize)
	}
	first, rest, ok := bytes.Cut(b, []byte("\n"))
	if !ok {
		if len(b) == 0 {
			return p, errors.New("file is empty")
		}
		return p, errors.New("file is truncated after its first line")
	}
	id, ok := strings.CutPrefix(strings.TrimSuffix(string(first), "\r"), fileMagic+" id=")
	if !ok && newerMagic(first) {
		return p, newerFormat("the file header", string(bytes.Fields(first)[1]))
	}
	if !ok {
		return p, errors.New("not an Authdesk vault (first line is not \"" + fileMagic + " id=…\")")
	}
	if !idRe().MatchString(id) {
		return p, errors.New("vault id on the first line is malformed")
	}
	p.id = id
	blocks, trailing := splitArmor(rest)
	switch {
	case len(blocks) == 2 && len(trailing) > 0:
		return p, errors.New("unexpected data after the account data block")
	case len(blocks) == 0:
		return p, errors.New("file is truncated: no encrypted block")
	case len(blocks) == 1:
		return p, errors.New("file is truncated: the account data block is missing or incomplete")
	case len(blocks) > 2:
		return p, errors.New("file has more than two encrypted blocks")
	}
	p.keyBlock, p.data = blocks[0], blocks[1]
	return p, nil
}

// splitArmor returns the complete armored blocks of b, each including its
// header and footer lines, and whatever follows the last complete block.
func splitArmor(b []byte) (blocks [][]byte, rest []byte) {
	for {
		trimmed := bytes.TrimLeft(b, " \t\r\n")
		if !bytes.HasPrefix(trimmed, []byte(armor.Header+"\n")) {
			return blocks, trimmed
		}
		end := bytes.Index(trimmed, []byte(armor.Footer+"\n"))
		if end < 0 {
			return blocks, trimmed
		}
		end += len(armor.Footer) + 1
		blocks = append(blocks, trimmed[:end:end])
		b = trimmed[end:]
	}
}

// sealIdentity encrypts the identity with the password (age scrypt) at work
// factor logN and armors the result.
func sealIdentity(id *age.X25519Identity, password []byte, logN int) ([]byte, error) {
	r, err := age.NewScryptRecipient(string(password))
	if err != nil {
		return nil, fmt.Errorf("seal vault key: %w", err)
	}
	r.SetWorkFactor(logN)
	return encryptArmored([]byte(id.String()+"\n"), r)
}

// unsealIdentity decrypts the key block with the password. A wrong password
// gives ErrWrongPassword; anything else means the block is damaged.
func unsealIdentity(block, password []byte, maxLogN int) (*age.X25519Identity, error) {
	si, err := age.NewScryptIdentity(string(password))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrWrongPassword, err)
	}
	si.SetMaxWorkFactor(maxLogN)
	plain, err := decryptArmored(block, si, 1024)
	if err != nil {
		if errors.Is(err, age.ErrIncorrectIdentity) {
			return nil, ErrWrongPassword
		}
		return nil, corruptf("key block: %v", err)
	}
	id, err := age.ParseX25519Identity(strings.TrimSpace(string(plain)))
	if err != nil {
		return nil, corruptf("key block does not hold an age identity")
	}
	return id, nil
}

// errKeyMismatch means the identity does not open the data block: the
// keychain holds the key of another vault.
var errKeyMismatch = errors.New("the key does not open this vault")

func encryptPayload(p payload, r age.Recipient) ([]byte, error) {
	if p.Accounts == nil {
		p.Accounts = []Account{}
	}
	p.Version = payloadFormat
	js, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode accounts: %w", err)
	}
	return encryptArmored(js, r)
}

func decryptPayload(block []byte, id *age.X25519Identity) (payload, error) {
	plain, err := decryptArmored(block, id, maxPayload)
	if err != nil {
		if errors.Is(err, age.ErrIncorrectIdentity) {
			return payload{}, errKeyMismatch
		}
		return payload{}, corruptf("account data: %v", err)
	}
	defer clear(plain)
	var p payload
	if err := json.Unmarshal(plain, &p); err != nil {
		return payload{}, corruptf("account data is not valid JSON: %v", err)
	}
	switch {
	case p.Version > payloadFormat:
		return payload{}, newerFormat("the account data", strconv.Itoa(p.Version))
	case p.Version < 1:
		return payload{}, corruptf("account data has no valid format version (%d)", p.Version)
	case p.Version == 1:
		migrateV1(p.Accounts)
	}
	sanitizeV2(&p)
	if p.PIN.check() != nil {
		// Out-of-range parameters: forget the PIN rather than refuse the
		// accounts; the password still unlocks.
		p.PIN = nil
	}
	return p, nil
}

func encryptArmored(plain []byte, r age.Recipient) ([]byte, error) {
	var buf bytes.Buffer
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, r)
	if err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	if _, err := w.Write(plain); err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	if err := aw.Close(); err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	// armor.Writer ends the footer with a newline. No blank line may follow:
	// the age tool (1.1) recognizes an armored file only when its first line
	// is the header, and the recovery recipe cuts the file right after a
	// footer.
	return buf.Bytes(), nil
}

func decryptArmored(block []byte, id age.Identity, limit int64) ([]byte, error) {
	r, err := age.Decrypt(armor.NewReader(bytes.NewReader(block)), id)
	if err != nil {
		return nil, err
	}
	plain, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(plain)) > limit {
		return nil, fmt.Errorf("decrypted data is larger than %d bytes", limit)
	}
	return plain, nil
}

func newVaultID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// readFile reads the vault file, refusing absurd sizes and anything but a
// regular file: a FIFO planted in a synced folder would block the read (and
// the vault's lock) forever, a device would never end. It opens without
// blocking (openNonblock), then checks what it opened.
func readFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a regular file", path, modeName(fi.Mode()))
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFileSize {
		return nil, corruptf("file is larger than %d bytes", maxFileSize)
	}
	return b, nil
}

// modeName says what kind of file a non-regular file is.
func modeName(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// keepBackups is how many previous versions of the vault are kept.
const keepBackups = 10

// writeAtomic replaces path with b so that a crash at any moment leaves either
// the old or the new file, never a mix: write a temporary file in the same
// directory, fsync it, link the current version into the backups directory,
// rename the temporary file over path, fsync the directory.
// When backup is set, the version replaced is kept as a backup named after
// the time now. hook, when not nil, runs just before the rename (see
// Options.beforeRename).
func writeAtomic(path string, b []byte, backup bool, now time.Time, hook func(tmp, dst string)) error {
	removeStaleTemps(path)
	return replaceFile(path, b, backup, now, hook)
}

// replaceFile is writeAtomic without the clean-up of temporary files, for
// a folder that others write too (a synced folder).
func replaceFile(path string, b []byte, backup bool, now time.Time, hook func(tmp, dst string)) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}, atomicfile.Options{BeforeRename: func(tmp string) error {
		if hook != nil {
			hook(tmp, path)
		}
		if backup {
			if err := linkBackup(path, now); err != nil {
				return fmt.Errorf("back up the previous version: %w", err)
			}
		}
		return nil
	}})
	if err != nil {
		return fmt.Errorf("save vault: %w", err)
	}
	return nil
}

// removeStaleTemps deletes temporary files left by a save that was killed.
// Only the holder of the vault lock writes temporary files, and it calls this
// before writing its own, so every one found is stale.
func removeStaleTemps(path string) {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), atomicfile.TempPattern(path)))
	for _, m := range matches {
		os.Remove(m)
	}
}

// BackupDir returns the directory that holds the previous versions of the
// vault at path: "<path>.backups".
func BackupDir(path string) string { return path + ".backups" }

var backupRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]{8})-[0-9TZ]+\.age$`) })

// Backups returns the backups of the vault at path, newest first. Each is a
// complete vault file that opens with the vault's current password and key
// (ChangePassword re-encrypts them), except those a password change kept
// because they are damaged or sealed with another password
// (PasswordChange.Kept).
func Backups(path string) ([]string, error) {
	ents, err := os.ReadDir(BackupDir(path))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	var names []string
	for _, e := range ents {
		if backupRe().MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	slices.Reverse(names)
	for i, n := range names {
		names[i] = filepath.Join(BackupDir(path), n)
	}
	return names, nil
}

// linkBackup hard-links the current vault file into the backups directory (the
// rename that follows replaces only the directory entry, so the link keeps the
// old version at no copying cost) and prunes all but the newest keepBackups.
func linkBackup(path string, now time.Time) error {
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	dir := BackupDir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	existing, err := Backups(path)
	if err != nil {
		return err
	}
	seq := 1
	if len(existing) > 0 {
		m := backupRe().FindStringSubmatch(filepath.Base(existing[0]))
		n, _ := strconv.Atoi(m[1])
		seq = n + 1
	}
	name := filepath.Join(dir, fmt.Sprintf("%08d-%s.age", seq%100000000, now.UTC().Format("20060102T150405Z")))
	if err := os.Link(path, name); err != nil {
		// Filesystems without hard links: copy instead.
		b, rerr := os.ReadFile(path)
		if rerr != nil {
			return err
		}
		if werr := os.WriteFile(name, b, 0o600); werr != nil {
			return werr
		}
	}
	existing = append([]string{name}, existing...)
	for _, old := range existing[min(len(existing), keepBackups):] {
		os.Remove(old)
	}
	return nil
}

// SecureDir makes dir, the folder a new vault goes into, private: it is
// created 0700 when missing; an existing folder that group or others may
// read or write is tightened to 0700 (tightened reports it), and one that
// cannot be tightened (another user's, or a shared sticky folder like
// /tmp) but others can write is refused: whoever can write there can
// replace the vault or its lock file. Permission bits mean little on
// Windows, where it only creates the folder.
func SecureDir(dir string) (tightened bool, err error) {
	fi, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return false, fmt.Errorf("create vault folder: %w", err)
		}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("vault folder: %w", err)
	}
	if !fi.IsDir() {
		return false, fmt.Errorf("vault folder %s is not a folder", dir)
	}
	perm := fi.Mode().Perm()
	if runtime.GOOS == "windows" || perm&0o077 == 0 {
		return false, nil
	}
	othersWrite := perm&0o022 != 0
	if fi.Mode()&os.ModeSticky == 0 {
		if err := os.Chmod(dir, 0o700); err == nil {
			return true, nil
		}
	}
	if othersWrite {
		return false, fmt.Errorf("the folder %s can be written by other users (mode %04o): put the vault in a folder of your own (--vault PATH), or make this one private with chmod 700", dir, perm)
	}
	return false, nil
}
