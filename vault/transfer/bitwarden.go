package transfer

import (
	"fmt"
	"strings"

	"authdesk/vault"
	"authdesk/vault/otpauth"
)

type bitwardenFile struct {
	Encrypted         *bool           `json:"encrypted"`
	PasswordProtected bool            `json:"passwordProtected"`
	Items             []bitwardenItem `json:"items"`
}

type bitwardenItem struct {
	Type  int    `json:"type"`
	Name  string `json:"name"`
	Login *struct {
		Username *string `json:"username"`
		TOTP     *string `json:"totp"`
	} `json:"login"`
}

// bitwardenEncrypted says what to do with an encrypted Bitwarden export.
const bitwardenEncrypted = "encrypted Bitwarden exports are not supported: in Bitwarden choose Export vault, " +
	"file format “.json” (not “.json (Encrypted)”), import that file, then delete it"

func readBitwarden(data []byte) (*Result, error) {
	var f bitwardenFile
	if err := decodeJSON(data, &f); err != nil {
		return nil, fmt.Errorf("the Bitwarden export: %w", err)
	}
	if f.Encrypted != nil && *f.Encrypted || f.PasswordProtected {
		return nil, fmt.Errorf("%w: %s", ErrUnsupportedVersion, bitwardenEncrypted)
	}
	res := &Result{Format: Bitwarden}
	without := 0
	for i, it := range f.Items {
		if it.Login == nil || it.Login.TOTP == nil || strings.TrimSpace(*it.Login.TOTP) == "" {
			without++
			continue
		}
		user := ""
		if it.Login.Username != nil {
			user = strings.TrimSpace(*it.Login.Username)
		}
		a, err := bitwardenAccount(strings.TrimSpace(*it.Login.TOTP), strings.TrimSpace(it.Name), user)
		if err != nil {
			return nil, fmt.Errorf("%w: Bitwarden item %d (%s): %v", ErrMalformed, i+1, printable(it.Name), err)
		}
		if a.Issuer == "" && a.Name == "" {
			a.Name = fmt.Sprintf("Bitwarden item %d", i+1)
		}
		res.Accounts = append(res.Accounts, a)
	}
	if without > 0 {
		res.Skipped = append(res.Skipped, fmt.Sprintf("left out %d Bitwarden %s without a TOTP key", without, map[bool]string{true: "item", false: "items"}[without == 1]))
	}
	return res, nil
}

// bitwardenAccount reads login.totp: an otpauth URI, steam://KEY or a bare
// base32 key. The item's name and username fill in what the URI lacks.
func bitwardenAccount(totp, name, user string) (vault.Account, error) {
	var a vault.Account
	switch low := strings.ToLower(totp); {
	case strings.HasPrefix(low, "otpauth://"):
		var err error
		if a, err = otpauth.Parse(totp); err != nil {
			return a, err
		}
		if a.Issuer == "" {
			a.Issuer = name
		}
		if a.Name == "" {
			a.Name = user
		}
		return a, nil
	case strings.HasPrefix(low, "steam://"):
		secret, err := vault.DecodeSecret(totp[len("steam://"):])
		if err != nil {
			return a, fmt.Errorf("steam key: %v", err)
		}
		return vault.Account{Issuer: name, Name: user, Secret: secret, Type: vault.Steam,
			Algorithm: vault.SHA1, Digits: vault.SteamDigits, Period: vault.DefaultPeriod}, nil
	default:
		secret, err := vault.DecodeSecret(totp)
		if err != nil {
			return a, fmt.Errorf("TOTP key: %v", err)
		}
		return vault.Account{Issuer: name, Name: user, Secret: secret, Type: vault.TOTP,
			Algorithm: vault.SHA1, Digits: vault.DefaultDigits, Period: vault.DefaultPeriod}, nil
	}
}
