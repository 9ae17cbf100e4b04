package platform

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"authdesk/app/platform/api"
)

// setupOf is the Secure Your Account data for secret.
func (s *service) setupOf(u *user, secret []byte, exp time.Time, reenrol bool, graceUntil, now time.Time) api.Setup {
	b := b32.EncodeToString(secret)
	out := api.Setup{URI: s.totp.otpauthURI(s.issuer, u.email, b), Secret: b, Account: u.email, QRPath: qrPath, Expires: exp.UTC(), Reenrol: reenrol}
	if reenrol {
		g := graceUntil.UTC()
		out.GraceUntil, out.CanSkip = &g, now.Before(graceUntil)
	}
	return out
}

var (
	errStepUpFirst = errorf(kindForbidden, "confirm it's you first: enter the code from your current authenticator app (or a recovery code)")
	errAlreadySet  = errorf(kindConflict, "MFA is already set up; enter the code from your authenticator app")
)

// setupAllowed says whether sess may see and confirm a pending secret: at
// the first setup, or at re-enrolment after the step-up.
func (s *service) setupAllowed(u *user, sess session, now time.Time) error {
	switch {
	case needsFirstSetup(u):
		return nil
	case s.reenrolDue(u, now) && sess.stepUp:
		return nil
	case s.reenrolDue(u, now):
		return errStepUpFirst
	}
	return errAlreadySet
}

// pendingSetup returns the Secure Your Account data of a half-signed-in
// session that must set up MFA. At re-enrolment it is refused (kindForbidden)
// until the session confirmed it's the user with the current code.
func (s *service) pendingSetup(ctx context.Context, sess session) (api.Setup, error) {
	u, err := s.mfaUser(ctx, sess)
	if err != nil {
		return api.Setup{}, err
	}
	now := s.now()
	if err := s.setupAllowed(u, sess, now); err != nil {
		return api.Setup{}, err
	}
	p, err := s.loadPending(ctx, s.store, sess.ID, u.id, now)
	if err != nil {
		return api.Setup{}, err
	}
	return s.setupOf(u, p.secret, p.expires, !needsFirstSetup(u), s.graceEnd(u), now), nil
}

// stepInfo says what a half-signed-in session must do next.
type stepInfo struct {
	Status     string    // StatusSetupRequired or StatusMFARequired
	Reenrol    bool      // the key is due for a refresh
	GraceUntil time.Time // Reenrol: "Not now" is possible until then
}

// nextStep reports what a half-signed-in session must do next.
func (s *service) nextStep(ctx context.Context, sess session) (stepInfo, error) {
	u, err := s.mfaUser(ctx, sess)
	if err != nil {
		return stepInfo{}, err
	}
	now := s.now()
	info := stepInfo{Status: StatusMFARequired}
	if s.reenrolDue(u, now) {
		info.Reenrol, info.GraceUntil = true, s.graceEnd(u)
	}
	if s.setupAllowed(u, sess, now) == nil {
		info.Status = StatusSetupRequired
	}
	return info, nil
}

// confirmSetup checks code against the session's pending secret; on success
// the secret becomes the user's credential (the old one, if any, stops
// working), recovery codes are issued, remembered devices are forgotten,
// every other session of the user ends and this one becomes signed in.
func (s *service) confirmSetup(ctx context.Context, sess session, code string) (mfaResult, error) {
	u, err := s.mfaUser(ctx, sess)
	if err != nil {
		return mfaResult{}, err
	}
	now, codeNow := s.now(), s.codeNow()
	if err := s.setupAllowed(u, sess, now); err != nil {
		return mfaResult{}, err
	}
	return s.codeAttempt(ctx, u, sess, codeKey(u.id, sess.addr), false, func(tx store, res *mfaResult) error {
		key := codeKey(u.id, sess.addr)
		if err := checkLock(ctx, tx, key, now); err != nil {
			return err
		}
		cur, err := s.userByID(ctx, tx, u.id)
		if err != nil {
			return err
		}
		// Another session may have confirmed meanwhile (and ended this one).
		p, err := s.loadPending(ctx, tx, sess.ID, cur.id, now)
		if err != nil {
			return err
		}
		if err := s.setupAllowed(cur, sess, now); err != nil {
			return err
		}
		if !s.totp.isCode(code) {
			return s.codeFailure(ctx, tx, key, cur, sess, now, invalidf("enter the %d-digit code from your authenticator app", s.totp.digits))
		}
		// The replay guard is per credential: a new secret has accepted no
		// code yet, whatever the old one accepted in this time step.
		step, ok := s.totp.match(p.secret, code, codeNow.Unix(), -1)
		if !ok {
			return s.codeFailure(ctx, tx, key, cur, sess, now, errorf(kindUnauthorized, msgBadCode))
		}
		if err := tx.setCredential(ctx, cur.id, p.cred, p.sealed, now.UnixNano(), step); err != nil {
			return err
		}
		if err := clearThrottle(ctx, tx, key); err != nil {
			return err
		}
		if err := resetCodeCount(ctx, tx, cur.id); err != nil {
			return err
		}
		if err := tx.deleteUserDevices(ctx, cur.id); err != nil {
			return err
		}
		var hashes [][]byte
		for range recoveryCount {
			rc := newRecoveryCode()
			hashes = append(hashes, s.keys.hashToken(recoveryHashKind(cur.id), rc))
			res.RecoveryCodes = append(res.RecoveryCodes, rc)
		}
		if err := tx.replaceRecoveryCodes(ctx, cur.id, hashes); err != nil {
			return err
		}
		// Every session of this user ends, the other half-signed-in ones
		// with their pending secrets: the account's second factor changed.
		if err := tx.deleteUserSessions(ctx, cur.id); err != nil {
			return err
		}
		res.session, err = s.createSession(ctx, tx, cur.id, stateFull)
		return err
	})
}

