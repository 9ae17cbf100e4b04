package desktop

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"authdesk/app/wording"
	"authdesk/vault"
	"authdesk/vault/keychain"
)

// Quick unlock: after the auto-lock, a PIN (set in Settings → Security)
// opens the vault instead of the password. The vault key comes from the
// keychain again and the PIN is checked against its Argon2id hash inside
// the decrypted vault; on a wrong PIN the vault is closed, which wipes what
// was decrypted. Three wrong PINs, or a keychain that does not answer, turn
// the PIN off until the password unlocks. The password always works.

// maxPINTries is how many wrong PINs in a row turn the PIN off.
const maxPINTries = 3

// Why the PIN is off until the password unlocks, as the user reads it.
var (
	errPINTooMany  = errors.New("wrong PIN three times: enter your password (the PIN works again after that)")
	errPINKeychain = errors.New("the system keychain did not answer, so the PIN cannot unlock: enter your password")
	errPINRemoved  = errors.New("the PIN was removed: enter your password")
	errPINNoKey    = errors.New("the system keychain no longer holds this vault's key, so the PIN cannot unlock: enter your password")
)

// unlocker opens the vault after the auto-lock without the password. The
// PIN is the one there is; Windows Hello and Touch ID would be others
// (their secret is the OS's prompt, so they would ignore secret).
type unlocker interface {
	// available reports whether the unlocker may be offered now.
	available() bool
	// unlock returns the open vault, or why not: a *refusal when the
	// secret should be tried as the password.
	unlock(secret string) (*vault.Vault, error)
	// opened tells the unlocker that v is open (or about to be locked):
	// it learns whether v has a PIN and forgets the wrong tries.
	opened(v *vault.Vault)
}

// refusal is an unlocker's no, after which the secret is tried as the
// password; when that fails too, the refusal is what the user reads,
// unless it is quiet (the secret was no PIN at all).
type refusal struct {
	reason error
	quiet  bool
}

func (r *refusal) Error() string { return r.reason.Error() }
func (r *refusal) Unwrap() error { return r.reason }

// pinUnlocker is the quick-unlock PIN. Its methods are safe for concurrent
// use; unlock holds the lock throughout, so that tries never overlap and
// each one counts.
type pinUnlocker struct {
	path string
	opts vault.Options

	mu       sync.Mutex
	hasPIN   bool          // the vault had a PIN when last open
	failures int           // wrong PINs in a row
	off      error         // why the PIN is off until the password unlocks; nil: on
	openTook time.Duration // the last unlock's vault.Open, for the trace
}

func (p *pinUnlocker) available() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hasPIN && p.off == nil && p.opts.Keychain != nil
}

func (p *pinUnlocker) opened(v *vault.Vault) {
	has := v.HasPIN()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hasPIN, p.failures, p.off = has, 0, nil
}

// unlock opens the vault with the keychain and checks pin against the hash
// inside; a wrong PIN closes the vault again, wiping what was decrypted.
// It costs a keychain call and an Argon2id hash (about 50 ms): call it off
// the UI goroutine.
func (p *pinUnlocker) unlock(pin string) (*vault.Vault, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.off != nil:
		return nil, &refusal{reason: p.off}
	case !p.hasPIN || p.opts.Keychain == nil:
		return nil, &refusal{reason: vault.ErrNoPIN, quiet: true}
	case vault.ValidatePIN(pin) != nil:
		return nil, &refusal{reason: errors.New("not a PIN"), quiet: true}
	}
	t0 := time.Now()
	v, err := vault.Open(p.path, p.opts)
	p.openTook = time.Since(t0)
	switch {
	case errors.Is(err, keychain.ErrNotFound):
		p.off = errPINNoKey
		return nil, &refusal{reason: p.off}
	case errors.Is(err, vault.ErrNeedPassword):
		p.off = errPINKeychain
		return nil, &refusal{reason: p.off}
	case err != nil:
		return nil, err
	}
	switch err := v.CheckPIN(pin); {
	case err == nil:
		p.failures = 0
		return v, nil
	case errors.Is(err, vault.ErrNoPIN):
		v.Close()
		p.hasPIN, p.off = false, errPINRemoved
		return nil, &refusal{reason: p.off}
	}
	v.Close()
	p.failures++
	if p.failures >= maxPINTries {
		p.off = errPINTooMany
		return nil, &refusal{reason: p.off}
	}
	left := maxPINTries - p.failures
	return nil, &refusal{reason: fmt.Errorf("%w: %d %s left", vault.ErrWrongPIN, left, wording.Plural(left, "try", "tries"))}
}

