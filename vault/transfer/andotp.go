package transfer

import (
	"encoding/binary"
	"fmt"
	"strings"

	"authdesk/vault"
)

// andOTP's encrypted backup: iterations ‖ salt ‖ IV ‖ ciphertext ‖ tag.
const (
	andotpIterLen = 4
	andotpSaltLen = 12
	andotpHeader  = andotpIterLen + andotpSaltLen + gcmNonceLen
	// andotpMinIter is the fewest iterations an encrypted backup is
	// recognised with when detecting by content: andOTP writes
	// 140,000–160,000, and a low floor would take random files for backups.
	andotpMinIter = 1000
)

type andotpEntry struct {
	Secret    string   `json:"secret"`
	Issuer    *string  `json:"issuer"`
	Label     string   `json:"label"`
	Digits    int      `json:"digits"`
	Type      string   `json:"type"`
	Algorithm string   `json:"algorithm"`
	Period    int      `json:"period"`
	Counter   *uint64  `json:"counter"`
	Tags      []string `json:"tags"`
}

// isAndOTPEncrypted reports whether data could be an encrypted andOTP
// backup: long enough, with a plausible iteration count up front.
func isAndOTPEncrypted(data []byte) bool {
	if len(data) < andotpHeader+gcmTagLen {
		return false
	}
	iter := binary.BigEndian.Uint32(data)
	return iter >= andotpMinIter && iter <= maxIterations
}

func readAndOTP(data []byte, pw *password) (*Result, error) {
	t := strings.TrimSpace(string(data[:min(len(data), 64)]))
	if !strings.HasPrefix(t, "[") {
		var err error
		if data, err = decryptAndOTP(data, pw); err != nil {
			return nil, err
		}
	}
	var entries []andotpEntry
	if err := decodeJSON(data, &entries); err != nil {
		return nil, fmt.Errorf("andOTP backup: %w", err)
	}
	return convertAll(AndOTP, "andOTP", "entry", entries, andotpEntry.account, func(e andotpEntry) string { return e.Label })
}

func decryptAndOTP(data []byte, pw *password) ([]byte, error) {
	if len(data) < gcmNonceLen+gcmTagLen {
		return nil, fmt.Errorf("%w: an encrypted andOTP backup is at least %d bytes", ErrMalformed, gcmNonceLen+gcmTagLen)
	}
	var key []byte
	if isAndOTPEncrypted(data) {
		iter := int64(binary.BigEndian.Uint32(data))
		salt := data[andotpIterLen : andotpIterLen+andotpSaltLen]
		password, err := pw.value()
		if err != nil {
			return nil, err
		}
		if key, err = pbkdf2Key(sha1New, password, salt, iter); err != nil {
			return nil, err
		}
		if plain, err := openGCM(key, data[andotpIterLen+andotpSaltLen:andotpHeader], data[andotpHeader:]); err == nil {
			return plain, nil
		}
	}
	// andOTP's older format (before 0.6.3): IV ‖ ciphertext ‖ tag under
	// SHA-256(password), no key derivation. Its first bytes are random, so
	// a file is tried both ways.
	password, err := pw.value()
	if err != nil {
		return nil, err
	}
	key = sha256Sum(password)
	plain, err := openGCM(key, data[:gcmNonceLen], data[gcmNonceLen:])
	if err != nil {
		// The format has no password check apart from the data's own tag.
		return nil, fmt.Errorf("%w for this andOTP backup (or the file is damaged)", ErrWrongPassword)
	}
	return plain, nil
}

func (e andotpEntry) account() (a vault.Account, skip string, err error) {
	if e.Issuer != nil {
		a.Issuer, a.Name = strings.TrimSpace(*e.Issuer), strings.TrimSpace(e.Label)
	} else if iss, name, ok := strings.Cut(e.Label, " - "); ok {
		// Backups from before andOTP had an issuer field.
		a.Issuer, a.Name = strings.TrimSpace(iss), strings.TrimSpace(name)
	} else {
		a.Name = strings.TrimSpace(e.Label)
	}
	if a.Secret, err = vault.DecodeSecret(e.Secret); err != nil {
		return a, "", fmt.Errorf("secret: %v", err)
	}
	if a.Algorithm, skip = algorithm(e.Algorithm); skip != "" {
		return a, skip, nil
	}
	a.Digits, a.Period, a.Tags = e.Digits, e.Period, e.Tags
	switch strings.ToUpper(e.Type) {
	case "TOTP":
		a.Type = vault.TOTP
	case "HOTP":
		if e.Counter == nil {
			return a, "", fmt.Errorf("HOTP entry without a counter")
		}
		a.Type, a.Counter, a.Period = vault.HOTP, *e.Counter, 0
	case "STEAM":
		// andOTP writes Steam entries without a period.
		a.Type, a.Digits, a.Algorithm = vault.Steam, vault.SteamDigits, vault.SHA1
	case "MOTP":
		return a, "mOTP codes are not supported", nil
	default:
		return a, fmt.Sprintf("unknown type %.16q", e.Type), nil
	}
	// The account rules (digits, period…) are the vault's.
	n, err := vault.Normalize(tidy(a))
	if err != nil {
		return a, err.Error(), nil
	}
	return n, "", nil
}
