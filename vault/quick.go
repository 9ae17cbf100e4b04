package vault

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Quick access lists at most this many favourites and recent accounts
// (the tray's quick-copy menu, the quick popup with nothing typed).
const (
	MaxQuickFavorites = 10
	MaxQuickRecent    = 5
)

// Favorites returns the starred accounts of accts, in list order.
func Favorites(accts []Account) []Account {
	var out []Account
	for _, a := range accts {
		if a.Favorite {
			out = append(out, a)
		}
	}
	return out
}

// Recent returns up to n accounts of accts that are not favourites and
// have been used, the most recently used first.
func Recent(accts []Account, n int) []Account {
	var out []Account
	for _, a := range accts {
		if !a.Favorite && !a.LastUsed.IsZero() {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(a, b Account) int { return b.LastUsed.Compare(a.LastUsed) })
	return out[:min(n, len(out))]
}

// QuickOrder orders accts for quick access with nothing typed: the
// favourites in list order, then the other used accounts, most recent
// first, then the rest in list order. accts is not changed.
func QuickOrder(accts []Account) []Account {
	out := Favorites(accts)
	out = append(out, Recent(accts, len(accts))...)
	for _, a := range accts {
		if !a.Favorite && a.LastUsed.IsZero() {
			out = append(out, a)
		}
	}
	return out
}

// FavoritesFirst sorts accts stably so that the starred accounts come
// first, each group in its list order: the order of the codes list.
func FavoritesFirst(accts []Account) {
	slices.SortStableFunc(accts, func(a, b Account) int {
		return cmp.Compare(boolRank(a.Favorite), boolRank(b.Favorite))
	})
}

func boolRank(fav bool) int {
	if fav {
		return 0
	}
	return 1
}

// SetFavorite stars or unstars the account with the given ID and saves.
func (v *Vault) SetFavorite(id string, on bool) error {
	now := v.opts.now().UTC()
	return v.mutate(func(cur []Account) ([]Account, error) {
		i := index(cur, id)
		if i < 0 {
			return nil, fmt.Errorf("set favourite: %w with ID %q", ErrNoMatch, id)
		}
		if cur[i].Favorite != on {
			cur[i].Favorite = on
			cur[i].Updated = now
			cur[i].Stamps.Favorite = v.clock.next()
		}
		return cur, nil
	})
}

// MarkUsed records that a code of the account with the given ID was copied
// at t, for the recent list, and saves. It runs on every copy: it keeps no
// backup (ten copies would otherwise push every real change out of the ten
// backups kept) and leaves Updated alone. It fsyncs: call it off the UI
// goroutine.
func (v *Vault) MarkUsed(id string, t time.Time) error {
	return v.mutateKeep(false, func(cur []Account) ([]Account, error) {
		i := index(cur, id)
		if i < 0 {
			return nil, fmt.Errorf("mark used: %w with ID %q", ErrNoMatch, id)
		}
		cur[i].LastUsed = t.UTC()
		return cur, nil
	})
}