// skipReenrol is "Not now" on the re-enrolment page: after the step-up and
// within the grace period, it signs the user in with the current key.
func (s *service) skipReenrol(ctx context.Context, sess session) (session, error) {
	u, err := s.mfaUser(ctx, sess)
	if err != nil {
		return session{}, err
	}
	now := s.now()
	switch {
	case !s.reenrolDue(u, now):
		return session{}, errorf(kindConflict, "no key refresh is due; enter the code from your authenticator app")
	case !sess.stepUp:
		return session{}, errStepUpFirst
	case !now.Before(s.graceEnd(u)):
		return session{}, errorf(kindForbidden, "the grace period for refreshing your key ended on %s; scan the new QR code to continue",
			s.graceEnd(u).UTC().Format("2 Jan 2006 15:04 UTC"))
	}
	var out session
	err = s.store.withTx(ctx, func(tx store) error {
		if err := s.deleteSession(ctx, tx, sess.ID); err != nil {
			return err
		}
		out, err = s.createSession(ctx, tx, u.id, stateFull)
		return err
	})
	return out, err
}

// codeAttempt runs one code submission of u: refused at once while lockKey
// (the counter the submission counts against) is locked or, unless it is a
// recovery code or comes from a remembered device, while the user is past
// the ceiling; held back while the user's wrong codes in a row are past
// userCodeSlowFrom; then attempt in one transaction, filling in the result.
func (s *service) codeAttempt(ctx context.Context, u *user, sess session, lockKey string, recovery bool, attempt func(tx store, res *mfaResult) error) (mfaResult, error) {
	if err := checkLock(ctx, s.store, lockKey, s.now()); err != nil {
		return mfaResult{}, err
	}
	gated := !recovery
	if gated && sess.device != "" {
		onDevice, err := s.deviceValid(ctx, u.id, sess.device)
		if err != nil {
			return mfaResult{}, err
		}
		gated = !onDevice
	}
	if gated {
		if err := checkCeiling(ctx, s.store, u.id); err != nil {
			return mfaResult{}, err
		}
	}
	release, err := s.slowDown(ctx, userCodeKey(u.id), userCodeSlowFrom, 0, u.id, sess.device, sess.addr)
	if err != nil {
		return mfaResult{}, err
	}
	defer release()
	var res mfaResult
	err = s.store.withTx(ctx, func(tx store) error {
		if gated {
			if err := checkCeiling(ctx, tx, u.id); err != nil {
				return err
			}
		}
		return attempt(tx, &res)
	})
	if err != nil {
		return mfaResult{}, err
	}
	return res, nil
}

// errCeiling answers code entry past the per-user ceiling.
var errCeiling = errorf(kindThrottled, "code entry for this account is locked after %d wrong codes in a row: "+
	"use a recovery code, open the link mailed to you, or ask an administrator to unlock it", userCodeCeiling)

// checkCeiling returns errCeiling when userID is past the ceiling.
func checkCeiling(ctx context.Context, q store, userID int64) error {
	n, err := failuresOf(ctx, q, userCodeKey(userID), time.Time{}, 0)
	if err != nil {
		return err
	}
	if n >= userCodeCeiling {
		return errCeiling
	}
	return nil
}

func recoveryHashKind(userID int64) string { return fmt.Sprintf("recovery:%d", userID) }

