package account

import (
	"bytes"
	"errors"
	"fmt"
)

// Icon is the icon a person chose for an account. An account without one
// (Account.Icon nil) shows the built-in icon its issuer matches, or its
// initials. Exactly one of Slug, Data (with MIME) and Initials is set.
type Icon struct {
	Slug     string `json:"slug,omitempty"`     // a built-in icon, by its simple-icons slug
	MIME     string `json:"mime,omitempty"`     // of Data: image/png, image/jpeg or image/svg+xml
	Data     []byte `json:"data,omitempty"`     // a picture, checked by vault.Validate (picture.CheckImage)
	Initials bool   `json:"initials,omitempty"` // no icon, even when the issuer matches one
}

// maxSlugLen bounds a slug; the longest in simple-icons has 40 letters.
const maxSlugLen = 100

// Validate checks that ic says one thing and names a built-in icon in
// slug characters. A nil icon is valid. A picture's content is checked by
// vault.Validate (picture.CheckImage), so that this package, which
// authdesk-cli code --uri links, needs no image or XML decoders.
func (ic *Icon) Validate() error {
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

// Clone is a deep copy of ic (nil for nil).
func (ic *Icon) Clone() *Icon {
	if ic == nil {
		return nil
	}
	c := *ic
	c.Data = bytes.Clone(ic.Data)
	return &c
}
