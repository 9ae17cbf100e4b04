package vault

import (
	"bytes"
	"cmp"
	"encoding/json"
	"reflect"
	"slices"
	"time"
)

// Snapshot is what two copies of a vault exchange: the accounts, in the
// manual order, and the tombstones of deleted ones. It holds nothing local
// to one computer but the accounts' LastUsed times, which Merge keeps and a
// replica leaves out.
type Snapshot struct {
	Accounts   []Account
	Tombstones []Tombstone
}

// Tombstone records a deletion. It beats only edits older than its stamp:
// an account edited after it (on a machine that had not heard of the
// deletion yet) comes back. For that edit to bring back the whole account,
// the tombstone keeps the account's fields, hidden, until it expires
// (TombstoneLifetime after the deletion); then both are gone.
type Tombstone struct {
	ID      string   `json:"id"`
	Stamp   Stamp    `json:"stamp"`
	Account *Account `json:"account,omitempty"` // the fields the account had, for Merge only
}

// TombstoneLifetime is how long a deletion is remembered. A machine that
// stays away from the others for longer may bring deleted accounts back.
const TombstoneLifetime = 180 * 24 * time.Hour

// MergeReport says what a merge changed in the vault it was merged into,
// by account title.
type MergeReport struct {
	Added, Changed, Removed []string
}

// Empty reports whether the merge changed no account.
func (r MergeReport) Empty() bool {
	return len(r.Added)+len(r.Changed)+len(r.Removed) == 0
}

// Merge combines two copies of a vault. It is deterministic, commutative,
// associative and idempotent, so copies that exchange their edits in any
// order end up equal. Per account and per field group (Stamps) the newest
// stamp wins, ties going to the greater content; an HOTP counter takes the
// larger of the two, never going back; Created the earlier, Updated and
// LastUsed the later. A tombstone hides the account unless some group of
// it is newer than the deletion. The report is what changed in a.
func Merge(a, b Snapshot) (Snapshot, MergeReport) {
	type entry struct {
		acct *Account
		tomb *Tombstone
	}
	byID := make(map[string]*entry, len(a.Accounts)+len(a.Tombstones))
	var ids []string // in the order first seen: mostly sorted already, which the sort below likes
	get := func(id string) *entry {
		e := byID[id]
		if e == nil {
			e = &entry{}
			byID[id] = e
			ids = append(ids, id)
		}
		return e
	}
	addAcct := func(e *entry, x Account) {
		if e.acct == nil {
			x = cloneAccount(x)
			e.acct = &x
		} else {
			m := mergeAccount(*e.acct, x)
			e.acct = &m
		}
	}
	for _, s := range []Snapshot{a, b} {
		for _, x := range s.Accounts {
			addAcct(get(x.ID), x)
		}
		for _, t := range s.Tombstones {
			e := get(t.ID)
			if t.Account != nil {
				addAcct(e, *t.Account)
			}
			if e.tomb == nil || t.Stamp.Compare(e.tomb.Stamp) > 0 {
				e.tomb = &Tombstone{ID: t.ID, Stamp: t.Stamp}
			}
		}
	}
	out := Snapshot{Accounts: make([]Account, 0, len(ids))}
	for _, id := range ids {
		e := byID[id]
		switch {
		case e.tomb == nil:
			out.Accounts = append(out.Accounts, *e.acct)
		case e.acct != nil && e.acct.Stamps.Latest().Compare(e.tomb.Stamp) > 0:
			out.Accounts = append(out.Accounts, *e.acct)
			out.Tombstones = append(out.Tombstones, *e.tomb)
		default:
			t := *e.tomb
			t.ID, t.Account = id, e.acct
			out.Tombstones = append(out.Tombstones, t)
		}
	}
	sortAccounts(out.Accounts)
	slices.SortFunc(out.Tombstones, func(x, y Tombstone) int { return cmp.Compare(x.ID, y.ID) })
	return out, report(a.Accounts, out.Accounts)
}