// verifyCode is the code step of a later sign-in. code is a TOTP code or a
// recovery code; with remember set, the result carries a device token that
// skips this step for 30 days. When the user's key is due for a refresh,
// a correct code does not sign in: it is the step-up ("Confirm it's you")
// that unlocks a new pending secret, returned in mfaResult.Setup.
func (s *service) verifyCode(ctx context.Context, sess session, code string, remember bool) (mfaResult, error) {
	u, err := s.mfaUser(ctx, sess)
	if err != nil {
		return mfaResult{}, err
	}
	if u.totpCred == "" {
		return mfaResult{}, errorf(kindConflict, "set up MFA first: scan the QR code on the Secure Your Account page")
	}
	if sess.stepUp {
		return mfaResult{}, errorf(kindConflict, "you already confirmed it's you: scan the new QR code and enter its code")
	}
	now, codeNow := s.now(), s.codeNow()
	reenrol := s.reenrolDue(u, now)
	lockKey := codeKey(u.id, sess.addr)
	_, recovery := normalizeRecoveryCode(code)
	if recovery {
		lockKey = recoveryKey(sess.addr)
	}
	return s.codeAttempt(ctx, u, sess, lockKey, recovery, func(tx store, res *mfaResult) error {
		cur, err := s.userByID(ctx, tx, u.id)
		if err != nil {
			return err
		}
		if cur.totpCred == "" {
			return errorf(kindConflict, "set up MFA first: scan the QR code on the Secure Your Account page")
		}
		ok := false
		key := codeKey(cur.id, sess.addr)
		if s.totp.isCode(code) {
			if err := checkLock(ctx, tx, key, now); err != nil {
				return err
			}
			secret, err := s.keys.openSecret(cur.id, cur.totpCred, cur.totpSecret)
			if err != nil {
				return err
			}
			step, match := s.totp.match(secret, code, codeNow.Unix(), cur.lastStep)
			if match {
				if ok, err = tx.casStep(ctx, cur.id, step); err != nil {
					return err
				}
			}
		} else if rc, shaped := normalizeRecoveryCode(code); shaped {
			// Recovery codes have their own counter and pass a code lock.
			key = recoveryKey(sess.addr)
			if err := checkLock(ctx, tx, key, now); err != nil {
				return err
			}
			used, err := tx.useRecoveryCode(ctx, cur.id, s.keys.hashToken(recoveryHashKind(cur.id), rc), now.UnixNano())
			if err != nil {
				return err
			}
			ok, res.UsedRecovery = used, used
		} else {
			if err := checkLock(ctx, tx, key, now); err != nil {
				return err
			}
			return s.codeFailure(ctx, tx, key, cur, sess, now, invalidf("%s", s.codeShape()))
		}
		if !ok {
			return s.codeFailure(ctx, tx, key, cur, sess, now, errorf(kindUnauthorized, msgBadCode))
		}
		// A right code or a recovery code starts the user's count again.
		if err := clearThrottle(ctx, tx, codeKey(cur.id, sess.addr), recoveryKey(sess.addr)); err != nil {
			return err
		}
		if err := resetCodeCount(ctx, tx, cur.id); err != nil {
			return err
		}
		if err := s.deleteSession(ctx, tx, sess.ID); err != nil {
			return err
		}
		if reenrol {
			half, err := s.createSession(ctx, tx, cur.id, stateMFA)
			if err != nil {
				return err
			}
			secret, exp, err := s.storePending(ctx, tx, half.ID, cur.id, now, true)
			if err != nil {
				return err
			}
			half.stepUp = true
			setup := s.setupOf(cur, secret, exp, true, s.graceEnd(cur), now)
			res.session, res.Setup = half, &setup
			return nil
		}
		if remember {
			res.DeviceToken = randomToken(32)
			res.DeviceExpires = now.Add(s.policy.RememberFor)
			if err := tx.insertDevice(ctx, s.keys.hashToken("device", res.DeviceToken), cur.id, now.UnixNano(), res.DeviceExpires.UnixNano()); err != nil {
				return err
			}
		}
		res.session, err = s.createSession(ctx, tx, cur.id, stateFull)
		return err
	})
}

// countCodeFailure counts an unreadable code submission (malformed or
// oversized body) of a half-signed-in session as a failed attempt.
func (s *service) countCodeFailure(ctx context.Context, sess session) error {
	u, err := s.mfaUser(ctx, sess)
	if err != nil {
		return err
	}
	now := s.now()
	key := codeKey(u.id, sess.addr)
	return s.store.withTx(ctx, func(tx store) error {
		if err := checkLock(ctx, tx, key, now); err != nil {
			return err
		}
		return s.codeFailure(ctx, tx, key, u, sess, now, invalidf("%s", s.codeShape()))
	})
}

