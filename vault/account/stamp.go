package account

import (
	"cmp"
	"time"
)

// Stamp dates one edit with a hybrid logical clock (Kulkarni et al.,
// "Logical Physical Clocks", 2014): the wall time in milliseconds, a
// counter that orders edits within one millisecond or made while the wall
// clock lags behind an edit already seen, and the ID of the device that
// made it. A device never issues a stamp older than one it has seen, so a
// machine whose clock is behind still orders its own edits, and the edits
// it has merged, correctly: its later edit wins over its earlier one.
type Stamp struct {
	Wall   int64  `json:"w"`           // unix milliseconds
	Count  uint32 `json:"c,omitempty"` // orders stamps with the same Wall
	Device string `json:"d,omitempty"` // the device that made the edit; "" for v1 files
}

// Compare orders stamps by wall time, then counter, then device ID: -1
// when s is older than t, +1 when newer, 0 when equal.
func (s Stamp) Compare(t Stamp) int {
	if c := cmp.Compare(s.Wall, t.Wall); c != 0 {
		return c
	}
	if c := cmp.Compare(s.Count, t.Count); c != 0 {
		return c
	}
	return cmp.Compare(s.Device, t.Device)
}

// IsZero reports whether s is the zero stamp, older than every edit.
func (s Stamp) IsZero() bool { return s == Stamp{} }

// Time is the wall time of s.
func (s Stamp) Time() time.Time { return time.UnixMilli(s.Wall).UTC() }

// MaxStamp is the newer of s and t.
func MaxStamp(s, t Stamp) Stamp {
	if s.Compare(t) >= 0 {
		return s
	}
	return t
}

// Stamps date each group of an account's fields that Merge resolves on its
// own: an edit to one group on one machine and to another group on another
// both survive.
type Stamps struct {
	Secret   Stamp `json:"secret,omitzero"` // the secret and its parameters: type, algorithm, digits, period
	Labels   Stamp `json:"labels,omitzero"` // issuer, name, note and whatever else the account carries
	Order    Stamp `json:"order,omitzero"`  // SortKey
	Favorite Stamp `json:"fav,omitzero"`
	Tags     Stamp `json:"tags,omitzero"`
}

// Latest is the newest of the stamps: when the account was last edited.
func (s Stamps) Latest() Stamp {
	return MaxStamp(MaxStamp(MaxStamp(s.Secret, s.Labels), MaxStamp(s.Order, s.Favorite)), s.Tags)
}

// AllStamps dates every field group of an account with s.
func AllStamps(s Stamp) Stamps { return Stamps{s, s, s, s, s} }
