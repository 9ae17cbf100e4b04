package platform

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argonParams are Argon2id cost parameters.
type argonParams struct {
	memKiB  uint32
	time    uint32
	threads uint8
}

// defaultArgon is OWASP's minimum recommendation for Argon2id: m=19 MiB, t=2, p=1.
var defaultArgon = argonParams{memKiB: 19 * 1024, time: 2, threads: 1}

// Limits on the stored parameters we are willing to run: the hash string
// comes from the database and is treated as untrusted.
const (
	maxArgonMemKiB = 256 * 1024
	maxArgonTime   = 16
	maxArgonLanes  = 8
)

const (
	minPasswordLen = 12   // characters
	maxPasswordLen = 1024 // bytes, bounds the hashing input
)

// hasher hashes and checks passwords, bounding the number of concurrent
// Argon2id computations so that memory stays at workers × m.
type hasher struct {
	params argonParams
	sem    chan struct{}

	dummyOnce sync.Once
	dummy     string // hash checked for unknown emails, so timing reveals nothing
}

func newHasher(p argonParams, workers int) *hasher {
	if workers < 1 {
		workers = 1
	}
	return &hasher{params: p, sem: make(chan struct{}, workers)}
}

// acquire waits for a hashing slot.
func (h *hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait to hash password: %w", ctx.Err())
	}
}

func (h *hasher) release() { <-h.sem }

// hash returns a PHC-format Argon2id hash of pw. The caller holds a slot.
func (h *hasher) hash(pw string) string {
	salt := randomBytes(16)
	p := h.params
	sum := argon2.IDKey([]byte(pw), salt, p.time, p.memKiB, p.threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memKiB, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(sum))
}

// verify reports whether pw matches encoded. An empty encoded string checks
// against a dummy hash and reports false, at the same cost. The caller holds a slot.
func (h *hasher) verify(pw, encoded string) (bool, error) {
	if encoded == "" {
		h.dummyOnce.Do(func() { h.dummy = h.hash("authdesk-dummy-password") })
		_, _ = h.verify(pw, h.dummy)
		return false, nil
	}
	p, salt, want, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memKiB, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

var errBadHash = errors.New("stored password hash is malformed")

// parsePHC parses "$argon2id$v=19$m=..,t=..,p=..$salt$hash" with caps on the costs.
func parsePHC(s string) (argonParams, []byte, []byte, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return argonParams{}, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return argonParams{}, nil, nil, errBadHash
	}
	var m, t, p uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || n != 3 {
		return argonParams{}, nil, nil, errBadHash
	}
	if m < 8 || m > maxArgonMemKiB || t < 1 || t > maxArgonTime || p < 1 || p > maxArgonLanes || m < 8*p {
		return argonParams{}, nil, nil, errBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	sum, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(sum) < 16 || len(sum) > 64 {
		return argonParams{}, nil, nil, errBadHash
	}
	return argonParams{memKiB: m, time: t, threads: uint8(p)}, salt, sum, nil
}

// checkPasswordPolicy enforces the length rules on a new password.
func checkPasswordPolicy(pw string) error {
	if !utf8.ValidString(pw) {
		return invalidf("the password is not valid UTF-8")
	}
	if len(pw) > maxPasswordLen {
		return invalidf("the password is too long (at most %d bytes)", maxPasswordLen)
	}
	if utf8.RuneCountInString(pw) < minPasswordLen {
		return invalidf("the password must be at least %d characters long", minPasswordLen)
	}
	return nil
}