// codeFailure counts a wrong code against key (locking it every
// maxFailures), against the address and against the user's wrong codes in
// a row, which mail a warning at userCodeWarn and lock code entry at
// userCodeCeiling.
func (s *service) codeFailure(ctx context.Context, tx store, key string, u *user, sess session, now time.Time, base error) error {
	n, err := failuresOf(ctx, tx, userCodeKey(u.id), now, 0)
	if err != nil {
		return err
	}
	n++
	if err := tx.saveFailures(ctx, userCodeKey(u.id), n, 0, now.UnixNano()); err != nil {
		return err
	}
	if err := countFailure(ctx, tx, seenKey(sess.addr), now, cleanAfter); err != nil {
		return err
	}
	switch n {
	case userCodeWarn:
		if err := s.mailCodeWarning(ctx, tx, u); err != nil {
			return err
		}
	case userCodeCeiling:
		if err := s.mailCeiling(ctx, tx, u, sess.base); err != nil {
			return err
		}
	}
	out := recordFailure(ctx, tx, key, now, 0, s.maxFailures, base)
	if n >= userCodeCeiling && !errors.Is(out, errThrottled) {
		var se *serviceError
		if !errors.As(out, &se) {
			return out
		}
		return errCeiling
	}
	return out
}

// Recovery codes look like "k3j9x-q2m7d": ten base32 characters, 50 bits.
const recoveryAlphabet = "abcdefghijklmnopqrstuvwxyz234567"

func newRecoveryCode() string {
	b := randomBytes(10)
	var sb strings.Builder
	for i, c := range b {
		if i == 5 {
			sb.WriteByte('-')
		}
		sb.WriteByte(recoveryAlphabet[c&31])
	}
	return sb.String()
}

// normalizeRecoveryCode lower-cases s and reports whether it has the shape of
// a recovery code.
func normalizeRecoveryCode(s string) (string, bool) {
	if len(s) != 11 || s[5] != '-' {
		return "", false
	}
	s = strings.ToLower(s)
	for i := 0; i < len(s); i++ {
		if i == 5 {
			continue
		}
		if !strings.ContainsRune(recoveryAlphabet, rune(s[i])) {
			return "", false
		}
	}
	return s, true
}

// mfaResult is the outcome of a successful code step.
type mfaResult struct {
	session       session
	RecoveryCodes []string  // after setup: shown once
	DeviceToken   string    // remember_device: the cookie value
	DeviceExpires time.Time // remember_device
	UsedRecovery  bool
	Setup         *api.Setup // re-enrolment: the step-up passed, session is still half signed in
}

// needsFirstSetup reports whether u has no confirmed TOTP secret.
func needsFirstSetup(u *user) bool { return u.totpCred == "" || u.enrolled.IsZero() }

// reenrolDue reports whether u's confirmed secret is due for a refresh.
func (s *service) reenrolDue(u *user, now time.Time) bool {
	return !needsFirstSetup(u) && !now.Before(u.enrolled.Add(s.policy.ReenrolAfter))
}

// graceEnd is when "Not now" stops being offered at re-enrolment.
func (s *service) graceEnd(u *user) time.Time {
	return u.enrolled.Add(s.policy.ReenrolAfter + s.grace)
}

// setupDue reports whether u must (re)do Secure Your Account at now.
func (s *service) setupDue(u *user, now time.Time) bool {
	return needsFirstSetup(u) || s.reenrolDue(u, now)
}

// storePending gives the half-signed-in session sessID a fresh pending TOTP
// secret (and marks it stepped up when stepUp is set). The secret belongs to
// that session alone: a second sign-in gets its own, and confirming one
// ends every other session of the user.
func (s *service) storePending(ctx context.Context, q store, sessID string, userID int64, now time.Time, stepUp bool) ([]byte, time.Time, error) {
	secret := randomBytes(20)
	cred := randomToken(12)
	exp := now.Add(pendingLifetime)
	if err := q.setPending(ctx, s.keys.hashToken("session", sessID), cred, s.keys.sealSecret(userID, cred, secret), exp.UnixNano(), stepUp); err != nil {
		return nil, time.Time{}, err
	}
	return secret, exp, nil
}

// pendingOf is the unexpired pending secret of session sessID.
type pendingOf struct {
	cred    string
	sealed  []byte
	secret  []byte
	expires time.Time
}

var errSetupExpired = errorf(kindConflict, "the setup has expired; sign in again to get a new QR code")

func (s *service) loadPending(ctx context.Context, q store, sessID string, userID int64, now time.Time) (pendingOf, error) {
	p, err := q.selectPending(ctx, s.keys.hashToken("session", sessID), userID)
	if errors.Is(err, errNotFound) {
		return p, errSetupExpired
	}
	if err != nil {
		return p, fmt.Errorf("load pending secret: %w", err)
	}
	if p.cred == "" || !now.Before(p.expires) {
		return p, errSetupExpired
	}
	if p.secret, err = s.keys.openSecret(userID, p.cred, p.sealed); err != nil {
		return p, err
	}
	return p, nil
}
