package desktop

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"

	"authdesk/vault"
)

// unlock hands the PIN or password to the unlocker; on success the popup
// shows the accounts.
func (p *quickPopup) unlock() {
	if p.busy {
		return
	}
	secret := p.secret.Text
	if secret == "" {
		p.showError("Enter your PIN or password.")
		return
	}
	p.busy = true
	p.secret.Disable()
	p.errMsg.Hide()
	p.u.unlockWithSecret(secret, func(err error) {
		p.busy = false
		p.secret.Enable()
		p.secret.SetText("")
		switch {
		case !p.open:
		case err == nil && p.u.state == stateCodes:
			p.showFind()
			p.focus(p.search)
			p.applyAhead()
		case errors.Is(err, vault.ErrWrongPassword):
			p.dropAhead()
			p.showLocked()
			p.showError("Wrong PIN or password. Try again.")
			p.focus(p.secret)
		case err != nil:
			p.dropAhead()
			p.showLocked()
			p.showError(fmt.Sprintf("Could not unlock: %v", err))
			p.focus(p.secret)
		}
	})
}

// typeAhead keeps r for the search while an unlock runs, so that letters
// typed straight after the PIN and Enter are not lost.
func (p *quickPopup) typeAhead(r rune) bool {
	if !p.busy {
		return false
	}
	p.ahead = append(p.ahead, r)
	return true
}

// typeAheadKey handles Enter and Backspace typed while an unlock runs.
func (p *quickPopup) typeAheadKey(name fyne.KeyName) bool {
	if !p.busy {
		return false
	}
	switch name {
	case fyne.KeyReturn, fyne.KeyEnter:
		p.aheadEnter = true
	case fyne.KeyBackspace:
		if n := len(p.ahead); n > 0 && !p.aheadEnter {
			p.ahead = p.ahead[:n-1]
		}
	default:
		return false
	}
	return true
}

// applyAhead puts what was typed during the unlock into the search, and
// copies when Enter followed.
func (p *quickPopup) applyAhead() {
	text, enter := string(p.ahead), p.aheadEnter
	p.dropAhead()
	if text != "" {
		p.search.SetText(text)
	}
	if enter {
		p.enter()
	}
}

func (p *quickPopup) dropAhead() {
	clear(p.ahead)
	p.ahead, p.aheadEnter = p.ahead[:0], false
}
