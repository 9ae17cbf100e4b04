package transfer

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"

	"golang.org/x/crypto/scrypt"
)

// Caps on the key derivation parameters a file may ask for, checked before
// any work: above them a file is ErrMalformed. Real files use N=2^15
// (Aegis), 10,000 (2FAS) and about 150,000 (andOTP) iterations.
const (
	maxScryptN      = 1 << 20
	maxScryptR      = 32
	maxScryptP      = 16
	maxScryptMemory = 1 << 30 // bytes: 128·N·r
	// maxScryptWork caps N·r·p summed over every slot of one file: 16
	// times Aegis's own N=2^15, r=8, p=1. The worst file it accepts (one
	// slot of N=2^19, r=8) costs about 2 s of CPU and 0.5 GiB here
	// (BenchmarkAegisWorstAccepted; README).
	maxScryptWork = 1 << 22
	maxIterations = 10_000_000
	maxSaltLen    = 1024
)

const (
	gcmNonceLen = 12
	gcmTagLen   = 16
	keyLen      = 32 // AES-256
)

// errOpen is returned by openGCM when the data fails authentication; the
// caller decides whether that means a wrong password or damage.
var errOpen = errors.New("authentication failed")

// openGCM decrypts ciphertext‖tag with AES-256-GCM.
func openGCM(key, nonce, sealed []byte) ([]byte, error) {
	aead, err := newGCM(key, len(nonce))
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, nonce, sealed, nil)
	if err != nil {
		return nil, errOpen
	}
	return plain, nil
}

// sealGCM encrypts plain with AES-256-GCM and returns ciphertext‖tag.
func sealGCM(key, nonce, plain []byte) ([]byte, error) {
	aead, err := newGCM(key, len(nonce))
	if err != nil {
		return nil, err
	}
	return aead.Seal(nil, nonce, plain, nil), nil
}

func newGCM(key []byte, nonceLen int) (cipher.AEAD, error) {
	if len(key) != keyLen {
		return nil, fmt.Errorf("%w: key of %d bytes, want %d", ErrMalformed, len(key), keyLen)
	}
	if nonceLen != gcmNonceLen {
		return nil, fmt.Errorf("%w: nonce of %d bytes, want %d", ErrMalformed, nonceLen, gcmNonceLen)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// checkScrypt refuses scrypt parameters that are invalid or too costly.
func checkScrypt(n int64, r, p int, salt []byte) error {
	switch {
	case n < 2 || n&(n-1) != 0:
		return fmt.Errorf("%w: scrypt N=%d is not a power of two above 1", ErrMalformed, n)
	case n > maxScryptN:
		return fmt.Errorf("%w: scrypt N=%d is above the limit of 2^20", ErrMalformed, n)
	case r < 1 || r > maxScryptR || p < 1 || p > maxScryptP:
		return fmt.Errorf("%w: scrypt r=%d, p=%d are out of range (r 1–%d, p 1–%d)", ErrMalformed, r, p, maxScryptR, maxScryptP)
	case 128*n*int64(r) > maxScryptMemory:
		return fmt.Errorf("%w: scrypt N=%d, r=%d would need more than 1 GiB of memory", ErrMalformed, n, r)
	case len(salt) == 0 || len(salt) > maxSaltLen:
		return fmt.Errorf("%w: salt of %d bytes", ErrMalformed, len(salt))
	}
	return nil
}

func scryptKey(password, salt []byte, n int64, r, p int) ([]byte, error) {
	if err := checkScrypt(n, r, p, salt); err != nil {
		return nil, err
	}
	return scrypt.Key(password, salt, int(n), r, p, keyLen)
}

// checkIterations refuses PBKDF2 iteration counts that are invalid or too
// costly.
func checkIterations(iter int64, salt []byte) error {
	switch {
	case iter < 1:
		return fmt.Errorf("%w: PBKDF2 iteration count %d", ErrMalformed, iter)
	case iter > maxIterations:
		return fmt.Errorf("%w: PBKDF2 iteration count %d is above the limit of 10^7", ErrMalformed, iter)
	case len(salt) == 0 || len(salt) > maxSaltLen:
		return fmt.Errorf("%w: salt of %d bytes", ErrMalformed, len(salt))
	}
	return nil
}

func pbkdf2Key(h func() hash.Hash, password, salt []byte, iter int64) ([]byte, error) {
	if err := checkIterations(iter, salt); err != nil {
		return nil, err
	}
	return pbkdf2.Key(h, string(password), salt, int(iter), keyLen)
}

var (
	sha1New   = sha1.New
	sha256New = sha256.New
)

// sha256Sum is SHA-256(b), the key of andOTP's older encrypted backups.
func sha256Sum(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

// jsonRaw is a JSON value kept undecoded.
type jsonRaw = json.RawMessage

// decodeJSON decodes one JSON value into v; a syntax error, a field of the
// wrong kind or trailing data is ErrMalformed.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, jsonError(err))
	}
	if dec.More() {
		return fmt.Errorf("%w: data after the JSON value", ErrMalformed)
	}
	return nil
}

// jsonError keeps the position and kind of a JSON error without quoting the
// data around it (which may be a secret).
func jsonError(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("not valid JSON (at byte %d)", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %s is a JSON %s, want %s", te.Field, te.Value, te.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends early (is the file cut?)"
	}
	return "not valid JSON"
}
