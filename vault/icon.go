package vault

import (
	"fmt"

	"authdesk/vault/icons/picture"
)

// Validate is the whole check of an account before the vault stores it:
// its fields (Account.Validate) and its icon's picture, which must pass
// picture.CheckImage. The account layer leaves the picture to the vault so
// that a program computing codes links no image or XML decoders.
func Validate(a Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return checkPicture(a.Icon)
}

// checkPicture checks the picture of ic, if it has one.
func checkPicture(ic *Icon) error {
	if ic == nil || ic.Data == nil && ic.MIME == "" {
		return nil
	}
	if err := picture.CheckImage(ic.Data, ic.MIME); err != nil {
		return fmt.Errorf("icon: %w", err)
	}
	return nil
}

// SetIcon sets the icon of the account with the given ID (nil: the one its
// issuer matches) and saves.
func (v *Vault) SetIcon(id string, ic *Icon) error {
	err := ic.Validate()
	if err == nil {
		err = checkPicture(ic)
	}
	if err != nil {
		return fmt.Errorf("set icon: %w", err)
	}
	now := v.opts.now().UTC()
	return v.mutate(func(cur []Account) ([]Account, error) {
		i := index(cur, id)
		if i < 0 {
			return nil, fmt.Errorf("set icon: %w with ID %q", ErrNoMatch, id)
		}
		cur[i].Icon = ic.Clone()
		cur[i].Updated = now
		return cur, nil
	})
}
