package desktop

import "authdesk/vault"

// Favourites and recent accounts (quick access): a starred account sorts
// first in the list (codeList.reload), shows a star on its row, is listed
// in the tray's quick-copy menu; every copy records the account as used.

// favoriteLabel is the row menu's item for a.
func favoriteLabel(a vault.Account) string {
	if a.Favorite {
		return "Remove from favourites"
	}
	return "Add to favourites"
}

// toggleFavorite stars or unstars the account and keeps it selected.
func (u *UI) toggleFavorite(id string) {
	if u.state != stateCodes {
		return
	}
	a, ok := u.v.Account(id)
	if !ok {
		return
	}
	on := !a.Favorite
	u.mutate("Could not save the favourite", id, func(v *vault.Vault) error { return v.SetFavorite(id, on) })
}

// toggleSelectedFavorite is Ctrl+D.
func (u *UI) toggleSelectedFavorite() {
	if u.state != stateCodes {
		return
	}
	if a, ok := u.list.Selected(); ok {
		u.toggleFavorite(a.ID)
	}
}

// markUsed records the copy of one of id's codes for the recent list. The
// save (an fsync) runs off the UI goroutine, after the code is already on
// the clipboard; a failure costs only the account's place among the recent
// ones, so it is not shown (the vault may also have been locked meanwhile).
func (u *UI) markUsed(id string) {
	v := u.v
	if v == nil {
		return
	}
	at := u.cfg.now()
	background(u, func() error { return v.MarkUsed(id, at) }, func(err error) {
		if err == nil {
			u.vaultChanged(v)
		}
	})
}

// sameGroup reports whether a and b are both favourites or both not: the
// manual order moves an account only among its group, as the list shows
// them apart.
func sameGroup(a, b vault.Account) bool { return a.Favorite == b.Favorite }
