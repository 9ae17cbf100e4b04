package platform

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"authdesk/internal/atomicfile"
)

// randomBytes returns n bytes from crypto/rand.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	// crypto/rand.Read never returns an error on supported platforms (Go 1.24+).
	_, _ = rand.Read(b)
	return b
}

// randomToken returns a URL-safe token of n random bytes.
func randomToken(n int) string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(n))
}

// hashToken is the form in which session IDs, device tokens, invite tokens
// and recovery codes are stored: an HMAC under the server key, so that a
// database dump alone is not enough to test guesses offline.
func (k *keys) hashToken(kind, token string) []byte {
	m := hmac.New(sha256.New, k.mac)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(token))
	return m.Sum(nil)
}

// visitorToken is the CSRF token of a visitor who has not signed in: an
// HMAC of the visitor cookie's random value (a signed double-submit
// cookie). It costs no storage, and a page on another site can neither read
// the HttpOnly cookie nor compute the token without the server key.
//
// The token is handed to whoever asks, for a cookie value they may choose,
// so it is an HMAC under its own subkey: answers computed with the key that
// hashes stored tokens are never shown to anyone.
func (k *keys) visitorToken(cookie string) string {
	m := hmac.New(sha256.New, k.visitor)
	m.Write([]byte(cookie))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// keys holds the server's secret keys, derived from the key file.
type keys struct {
	aead cipher.AEAD // AES-256-GCM for TOTP secrets at rest
	mac  []byte      // HMAC key for stored token hashes

	visitor []byte // HMAC key for visitors' CSRF tokens, derived from mac
}

// visitorKeyInfo labels the visitor-token subkey in HKDF.
const visitorKeyInfo = "authdesk platform visitor csrf v1"

const keyFileSize = 64

// loadKeys reads the 0600 key file beside the database, creating it on first
// use. The first 32 bytes are the AES-256 key, the last 32 the HMAC key.
func loadKeys(path string) (*keys, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		raw = randomBytes(keyFileSize)
		if err := writeKeyFile(path, raw); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("read platform key: %w", err)
	}
	if len(raw) != keyFileSize {
		return nil, fmt.Errorf("platform key %s: want %d bytes, found %d (delete it together with the database to start over)", path, keyFileSize, len(raw))
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("restrict platform key permissions: %w", err)
		}
	}
	block, err := aes.NewCipher(raw[:32])
	if err != nil {
		return nil, fmt.Errorf("platform key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("platform key: %w", err)
	}
	mac := append([]byte(nil), raw[32:]...)
	visitor, err := hkdf.Key(sha256.New, mac, nil, visitorKeyInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("platform key: derive visitor key: %w", err)
	}
	return &keys{aead: aead, mac: mac, visitor: visitor}, nil
}

// writeKeyFile creates the key file atomically with mode 0600.
func writeKeyFile(path string, raw []byte) error {
	// Keep: if another process created the key first, keep theirs.
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(raw)
		return err
	}, atomicfile.Options{Keep: true})
	if err != nil {
		return fmt.Errorf("create platform key: %w", err)
	}
	return nil
}

// secretAAD binds an encrypted TOTP secret to its user and credential, so a
// ciphertext copied to another row does not decrypt.
func secretAAD(userID int64, cred string) []byte {
	return fmt.Appendf(nil, "authdesk-platform/totp-secret/v1\x00user=%d\x00cred=%s", userID, cred)
}

// sealedPrefix marks an Outbox text sealed with the platform key; rows
// written before sealing lack it and are shown as they are.
const sealedPrefix = "sealed:v1:"

// mailAAD binds a sealed Outbox text to its field, recipient and time.
func mailAAD(field, to string, sent int64) []byte {
	return fmt.Appendf(nil, "authdesk-platform/outbox/v1\x00%s\x00to=%s\x00sent=%d", field, to, sent)
}

// sealMail seals an Outbox body or link, so that a copy of the database
// without its key file holds no live invitation or unlock link.
func (k *keys) sealMail(field, to string, sent int64, text string) string {
	if text == "" {
		return ""
	}
	nonce := randomBytes(k.aead.NonceSize())
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(k.aead.Seal(nonce, nonce, []byte(text), mailAAD(field, to, sent)))
}

// openMail opens a text sealMail sealed; a text without the prefix is
// returned as it is.
func (k *keys) openMail(field, to string, sent int64, text string) (string, error) {
	b64, ok := strings.CutPrefix(text, sealedPrefix)
	if !ok {
		return text, nil
	}
	blob, err := base64.RawStdEncoding.DecodeString(b64)
	ns := k.aead.NonceSize()
	if err != nil || len(blob) < ns+k.aead.Overhead() {
		return "", errors.New("decrypt mail: malformed")
	}
	pt, err := k.aead.Open(nil, blob[:ns], blob[ns:], mailAAD(field, to, sent))
	if err != nil {
		return "", fmt.Errorf("decrypt mail: %w", err)
	}
	return string(pt), nil
}

func (k *keys) sealSecret(userID int64, cred string, secret []byte) []byte {
	nonce := randomBytes(k.aead.NonceSize())
	return k.aead.Seal(nonce, nonce, secret, secretAAD(userID, cred))
}

func (k *keys) openSecret(userID int64, cred string, blob []byte) ([]byte, error) {
	ns := k.aead.NonceSize()
	if len(blob) < ns+k.aead.Overhead() {
		return nil, errors.New("decrypt TOTP secret: ciphertext too short")
	}
	pt, err := k.aead.Open(nil, blob[:ns], blob[ns:], secretAAD(userID, cred))
	if err != nil {
		return nil, fmt.Errorf("decrypt TOTP secret: %w", err)
	}
	return pt, nil
}
