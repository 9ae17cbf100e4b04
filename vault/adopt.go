package vault

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
)

// After a password change on one computer, the replica in the synced
// folder is sealed with the new key. The computer that changed it
// recognises the old replica by its retired key block (Key.Retired) and
// writes over it with the new key; every other computer adopts the new key
// with the new password (AdoptKey), so the old key is never written back.

// maxRetired caps the retired key blocks a vault remembers.
const maxRetired = 16

func keyBlockHash(block []byte) string {
	h := sha256.Sum256(block)
	return hex.EncodeToString(h[:])
}

// retire records the current key block as retired. The caller holds v.mu.
func (v *Vault) retire(block []byte) {
	v.retired = append(v.retired, keyBlockHash(block))
	if len(v.retired) > maxRetired {
		v.retired = slices.Clone(v.retired[len(v.retired)-maxRetired:])
	}
}

// Retired reports whether the vault file b is sealed with a key block that
// a password change on this computer retired: an older copy of the vault.
func (k Key) Retired(b []byte) bool {
	p, err := parseFile(b)
	if err != nil || p.id != k.vaultID {
		return false
	}
	h := keyBlockHash(p.keyBlock)
	return slices.ContainsFunc(k.retired, func(r string) bool {
		return subtle.ConstantTimeCompare([]byte(r), []byte(h)) == 1
	})
}

// AdoptKey moves the vault to the key of the vault file at path (a replica
// sealed with the key a password change on another computer made), opened
// with its password: the key block and key are taken over, the backups
// and set-aside files are re-encrypted to the key (as ChangePassword does,
// so no file beside the vault opens with the retired key), the retired key
// block is remembered, and the keychain gets the key. It takes a key
// derivation (about a second) per distinct key block: call it off the UI
// goroutine. The accounts are not merged: sync after it.
func (v *Vault) AdoptKey(path string, password []byte) (PasswordChange, error) {
	var res PasswordChange
	b, err := readFile(path)
	if err != nil {
		return res, fmt.Errorf("adopt the key of %s: %w", path, err)
	}
	parts, err := parseFile(b)
	if err != nil {
		return res, fmt.Errorf("adopt the key of %s: %w", path, err)
	}
	id, err := unsealIdentity(parts.keyBlock, password, v.opts.maxWorkFactor())
	if err != nil {
		return res, fmt.Errorf("adopt the key of %s: %w", path, err)
	}
	if _, err := decryptPayload(parts.data, id); err != nil {
		return res, fmt.Errorf("adopt the key of %s: its key does not open it: %w", path, err)
	}
	err = v.locked(func() error {
		if parts.id != v.id {
			return fmt.Errorf("%s is a copy of vault %s, not of this vault", path, parts.id)
		}
		rk := rekey{old: v.identity, retiredBlock: v.keyBlock, id: id, keyBlock: parts.keyBlock, newPassword: password,
			maxLogN: v.opts.maxWorkFactor(), hook: v.opts.beforeRename}
		if res, err = rk.files(v.path); err != nil {
			return err
		}
		v.retire(v.keyBlock)
		oldID, oldBlock := v.identity, v.keyBlock
		v.identity, v.keyBlock = id, parts.keyBlock
		if err := v.save(cloneAccounts(v.accounts), false); err != nil {
			v.identity, v.keyBlock = oldID, oldBlock
			return err
		}
		v.keychainErr = v.storeKey()
		return nil
	})
	if err != nil && !errors.Is(err, ErrWrongPassword) {
		return res, fmt.Errorf("adopt the key of %s: %w", path, err)
	}
	return res, err
}
