package vault

import (
	"bytes"
	"errors"
	"fmt"

	"authdesk/vault/icons"
)

// Icon is the icon a person chose for an account. An account without one
// (Account.Icon nil) shows the built-in icon its issuer matches, or its
// initials. Exactly one of Slug, Data (with MIME) and Initials is set.
type Icon struct {
	Slug     string `json:"slug,omitempty"`     // a built-in icon, by its simple-icons slug
	MIME     string `json:"mime,omitempty"`     // of Data: image/png, image/jpeg or image/svg+xml
	Data     []byte `json:"data,omitempty"`     // a picture, checked by icons.CheckImage
	Initials bool   `json:"initials,omitempty"` // no icon, even when the issuer matches one
}

// maxSlugLen bounds a slug; the longest in simple-icons has 40 letters.
const maxSlugLen = 100

// validate checks that ic says one thing and that a picture passes
// icons.CheckImage. A nil icon is valid.
func (ic *Icon) validate() error {
	if ic == nil {
		return nil
	}
	set := 0
	for _, b := range []bool{ic.Slug != "", ic.Data != nil || ic.MIME != "", ic.Initials} {
		if b {
			set++
		}
	}
	if set != 1 {
		return errors.New("icon: set exactly one of a slug, a picture or initials")
	}
	if len(ic.Slug) > maxSlugLen || !slugChars(ic.Slug) {
		return fmt.Errorf("icon: %.40q is not an icon name", ic.Slug)
	}
	if ic.Data != nil || ic.MIME != "" {
		if err := icons.CheckImage(ic.Data, ic.MIME); err != nil {
			return fmt.Errorf("icon: %w", err)
		}
	}
	return nil
}

func slugChars(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (ic *Icon) clone() *Icon {
	if ic == nil {
		return nil
	}
	c := *ic
	c.Data = bytes.Clone(ic.Data)
	return &c
}

// SetIcon sets the icon of the account with the given ID (nil: the one its
// issuer matches) and saves.
func (v *Vault) SetIcon(id string, ic *Icon) error {
	if err := ic.validate(); err != nil {
		return fmt.Errorf("set icon: %w", err)
	}
	now := v.opts.now().UTC()
	return v.mutate(func(cur []Account) ([]Account, error) {
		i := index(cur, id)
		if i < 0 {
			return nil, fmt.Errorf("set icon: %w with ID %q", ErrNoMatch, id)
		}
		cur[i].Icon = ic.clone()
		cur[i].Updated = now
		return cur, nil
	})
}
