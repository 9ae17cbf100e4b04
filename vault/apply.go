package vault

import (
	"bytes"
	"fmt"
	"slices"
	"time"
)

// Changes is a batch of edits that Apply saves at once: all of them or,
// when one is invalid, none. It is how changes that come from outside
// (a followed phone's backup) go in.
type Changes struct {
	// Add are new accounts. Their IDs are kept when free; an ID in use, or
	// of a deleted account, gets a new one, as with Vault.Add.
	Add []Account
	// Update replace the accounts with their IDs, keeping what is local to
	// the vault (Created, SortKey, LastUsed). An HOTP counter never goes
	// back. An ID not in the vault is skipped; an update that changes
	// nothing is skipped too, so that applying the same changes twice is
	// applying them once.
	Update []Account
	// Remove are IDs of accounts to delete; one not in the vault is
	// skipped.
	Remove []string
}

// Apply makes the changes in one save under the vault's lock (keeping the
// version replaced as a backup) and reports, by title, what it changed.
// Nothing is saved when nothing changes.
func (v *Vault) Apply(c Changes) (MergeReport, error) {
	var rep MergeReport
	err := v.locked(func() error {
		rep = MergeReport{}
		tombs := v.tombs
		v.tombs = slices.Clone(tombs)
		cur := cloneAccounts(v.accounts)
		cur, err := v.applyUpdates(cur, c.Update, &rep)
		if err == nil {
			cur = v.applyRemovals(cur, c.Remove, &rep)
			cur, err = v.applyAdds(cur, c.Add, &rep)
		}
		if err == nil && !rep.Empty() {
			err = v.save(cur, true)
		}
		if err != nil || rep.Empty() {
			v.tombs = tombs
		}
		return err
	})
	if err != nil {
		return MergeReport{}, err
	}
	return rep, nil
}

// applyUpdates replaces the accounts of ups in cur.
func (v *Vault) applyUpdates(cur, ups []Account, rep *MergeReport) ([]Account, error) {
	now := v.opts.now().UTC()
	for _, a := range ups {
		i := index(cur, a.ID)
		if i < 0 {
			continue
		}
		old := cur[i]
		a = cloneAccount(a).WithDefaults()
		a.Created, a.SortKey, a.LastUsed, a.Updated = old.Created, old.SortKey, old.LastUsed, old.Updated
		if a.Type == HOTP && old.Type == HOTP {
			a.Counter = max(a.Counter, old.Counter)
		}
		a.Stamps = old.Stamps
		if sameContent(old, a) {
			continue
		}
		a.Stamps, a.Updated = v.stampEdit(old, a), now
		if err := Validate(a); err != nil {
			return nil, fmt.Errorf("update %s: %w", a.Title(), err)
		}
		cur[i] = a
		rep.Changed = append(rep.Changed, a.Title())
	}
	return cur, nil
}

// applyRemovals deletes the accounts with the IDs ids from cur.
func (v *Vault) applyRemovals(cur []Account, ids []string, rep *MergeReport) []Account {
	for _, id := range ids {
		i := index(cur, id)
		if i < 0 {
			continue
		}
		v.bury(cur[i])
		rep.Removed = append(rep.Removed, cur[i].Title())
		cur = slices.Delete(cur, i, i+1)
	}
	return cur
}

// applyAdds appends the accounts adds to cur, as Add does.
func (v *Vault) applyAdds(cur, adds []Account, rep *MergeReport) ([]Account, error) {
	if len(adds) == 0 {
		return cur, nil
	}
	now := v.opts.now().UTC()
	ids := make(map[string]bool, len(cur)+len(adds)+len(v.tombs))
	for _, a := range cur {
		ids[a.ID] = true
	}
	for _, t := range v.tombs {
		ids[t.ID] = true
	}
	stamp, keys := v.clock.next(), v.appendKeys(cur, len(adds))
	for i, a := range adds {
		a = cloneAccount(a).WithDefaults()
		if a.ID == "" || ids[a.ID] {
			a.ID = NewID()
		}
		ids[a.ID] = true
		a.Created, a.Updated, a.LastUsed = now, now, time.Time{}
		a.Stamps, a.SortKey = allStamps(stamp), keys[i]
		if err := Validate(a); err != nil {
			return nil, fmt.Errorf("add %s: %w", a.Title(), err)
		}
		cur = append(cur, a)
		rep.Added = append(rep.Added, a.Title())
	}
	return cur, nil
}

// sameContent reports whether a and b hold the same fields, what the vault
// sets aside.
func sameContent(a, b Account) bool {
	return bytes.Equal(secretContent(a), secretContent(b)) && bytes.Equal(labelsContent(a), labelsContent(b)) &&
		a.Favorite == b.Favorite && slices.Equal(a.Tags, b.Tags) && a.Counter == b.Counter
}
