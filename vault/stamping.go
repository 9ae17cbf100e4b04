package vault

import (
	"bytes"
	"slices"
	"time"
)

// How the vault keeps the version 2 bookkeeping of its edits: every group
// of fields an edit changes gets a new stamp from the vault's clock,
// deletions leave tombstones, and the manual order lives in sort keys.

// load takes in the content of a freshly read file. The caller holds v.mu.
func (v *Vault) load(p payload) {
	v.accounts, v.pin, v.tombs, v.format, v.retired = p.Accounts, p.PIN, p.Tombstones, p.Version, p.Retired
	switch {
	case p.Device != "":
		v.clock.device = p.Device
	case v.clock.device == "":
		v.clock.device = NewID()
	}
	v.clock.now = v.opts.now
	for _, a := range v.accounts {
		v.clock.observe(a.Stamps.Latest())
	}
	for _, t := range v.tombs {
		v.clock.observe(t.Stamp)
		if t.Account != nil {
			v.clock.observe(t.Account.Stamps.Latest())
		}
	}
}

// payload is what the vault file holds for accts.
func (v *Vault) payload(accts []Account) payload {
	return payload{Accounts: accts, Tombstones: v.tombs, PIN: v.pin, Device: v.clock.device, Retired: v.retired}
}

// stampEdit returns the stamps of next, an edit of old: a new stamp for
// every group whose content changed, old's stamps for the others.
func (v *Vault) stampEdit(old, next Account) Stamps {
	s := old.Stamps
	var stamp Stamp
	bump := func(changed bool, to *Stamp) {
		if !changed {
			return
		}
		if stamp.IsZero() {
			stamp = v.clock.next()
		}
		*to = stamp
	}
	bump(!bytes.Equal(secretContent(old), secretContent(next)), &s.Secret)
	bump(!bytes.Equal(labelsContent(old), labelsContent(next)), &s.Labels)
	bump(old.Favorite != next.Favorite, &s.Favorite)
	bump(!slices.Equal(old.Tags, next.Tags), &s.Tags)
	return s
}

// bury leaves the tombstone of a, deleted now.
func (v *Vault) bury(a Account) {
	a = cloneAccount(a)
	a.LastUsed = time.Time{}
	t := Tombstone{ID: a.ID, Stamp: v.clock.next(), Account: &a}
	if i := slices.IndexFunc(v.tombs, func(t Tombstone) bool { return t.ID == a.ID }); i >= 0 {
		v.tombs[i] = t
		return
	}
	v.tombs = append(v.tombs, t)
}

// purgeTombstones drops the tombstones older than TombstoneLifetime.
func purgeTombstones(tombs []Tombstone, now time.Time) []Tombstone {
	cutoff := now.Add(-TombstoneLifetime)
	return slices.DeleteFunc(slices.Clone(tombs), func(t Tombstone) bool {
		return t.Stamp.Time().Before(cutoff)
	})
}

// appendKeys returns n sort keys after the last account of cur (which is in
// the manual order). When the keys grow too long it spreads the keys of
// cur afresh, stamping their order.
func (v *Vault) appendKeys(cur []Account, n int) []string {
	last := ""
	if len(cur) > 0 {
		last = cur[len(cur)-1].SortKey
	}
	keys := keysBetween(last, "", n)
	if n == 0 || len(keys[n-1]) <= maxSortKeyLen {
		return keys
	}
	all := spreadSortKeys(len(cur) + n)
	v.rekeyOrder(cur, all[:len(cur)])
	return all[len(cur):]
}

// keysBetween returns n keys in order between a and b (b == "": the end).
func keysBetween(a, b string, n int) []string {
	if n <= 0 {
		return nil
	}
	mid := midpoint(a, b)
	left := keysBetween(a, mid, (n-1)/2)
	right := keysBetween(mid, b, n-1-(n-1)/2)
	return append(append(left, mid), right...)
}

// placeAt gives the account at list[j] a sort key between its neighbours,
// or spreads the keys of the whole list when they leave no room.
func (v *Vault) placeAt(list []Account, j int) []Account {
	prev, next := "", ""
	if j > 0 {
		prev = list[j-1].SortKey
	}
	if j+1 < len(list) {
		next = list[j+1].SortKey
	}
	if j+1 < len(list) && prev >= next {
		v.rekeyOrder(list, spreadSortKeys(len(list)))
		return list
	}
	list[j].SortKey, list[j].Stamps.Order = midpoint(prev, next), v.clock.next()
	return list
}

// rekeyOrder gives list the sort keys keys, stamping those that change.
func (v *Vault) rekeyOrder(list []Account, keys []string) {
	stamp := v.clock.next()
	for i := range list {
		if list[i].SortKey != keys[i] {
			list[i].SortKey, list[i].Stamps.Order = keys[i], stamp
		}
	}
}
