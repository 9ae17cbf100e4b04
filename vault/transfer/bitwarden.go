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
		name := strings.TrimSpace(it.Name)
		if name == "" && user == "" {
			name = fmt.Sprintf("Bitwarden item %d", i+1)
		}
		a, err := bitwardenAccount(strings.TrimSpace(*it.Login.TOTP), name, user)
		if err != nil {
			return nil, fmt.Errorf("%w: Bitwarden item %d (%s): %v", ErrMalformed, i+1, printable(it.Name), err)
		}
		res.Accounts = append(res.Accounts, a)
	}
	if without > 0 {
		res.Skipped = append(res.Skipped, fmt.Sprintf("left out %d Bitwarden %s without a TOTP key", without, map[bool]string{true: "item", false: "items"}[without == 1]))
	}
	return res, nil
}

// bitwardenAccount reads login.totp: an otpauth URI, steam://KEY or a bare
// base32 key. The item's name and username fill in what the URI lacks. A
// steam:// key is issuer Steam and, as account, the item's name (the
// username when the item is only called Steam).
func bitwardenAccount(totp, name, user string) (vault.Account, error) {
	low := strings.ToLower(totp)
	if strings.HasPrefix(low, "otpauth://") {
		a, err := otpauth.Parse(totp)
		if err != nil {
			return a, err
		}
		if a.Issuer == "" {
			a.Issuer = name
		}
		if a.Name == "" {
			a.Name = user
		}
		return a, nil
	}
	a := vault.Account{Issuer: name, Name: user, Type: vault.TOTP}
	what := "TOTP key"
	if strings.HasPrefix(low, "steam://") {
		totp, what = totp[len("steam://"):], "steam key"
		a.Type, a.Issuer, a.Name = vault.Steam, "Steam", name
		if strings.EqualFold(strings.TrimSpace(name), "steam") || strings.TrimSpace(name) == "" {
			a.Name = user
		}
	}
	secret, err := vault.DecodeSecret(totp)
	if err != nil {
		return a, fmt.Errorf("%s: %v", what, err)
	}
	a.Secret = secret
	return vault.Normalize(a)
}