// unlockSecret opens the vault with secret: the PIN while it is on and
// secret has its form, else (or when the PIN is refused) the password.
func unlockSecret(q unlocker, path string, opts vault.Options, secret string) (*vault.Vault, error) {
	var refused *refusal
	if q.available() {
		v, err := q.unlock(secret)
		if err == nil {
			return v, nil
		}
		if !errors.As(err, &refused) {
			return nil, err
		}
	}
	v, err := vault.Unlock(path, []byte(secret), opts)
	if errors.Is(err, vault.ErrWrongPassword) && refused != nil && !refused.quiet {
		return nil, refused
	}
	if err != nil {
		return nil, err
	}
	q.opened(v)
	return v, nil
}

// unlockError is an unlock failure worded for the user; it wraps the cause.
type unlockError struct {
	msg string
	err error
}

func (e *unlockError) Error() string { return e.msg }
func (e *unlockError) Unwrap() error { return e.err }

// userUnlockError words err for the lock screen and the quick popup.
func userUnlockError(err error) error {
	var r *refusal
	msg := fmt.Sprintf("Could not unlock: %v", err)
	switch {
	case errors.Is(err, vault.ErrWrongPassword):
		msg = "Wrong password. Try again."
	case errors.As(err, &r):
		msg = capitalised(r.Error()) + "."
	}
	return &unlockError{msg: msg, err: err}
}

// pinEnabled reports whether the lock screen and the quick popup may ask
// for the PIN: one is set, the keychain answered and fewer than three wrong
// PINs were typed since the password last unlocked.
func (u *UI) pinEnabled() bool { return u.gate.pinEnabled() }

// unlockWithSecret unlocks the vault with secret, the PIN or the password,
// off the UI goroutine. done runs on the UI goroutine: with nil once the
// vault is open (the codes screen is built right after it), else with an
// error whose message can be shown to the user as it is.
func (u *UI) unlockWithSecret(secret string, done func(err error)) {
	switch u.state {
	case stateCodes:
		done(nil)
		return
	case stateLocked:
	default:
		done(&unlockError{msg: "Authdesk has no vault to unlock yet."})
		return
	}
	q, path, opts := u.gate.pin, u.cfg.VaultPath, u.cfg.Options
	start := time.Now()
	var opened time.Time
	background(u, func() openResult {
		v, err := unlockSecret(q, path, opts, secret)
		opened = time.Now()
		return openResult{v, err}
	}, func(r openResult) {
		switch {
		case r.err != nil:
			done(userUnlockError(r.err))
			return
		case u.state == stateCodes:
			r.v.Close() // another unlock got there first
			done(nil)
			return
		}
		// The caller's work comes first, then the codes screen: the quick
		// popup copies its code without waiting the 70–120 ms that
		// building the screen takes (it binds a screenful of rows).
		queued := time.Now()
		u.v, u.state = r.v, stateCodes
		done(nil)
		copied := time.Now()
		if u.state == stateCodes && u.v == r.v {
			u.showCodes(r.v)
		}
		if u.cfg.Trace != nil {
			fmt.Fprintf(u.cfg.Trace, "authdesk: unlock: open %v (the keychain and decryption %v of it, the rest Argon2id), to the UI %v, done %v, codes screen %v\n",
				opened.Sub(start).Round(time.Millisecond), pinOpenTook(u.gate.pin), queued.Sub(opened).Round(time.Millisecond),
				copied.Sub(queued).Round(time.Millisecond), time.Since(copied).Round(time.Millisecond))
		}
	})
}

// lockedWhy is what the lock screen says after a lock.
func lockedWhy(pin bool) string {
	if pin {
		return "Enter your PIN or your password to show your codes again."
	}
	return "Enter your password to show your codes again."
}

// pinOpenTook is the PIN unlocker's last vault.Open, for the trace.
func pinOpenTook(q unlocker) time.Duration {
	if p, ok := q.(*pinUnlocker); ok {
		return p.openTook.Round(time.Millisecond)
	}
	return 0
}
