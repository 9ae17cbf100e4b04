package follow

import (
	"fmt"
	"path/filepath"
	"slices"

	"authdesk/vault"
	"authdesk/vault/transfer"
)

// Diff is what changed on the phone between the last backup applied and
// a new one.
type Diff struct {
	Backup  string  // the new backup's name
	New     []Entry // entries the last backup did not have
	Changed []Entry // entries whose content changed
	// Removed are the accounts of entries the new backup no longer has,
	// by title; an entry whose account was deleted here already counts,
	// under the title "(already deleted here)".
	Removed []string

	removeIDs []string
	next      State // the state once applied
}

// Empty reports whether the phone changed nothing.
func (d Diff) Empty() bool { return len(d.New)+len(d.Changed)+len(d.Removed) == 0 }

// Summary is the one line scripts read: "new N, changed N, removed N".
func (d Diff) Summary() string {
	return fmt.Sprintf("new %d, changed %d, removed %d", len(d.New), len(d.Changed), len(d.Removed))
}

// Compare diffs the backup b of the folder dir against the state last
// applied from it; accts are the vault's accounts, for the titles of the
// removed ones.
func Compare(st State, dir string, b *Backup, accts []vault.Account) Diff {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	st = st.forFolder(dir)
	d := Diff{Backup: b.Name, next: State{Folder: dir, Backup: b.Name, Salt: st.Salt, Entries: make(map[string]string, len(b.Entries))}}
	for _, e := range b.Entries {
		id, content := st.idDigest(e.Account.ID), st.contentDigest(e.Account)
		d.next.Entries[id] = content
		switch old, ok := st.Entries[id]; {
		case !ok:
			d.New = append(d.New, e)
		case old != content:
			d.Changed = append(d.Changed, e)
		}
	}
	byDigest := make(map[string]vault.Account, len(accts))
	for _, a := range accts {
		byDigest[st.idDigest(a.ID)] = a
	}
	for id := range st.Entries {
		if _, kept := d.next.Entries[id]; kept {
			continue
		}
		a, ok := byDigest[id]
		if !ok {
			d.Removed = append(d.Removed, "(already deleted here)")
			continue
		}
		d.Removed = append(d.Removed, printable(a.Title()))
		d.removeIDs = append(d.removeIDs, a.ID)
	}
	slices.Sort(d.Removed)
	return d
}

// Changes are the vault edits that make d: a new or changed entry updates
// the account made from it when there is one, and is added otherwise (a
// changed entry whose account was deleted here stays deleted); a removed
// entry removes the account made from it. A new entry that repeats an
// account made on the desktop (the same secret and parameters) is not
// added, and notes say so.
func (d Diff) Changes(accts []vault.Account) (c vault.Changes, notes []string) {
	byID := make(map[string]bool, len(accts))
	var kept []vault.Account // what stays: a new entry may repeat one being removed (the phone switched apps)
	for _, a := range accts {
		byID[a.ID] = true
		if !slices.Contains(d.removeIDs, a.ID) {
			kept = append(kept, a)
		}
	}
	for _, e := range d.Changed {
		if byID[e.Account.ID] {
			c.Update = append(c.Update, e.Account)
		}
	}
	for _, e := range d.New {
		if byID[e.Account.ID] {
			c.Update = append(c.Update, e.Account)
			continue
		}
		if i := slices.IndexFunc(kept, func(a vault.Account) bool { return transfer.Same(a, e.Account) }); i >= 0 {
			notes = append(notes, fmt.Sprintf("not added %s: the vault has it already as %s", printable(e.Account.Title()), printable(kept[i].Title())))
			continue
		}
		c.Add = append(c.Add, e.Account)
	}
	c.Remove = slices.Clone(d.removeIDs)
	return c, notes
}

// Apply makes d in the vault v in one save, then records the backup as
// applied in the state file at statePath. Applying a diff again, or the
// diff of the same backup, changes nothing more.
func Apply(v *vault.Vault, d Diff, statePath string) (vault.MergeReport, []string, error) {
	c, notes := d.Changes(v.Accounts())
	rep, err := v.Apply(c)
	if err != nil {
		return vault.MergeReport{}, nil, fmt.Errorf("apply %s: %w; nothing was changed", d.Backup, err)
	}
	if err := d.next.Save(statePath); err != nil {
		return rep, notes, err
	}
	return rep, notes, nil
}
