package follow

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"authdesk/internal/atomicfile"
	"authdesk/vault"
)

// maxStateSize caps the state file read: 10,000 entries of two digests
// are under 2 MiB.
const maxStateSize = 4 << 20

// State is what was last applied from a followed folder. It holds no
// secret and no name: each entry is a digest of its key and of its
// content, keyed with Salt, so that the file says nothing of the accounts
// to whoever reads it (a secret cannot be tested against it without the
// salt and a guess of the whole entry).
type State struct {
	Folder  string            `json:"folder"`  // the followed folder, absolute
	Backup  string            `json:"backup"`  // the name of the backup last applied
	Salt    []byte            `json:"salt"`    // 32 random bytes, the digests' key
	Entries map[string]string `json:"entries"` // digest of AccountID(key) → digest of the content
}

// StatePath is where the state of the vault at vaultPath is kept: beside
// it, never in the followed folder, which a sync engine shares.
func StatePath(vaultPath string) string { return vaultPath + ".follow" }

// LoadState reads the state at path; a missing file is an empty state.
func LoadState(path string) (State, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return State{}, nil
	}
	if err != nil {
		return State{}, fmt.Errorf("follow state: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxStateSize+1))
	if err != nil {
		return State{}, fmt.Errorf("follow state: %w", err)
	}
	var s State
	if len(b) > maxStateSize || json.Unmarshal(b, &s) != nil || (len(s.Salt) != 0 && len(s.Salt) != 32) {
		return State{}, fmt.Errorf("follow state %s is damaged: remove it, and the next backup shows every entry as new (applying it makes no duplicates)", path)
	}
	return s, nil
}

// Save writes the state to path atomically, mode 0600.
func (s State) Save(path string) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("follow state: %w", err)
	}
	if err := atomicfile.WriteFile(path, b); err != nil {
		return fmt.Errorf("follow state: %w", err)
	}
	return nil
}

// forFolder is s for following dir: an empty state when s followed another
// folder, with a salt.
func (s State) forFolder(dir string) State {
	if s.Folder != dir {
		s = State{Folder: dir, Salt: s.Salt}
	}
	if len(s.Salt) != 32 {
		s.Salt = make([]byte, 32)
		_, _ = rand.Read(s.Salt) // crypto/rand.Read never fails (Go 1.24+)
	}
	return s
}

// digest is the keyed digest of b under the state's salt.
func (s State) digest(parts ...[]byte) string {
	m := hmac.New(sha256.New, s.Salt)
	for _, p := range parts {
		fmt.Fprintf(m, "%d:", len(p))
		m.Write(p)
	}
	return hex.EncodeToString(m.Sum(nil))
}

// idDigest is the state's key for the account ID id.
func (s State) idDigest(id string) string { return s.digest([]byte("id"), []byte(id)) }

// contentDigest is the state's digest of what a phone entry holds.
func (s State) contentDigest(a vault.Account) string {
	b, _ := json.Marshal([]any{a.Issuer, a.Name, a.Type, a.Algorithm, a.Digits, a.Period, a.Counter, a.Tags, a.Note, a.Favorite, a.Icon})
	return s.digest([]byte("content"), b, a.Secret)
}

// PasswordKey is the keychain entry that holds the backup password of the
// vault vaultID, when the user chose to keep it there.
func PasswordKey(vaultID string) string { return vaultID + "-follow-backup" }

// CheckFolder checks that dir can be followed for the vault at vaultPath:
// a folder that holds neither the vault nor its state, which stay out of
// what a sync engine shares.
func CheckFolder(dir, vaultPath string) error {
	d, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("followed folder: %w", err)
	}
	fi, err := os.Stat(d)
	if err != nil {
		return fmt.Errorf("followed folder: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("the followed folder %s is not a folder", dir)
	}
	vp, err := filepath.Abs(vaultPath)
	if err != nil {
		return fmt.Errorf("followed folder: %w", err)
	}
	if rel, err := filepath.Rel(d, vp); err == nil && !strings.HasPrefix(rel, "..") {
		return fmt.Errorf("the followed folder %s holds the vault %s: keep the vault outside the folder the phone's backups are synced to", dir, vaultPath)
	}
	return nil
}

// SetFolder makes dir the folder followed by the vault at vaultPath,
// recorded in its state: a folder other than the one followed so far
// starts afresh (its first backup shows every entry as new, and applying
// it adds nothing twice). dir "" stops following: the state is removed.
func SetFolder(vaultPath, dir string) error {
	path := StatePath(vaultPath)
	if dir == "" {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("stop following: %w", err)
		}
		return nil
	}
	if err := CheckFolder(dir, vaultPath); err != nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("followed folder: %w", err)
	}
	st, err := LoadState(path)
	if err != nil {
		st = State{} // damaged: start afresh
	}
	return st.forFolder(abs).Save(path)
}
