package vault

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// The quick-unlock PIN: after the auto-lock, the desktop app may take a
// short PIN instead of the password. The vault key then comes from the
// keychain again (Open), and the PIN is checked against its hash stored
// inside the encrypted accounts block (CheckPIN): the PIN guards nothing the
// keychain does not already open, it only stands between the keychain and
// whoever sits at an unlocked session. The caller limits the tries.

// PIN lengths, in decimal digits.
const (
	MinPINLength = 4
	MaxPINLength = 10
)

// Errors about the quick-unlock PIN.
var (
	ErrWrongPIN = errors.New("wrong PIN")
	ErrNoPIN    = errors.New("no quick-unlock PIN is set")
)

// pinParams are the Argon2id costs of new PIN hashes (RFC 9106 Argon2id;
// OWASP's 19 MiB, two passes, one lane): about 50 ms here, see
// BenchmarkCheckPIN. The hash sits inside the encrypted block, so its cost
// only slows whoever already holds the vault key; the try limit is what
// guards the PIN.
var pinParams = pinCost{Time: 2, MemoryKiB: 19 * 1024, Threads: 1}

// Caps on the costs read from a vault file: a planted hash must not make a
// check allocate gigabytes or run for minutes.
const (
	maxPINTime      = 10
	maxPINMemoryKiB = 256 * 1024
	maxPINThreads   = 8
	pinSaltLen      = 16
	pinHashLen      = 32
)

// pinCost are the Argon2id parameters of one hash.
type pinCost struct {
	Time      uint32 `json:"t"`
	MemoryKiB uint32 `json:"m"`
	Threads   uint8  `json:"p"`
}

// pinHash is the quick-unlock PIN as the vault stores it.
type pinHash struct {
	Alg  string `json:"alg"` // "argon2id"
	Salt []byte `json:"salt"`
	Hash []byte `json:"hash"`
	pinCost
}

// ValidatePIN checks that pin is 4 to 10 decimal digits.
func ValidatePIN(pin string) error {
	if len(pin) < MinPINLength || len(pin) > MaxPINLength {
		return fmt.Errorf("the PIN must have %d to %d digits", MinPINLength, MaxPINLength)
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return errors.New("the PIN may hold only the digits 0 to 9")
		}
	}
	return nil
}

func newPINHash(pin string, c pinCost) (*pinHash, error) {
	if err := ValidatePIN(pin); err != nil {
		return nil, err
	}
	salt := make([]byte, pinSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("PIN salt: %w", err)
	}
	h := &pinHash{Alg: "argon2id", Salt: salt, pinCost: c}
	h.Hash = h.derive(pin)
	return h, nil
}

func (h *pinHash) derive(pin string) []byte {
	return argon2.IDKey([]byte(pin), h.Salt, h.Time, h.MemoryKiB, h.Threads, pinHashLen)
}

// check rejects a stored hash this package would not have written; nil is
// fine (no PIN).
func (h *pinHash) check() error {
	switch {
	case h == nil:
		return nil
	case h.Alg != "argon2id":
		return fmt.Errorf("unknown algorithm %q", h.Alg)
	case len(h.Salt) < 8 || len(h.Salt) > 64, len(h.Hash) != pinHashLen:
		return errors.New("salt or hash has the wrong length")
	case h.Time < 1 || h.Time > maxPINTime, h.MemoryKiB < 8*uint32(h.Threads) || h.MemoryKiB > maxPINMemoryKiB,
		h.Threads < 1 || h.Threads > maxPINThreads:
		return fmt.Errorf("costs out of range (t=%d, m=%d KiB, p=%d)", h.Time, h.MemoryKiB, h.Threads)
	}
	return nil
}

// matches compares in constant time.
func (h *pinHash) matches(pin string) bool {
	got := h.derive(pin)
	defer clear(got)
	return subtle.ConstantTimeCompare(got, h.Hash) == 1
}

func (h *pinHash) wipe() {
	if h != nil {
		clear(h.Hash)
		clear(h.Salt)
	}
}

// HasPIN reports whether a quick-unlock PIN is set.
func (v *Vault) HasPIN() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.pin != nil
}

// CheckPIN returns nil when pin is the quick-unlock PIN, ErrWrongPIN when it
// is not and ErrNoPIN when none is set. It costs one Argon2id hash (about
// 50 ms): call it off the UI goroutine. It does not count tries.
func (v *Vault) CheckPIN(pin string) error {
	v.mu.Lock()
	h := v.pin
	v.mu.Unlock()
	switch {
	case h == nil:
		return ErrNoPIN
	case ValidatePIN(pin) != nil || !h.matches(pin):
		return ErrWrongPIN
	}
	return nil
}

// SetPIN sets the quick-unlock PIN (4 to 10 digits) and saves; the
// accounts are unchanged, so no backup is kept.
func (v *Vault) SetPIN(pin string) error {
	h, err := newPINHash(pin, pinParams)
	if err != nil {
		return fmt.Errorf("set PIN: %w", err)
	}
	if err := v.savePIN(h); err != nil {
		return fmt.Errorf("set PIN: %w", err)
	}
	return nil
}

// RemovePIN removes the quick-unlock PIN and saves.
func (v *Vault) RemovePIN() error {
	if err := v.savePIN(nil); err != nil {
		return fmt.Errorf("remove PIN: %w", err)
	}
	return nil
}

func (v *Vault) savePIN(h *pinHash) error {
	return v.locked(func() error {
		old := v.pin
		v.pin = h
		if err := v.save(cloneAccounts(v.accounts), false); err != nil {
			v.pin = old
			return err
		}
		old.wipe()
		return nil
	})
}
