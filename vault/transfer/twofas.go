package transfer

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"

	"authdesk/vault"
)

const (
	twofasMaxSchema  = 4
	twofasIterations = 10_000
)

type twofasFile struct {
	SchemaVersion     *int            `json:"schemaVersion"`
	Services          []twofasService `json:"services"`
	Groups            []twofasGroup   `json:"groups"`
	ServicesEncrypted string          `json:"servicesEncrypted"`
	Reference         string          `json:"reference"`
}

type twofasGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type twofasService struct {
	Name    string    `json:"name"`
	Secret  string    `json:"secret"`
	OTP     twofasOTP `json:"otp"`
	GroupID *string   `json:"groupId"`
}

type twofasOTP struct {
	Label     string `json:"label"`
	Account   string `json:"account"`
	Issuer    string `json:"issuer"`
	Digits    int    `json:"digits"`
	Period    int    `json:"period"`
	Algorithm string `json:"algorithm"`
	Counter   int64  `json:"counter"`
	TokenType string `json:"tokenType"`
}

func readTwoFAS(data []byte, pw *password) (*Result, error) {
	var f twofasFile
	if err := decodeJSON(data, &f); err != nil {
		return nil, fmt.Errorf("2FAS backup: %w", err)
	}
	switch {
	case f.SchemaVersion == nil:
		return nil, fmt.Errorf("%w: 2FAS backup without schemaVersion", ErrMalformed)
	case *f.SchemaVersion > twofasMaxSchema:
		return nil, fmt.Errorf("%w: 2FAS schema version %d (Authdesk reads up to %d)", ErrUnsupportedVersion, *f.SchemaVersion, twofasMaxSchema)
	case *f.SchemaVersion < 1:
		return nil, fmt.Errorf("%w: 2FAS schema version %d", ErrMalformed, *f.SchemaVersion)
	}
	services := f.Services
	if f.ServicesEncrypted != "" {
		plain, err := decryptTwoFAS(f, pw)
		if err != nil {
			return nil, err
		}
		services = nil
		if err := decodeJSON(plain, &services); err != nil {
			return nil, fmt.Errorf("2FAS services: %w", err)
		}
	}
	groups := make(map[string]string, len(f.Groups))
	for _, g := range f.Groups {
		groups[g.ID] = g.Name
	}
	return convertAll(TwoFAS, "2FAS", "service", services, func(s twofasService) (vault.Account, string, error) { return s.account(groups) }, func(s twofasService) string { return s.Name })
}

// twofasPart is one "ciphertext:salt:iv" field.
type twofasPart struct{ data, salt, iv []byte }

func parseTwoFASPart(field, s string) (twofasPart, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return twofasPart{}, fmt.Errorf("%w: 2FAS %s has %d parts, want ciphertext:salt:iv", ErrMalformed, field, len(parts))
	}
	var p twofasPart
	for i, dst := range []*[]byte{&p.data, &p.salt, &p.iv} {
		b, err := base64.StdEncoding.DecodeString(parts[i])
		if err != nil {
			return twofasPart{}, fmt.Errorf("%w: 2FAS %s is not base64 (is the file cut?)", ErrMalformed, field)
		}
		*dst = b
	}
	if len(p.iv) != gcmNonceLen || len(p.data) < gcmTagLen {
		return twofasPart{}, fmt.Errorf("%w: 2FAS %s: IV of %d bytes, data of %d", ErrMalformed, field, len(p.iv), len(p.data))
	}
	if err := checkIterations(twofasIterations, p.salt); err != nil {
		return twofasPart{}, fmt.Errorf("2FAS %s: %w", field, err)
	}
	return p, nil
}

// decryptTwoFAS checks the password against the reference, then decrypts
// the services.
func decryptTwoFAS(f twofasFile, pw *password) ([]byte, error) {
	svc, err := parseTwoFASPart("servicesEncrypted", f.ServicesEncrypted)
	if err != nil {
		return nil, err
	}
	var ref *twofasPart
	if f.Reference != "" {
		r, err := parseTwoFASPart("reference", f.Reference)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(r.salt, svc.salt) {
			return nil, fmt.Errorf("%w: 2FAS reference and services have different salts", ErrMalformed)
		}
		ref = &r
	}
	password, err := pw.value()
	if err != nil {
		return nil, err
	}
	key, err := pbkdf2Key(sha256New, password, svc.salt, twofasIterations)
	if err != nil {
		return nil, err
	}
	if ref != nil {
		if _, err := openGCM(key, ref.iv, ref.data); err != nil {
			return nil, fmt.Errorf("%w for this 2FAS backup", ErrWrongPassword)
		}
	}
	plain, err := openGCM(key, svc.iv, svc.data)
	switch {
	case err != nil && ref != nil:
		return nil, fmt.Errorf("%w: the password is right but the 2FAS services fail authentication (the file was changed or cut)", ErrDamaged)
	case err != nil:
		return nil, fmt.Errorf("%w for this 2FAS backup (or the file is damaged)", ErrWrongPassword)
	}
	return plain, nil
}

func (s twofasService) account(groups map[string]string) (a vault.Account, skip string, err error) {
	a.Issuer = strings.TrimSpace(s.Name)
	if a.Issuer == "" {
		a.Issuer = strings.TrimSpace(s.OTP.Issuer)
	}
	a.Name = strings.TrimSpace(s.OTP.Account)
	if a.Name == "" {
		a.Name = strings.TrimSpace(s.OTP.Label)
	}
	if a.Secret, err = vault.DecodeSecret(s.Secret); err != nil {
		return a, "", fmt.Errorf("secret: %v", err)
	}
	if a.Algorithm, skip = algorithm(s.OTP.Algorithm); skip != "" {
		return a, skip, nil
	}
	a.Digits, a.Period = s.OTP.Digits, s.OTP.Period
	switch strings.ToUpper(s.OTP.TokenType) {
	case "", "TOTP":
		a.Type = vault.TOTP
	case "HOTP":
		if s.OTP.Counter < 0 {
			return a, "", fmt.Errorf("negative counter")
		}
		a.Type, a.Counter, a.Period = vault.HOTP, uint64(s.OTP.Counter), 0
	case "STEAM":
		a.Type, a.Digits, a.Algorithm = vault.Steam, vault.SteamDigits, vault.SHA1
	default:
		return a, fmt.Sprintf("unknown token type %.16q", s.OTP.TokenType), nil
	}
	if s.GroupID != nil {
		if g, ok := groups[*s.GroupID]; ok {
			a.Tags = []string{g}
		}
	}
	// The account rules (digits, period…) are the vault's.
	n, err := vault.Normalize(tidy(a))
	if err != nil {
		return a, err.Error(), nil
	}
	return n, "", nil
}