// sortAccounts puts accts in the manual order: by sort key, then ID.
func sortAccounts(accts []Account) {
	slices.SortFunc(accts, func(x, y Account) int {
		if c := cmp.Compare(x.SortKey, y.SortKey); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
}

// report lists what differs between the visible accounts before and after.
func report(before, after []Account) MergeReport {
	var r MergeReport
	old := make(map[string]Account, len(before))
	for _, x := range before {
		old[x.ID] = x
	}
	for _, x := range after {
		o, ok := old[x.ID]
		switch {
		case !ok:
			r.Added = append(r.Added, x.Title())
		case o.Stamps != x.Stamps || o.Counter != x.Counter:
			r.Changed = append(r.Changed, x.Title())
		}
		delete(old, x.ID)
	}
	for _, x := range before {
		if _, gone := old[x.ID]; gone {
			r.Removed = append(r.Removed, x.Title())
		}
	}
	return r
}

// mergeAccount merges two versions of one account, group by group.
func mergeAccount(x, y Account) Account {
	if reflect.DeepEqual(x, y) {
		return cloneAccount(x) // the usual case, and much cheaper than comparing contents
	}
	// The labels group is everything no other group claims, fields added
	// later included: the result starts as the labels winner.
	out := cloneAccount(newer(x, y, x.Stamps.Labels, y.Stamps.Labels, labelsContent))
	s := newer(x, y, x.Stamps.Secret, y.Stamps.Secret, secretContent)
	out.Secret = bytes.Clone(s.Secret)
	out.Type, out.Algorithm, out.Digits, out.Period = s.Type, s.Algorithm, s.Digits, s.Period
	out.Stamps.Secret = s.Stamps.Secret
	o := newer(x, y, x.Stamps.Order, y.Stamps.Order, func(a Account) []byte { return []byte(a.SortKey) })
	out.SortKey, out.Stamps.Order = o.SortKey, o.Stamps.Order
	f := newer(x, y, x.Stamps.Favorite, y.Stamps.Favorite, func(a Account) []byte {
		return []byte{byte(boolRank(a.Favorite))}
	})
	out.Favorite, out.Stamps.Favorite = f.Favorite, f.Stamps.Favorite
	t := newer(x, y, x.Stamps.Tags, y.Stamps.Tags, func(a Account) []byte {
		b, _ := json.Marshal(a.Tags)
		return b
	})
	out.Tags, out.Stamps.Tags = slices.Clone(t.Tags), t.Stamps.Tags
	out.Counter = max(x.Counter, y.Counter)
	out.Created = earlier(x.Created, y.Created)
	out.Updated = later(x.Updated, y.Updated)
	out.LastUsed = later(x.LastUsed, y.LastUsed)
	return out
}

// newer returns the account whose group is newer: the later stamp, or on
// equal stamps (two copies of one device ID) the greater content, so that
// the choice never depends on the argument order.
func newer(x, y Account, sx, sy Stamp, content func(Account) []byte) Account {
	if c := sx.Compare(sy); c != 0 {
		if c > 0 {
			return x
		}
		return y
	}
	if bytes.Compare(content(x), content(y)) >= 0 {
		return x
	}
	return y
}

func secretContent(a Account) []byte {
	b, _ := json.Marshal([]any{a.Secret, a.Type, a.Algorithm, a.Digits, a.Period})
	return b
}

// labelsContent is the account without the fields other groups own.
func labelsContent(a Account) []byte {
	a.Secret, a.Type, a.Algorithm, a.Digits, a.Period, a.Counter = nil, "", "", 0, 0, 0
	a.SortKey, a.Favorite, a.Tags, a.Stamps = "", false, nil, Stamps{}
	a.Created, a.Updated, a.LastUsed = time.Time{}, time.Time{}, time.Time{}
	b, _ := json.Marshal(a)
	return b
}

func earlier(s, t time.Time) time.Time {
	if s.IsZero() || (!t.IsZero() && t.Before(s)) {
		return t
	}
	return s
}

func later(s, t time.Time) time.Time {
	if t.After(s) {
		return t
	}
	return s
}
