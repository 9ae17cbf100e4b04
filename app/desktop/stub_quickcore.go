package desktop

import "authdesk/vault"

// This file stands in for the quick-core work (favourites, tray quick-copy,
// PIN quick unlock) until it is merged; the lead deletes it then.

// pinEnabled reports whether a quick-unlock PIN is set and usable.
func (u *UI) pinEnabled() bool { return false }

// unlockWithSecret unlocks the vault with the password (or, once PINs
// exist, the PIN) off the UI goroutine, shows the codes and calls done on
// the UI goroutine.
func (u *UI) unlockWithSecret(secret string, done func(err error)) {
	pw := []byte(secret)
	background(u, func() openResult {
		v, err := vault.Unlock(u.cfg.VaultPath, pw, u.cfg.Options)
		return openResult{v, err}
	}, func(r openResult) {
		if r.err == nil && u.state == stateLocked {
			u.showCodes(r.v)
		} else if r.v != nil {
			_ = r.v.Close()
		}
		done(r.err)
	})
}
