package vault

import (
	"errors"
	"slices"
	"testing"
	"time"

	"authdesk/vault/keychain"
)

func TestQuickLists(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2026, 1, 1, 10, m, 0, 0, time.UTC) }
	acct := func(id string, fav bool, used time.Time) Account {
		return Account{ID: id, Favorite: fav, LastUsed: used}
	}
	tests := []struct {
		name                     string
		accts                    []Account
		favs, recent, quick, fst []string
	}{
		{name: "empty"},
		{name: "nothing starred or used",
			accts: []Account{acct("a", false, time.Time{}), acct("b", false, time.Time{})},
			quick: []string{"a", "b"}, fst: []string{"a", "b"}},
		{name: "favourites keep list order, recent newest first, a used favourite is not recent",
			accts: []Account{acct("a", false, at(1)), acct("b", true, time.Time{}), acct("c", false, at(3)),
				acct("d", true, at(9)), acct("e", false, time.Time{}), acct("f", false, at(2))},
			favs: []string{"b", "d"}, recent: []string{"c", "f", "a"},
			quick: []string{"b", "d", "c", "f", "a", "e"}, fst: []string{"b", "d", "a", "c", "e", "f"}},
		{name: "recent is capped",
			accts: []Account{acct("a", false, at(1)), acct("b", false, at(2)), acct("c", false, at(3)),
				acct("d", false, at(4)), acct("e", false, at(5)), acct("f", false, at(6)), acct("g", false, at(7))},
			recent: []string{"g", "f", "e", "d", "c"},
			quick:  []string{"g", "f", "e", "d", "c", "b", "a"}, fst: []string{"a", "b", "c", "d", "e", "f", "g"}},
	}
	ids := func(a []Account) []string {
		var s []string
		for _, x := range a {
			s = append(s, x.ID)
		}
		return s
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			orig := slices.Clone(tc.accts)
			if got := ids(Favorites(tc.accts)); !slices.Equal(got, tc.favs) {
				t.Errorf("Favorites = %v, want %v", got, tc.favs)
			}
			if got := ids(Recent(tc.accts, MaxQuickRecent)); !slices.Equal(got, tc.recent) {
				t.Errorf("Recent = %v, want %v", got, tc.recent)
			}
			if got := ids(QuickOrder(tc.accts)); !slices.Equal(got, tc.quick) {
				t.Errorf("QuickOrder = %v, want %v", got, tc.quick)
			}
			if !slices.EqualFunc(orig, tc.accts, func(a, b Account) bool { return a.ID == b.ID }) {
				t.Errorf("the lists changed their input")
			}
			fst := slices.Clone(tc.accts)
			FavoritesFirst(fst)
			if got := ids(fst); !slices.Equal(got, tc.fst) {
				t.Errorf("FavoritesFirst = %v, want %v", got, tc.fst)
			}
		})
	}
}

// TestSetFavoriteAndMarkUsed: both are saved, a second instance sees them,
// and copying a code (MarkUsed) neither keeps a backup nor bumps Updated.
func TestSetFavoriteAndMarkUsed(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc, testAccount(1), testAccount(2))
	defer v.Close()
	id := v.Accounts()[1].ID
	if err := v.SetFavorite(id, true); err != nil {
		t.Fatal(err)
	}
	before, _ := Backups(path)
	updated := v.Accounts()[1].Updated
	used := time.Date(2026, 5, 6, 7, 8, 9, 0, time.FixedZone("x", 3600))
	for range 12 {
		if err := v.MarkUsed(id, used); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := Backups(path)
	if !slices.Equal(before, after) {
		t.Errorf("MarkUsed changed the backups: %d before, %d after (they would hold only copies)", len(before), len(after))
	}
	v2, err := Open(path, Options{Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	got := v2.Accounts()[1]
	if !got.Favorite || !got.LastUsed.Equal(used) || got.LastUsed.Location() != time.UTC {
		t.Errorf("reopened: favourite %v, last used %v; want true, %v in UTC", got.Favorite, got.LastUsed, used)
	}
	if !got.Updated.Equal(updated) {
		t.Errorf("MarkUsed moved Updated from %v to %v", updated, got.Updated)
	}
	if v2.Accounts()[0].Favorite {
		t.Errorf("the other account is starred too")
	}
	if err := v2.SetFavorite(id, false); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Reload(); err != nil || v.Accounts()[1].Favorite {
		t.Errorf("unstarred in another instance: still starred here (%v)", err)
	}
	for _, err := range []error{v.SetFavorite("nope", true), v.MarkUsed("nope", used)} {
		if !errors.Is(err, ErrNoMatch) {
			t.Errorf("unknown ID: %v, want ErrNoMatch", err)
		}
	}
}

// BenchmarkMarkUsed is the save a code copy costs (off the UI goroutine).
func BenchmarkMarkUsed(b *testing.B) {
	var accts []Account
	for i := range 500 {
		accts = append(accts, testAccount(i))
	}
	v, _ := newVault(b, &keychain.Memory{}, accts...)
	defer v.Close()
	id := v.Accounts()[0].ID
	now := time.Now()
	for b.Loop() {
		if err := v.MarkUsed(id, now); err != nil {
			b.Fatal(err)
		}
	}
}
