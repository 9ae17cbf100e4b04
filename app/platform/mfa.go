package platform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SignInInput is the password step.
type SignInInput struct {
	Email, Password string
	Addr            string // client address, for per-address throttling
	DeviceToken     string // remember-device cookie, if any
	OldSession      string // session to replace (its ID is never reused)
}

// SignIn checks the password and decides the next step. Unknown emails and
// wrong passwords give the same error after the same work.
func (s *Service) SignIn(ctx context.Context, in SignInInput) (SignInResult, error) {
	if in.Email == "" || in.Password == "" {
		return SignInResult{}, invalidf("enter your email address and password")
	}
	if len(in.Email) > maxEmailLen || len(in.Password) > maxPasswordLen {
		return SignInResult{}, errorf(KindUnauthorized, msgBadCredentials)
	}
	email := strings.ToLower(strings.TrimSpace(in.Email))
	// Hold the hashing slot across check, hash and record, so that parallel
	// guesses cannot all slip past the lock check before it trips.
	if err := s.hash.acquire(ctx); err != nil {
		return SignInResult{}, err
	}
	u, ok, err := s.checkPassword(ctx, email, in.Password, in.Addr)
	s.hash.release()
	if err != nil {
		return SignInResult{}, err
	}
	if !ok {
		return SignInResult{}, errorf(KindUnauthorized, msgBadCredentials)
	}
	return s.afterPassword(ctx, u, in.DeviceToken, in.OldSession)
}

// checkPassword runs the throttled password check. The caller holds a hashing slot.
func (s *Service) checkPassword(ctx context.Context, email, pw, addr string) (*user, bool, error) {
	now := s.now()
	for _, k := range []string{accountKey(email), addrKey(addr)} {
		if err := checkLock(ctx, s.db, k, now); err != nil {
			return nil, false, err
		}
	}
	u, err := s.userByEmail(ctx, email)
	if err != nil {
		return nil, false, err
	}
	stored := ""
	if u != nil {
		stored = u.passwordHash
	}
	ok, err := s.hash.verify(pw, stored)
	if err != nil {
		return nil, false, fmt.Errorf("check password: %w", err)
	}
	if ok {
		return u, true, clearThrottle(ctx, s.db, accountKey(email))
	}
	bad := errorf(KindUnauthorized, msgBadCredentials)
	var out error
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		e1 := recordFailure(ctx, tx, accountKey(email), now, 0, false, bad)
		e2 := recordFailure(ctx, tx, addrKey(addr), now, addrForgetAfter, false, bad)
		for _, e := range []error{e1, e2} {
			var se *Error
			if !errors.As(e, &se) {
				return e
			}
		}
		out = e1
		if errors.Is(e2, ErrThrottled) {
			out = e2
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return nil, false, out
}

// afterPassword picks the next step for u and rotates the session. A user
// without MFA gets a pending secret tied to the new session; a user due to
// re-enrol gets the code prompt first ("Confirm it's you"), and no secret.
func (s *Service) afterPassword(ctx context.Context, u *user, deviceToken, oldSession string) (SignInResult, error) {
	now := s.now()
	res := SignInResult{Status: StatusMFARequired}
	switch {
	case needsFirstSetup(u):
		res.Status = StatusSetupRequired
	case s.reenrolDue(u, now):
		// A remembered device does not skip the step-up.
		res.Reenrol, res.GraceUntil = true, s.graceEnd(u)
	case deviceToken != "":
		ok, err := s.deviceValid(ctx, u.id, deviceToken)
		if err != nil {
			return SignInResult{}, err
		}
		if ok {
			res.Status = StatusSignedIn
		}
	}
	state := stateMFA
	if res.Status == StatusSignedIn {
		state = stateFull
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.deleteSession(ctx, tx, oldSession); err != nil {
			return err
		}
		sess, err := s.createSession(ctx, tx, u.id, state)
		if err != nil {
			return err
		}
		res.Session = sess
		if res.Status == StatusSetupRequired {
			secret, exp, err := s.storePending(ctx, tx, sess.ID, u.id, now, false)
			if err != nil {
				return err
			}
			setup := s.setupOf(u, secret, exp, false, time.Time{}, now)
			res.Setup = &setup
		}
		return nil
	})
	if err != nil {
		return SignInResult{}, err
	}
	return res, nil
}

// deviceValid reports whether token is an unexpired remembered device of userID.
func (s *Service) deviceValid(ctx context.Context, userID int64, token string) (bool, error) {
	if len(token) > 100 {
		return false, nil
	}
	var uid, exp int64
	err := s.db.QueryRowContext(ctx, `SELECT user_id, expires_ns FROM devices WHERE token_hash = ?`, s.keys.hashToken("device", token)).Scan(&uid, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check remembered device: %w", err)
	}
	return uid == userID && s.now().Before(time.Unix(0, exp)), nil
}

// otpauthURI builds the Key URI for issuer, account and secret. Both parts
// of the label and the issuer parameter are percent-encoded (RFC 3986, with
// spaces as %20, never '+'), so names with spaces, ':', '@' or '+' survive.
func otpauthURI(issuer, account, secret string) string {
	return "otpauth://totp/" + escapeURI(issuer) + ":" + escapeURI(account) +
		"?secret=" + secret + "&issuer=" + escapeURI(issuer) +
		fmt.Sprintf("&algorithm=SHA1&digits=%d&period=%d", totpDigits, totpPeriod)
}

// escapeURI percent-encodes every byte outside RFC 3986's unreserved set.
func escapeURI(s string) string {
	const hex = "0123456789ABCDEF"
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			sb.WriteByte(c)
			continue
		}
		sb.WriteByte('%')
		sb.WriteByte(hex[c>>4])
		sb.WriteByte(hex[c&15])
	}
	return sb.String()
}

// qrPath is where the setup page's QR image is served.
const qrPath = "/mfa/qr.png"

// setupOf is the Secure Your Account data for secret.
func (s *Service) setupOf(u *user, secret []byte, exp time.Time, reenrol bool, graceUntil, now time.Time) Setup {
	b := b32.EncodeToString(secret)
	out := Setup{URI: otpauthURI(s.issuer, u.email, b), Secret: b, Account: u.email, QRPath: qrPath, Expires: exp.UTC(), Reenrol: reenrol}
	if reenrol {
		g := graceUntil.UTC()
		out.GraceUntil, out.CanSkip = &g, now.Before(graceUntil)
	}
	return out
}

// mfaUser returns the half-signed-in user of sess.
func (s *Service) mfaUser(ctx context.Context, sess Session) (*user, error) {
	if sess.State != stateMFA || sess.UserID == 0 {
		return nil, errorf(KindUnauthorized, "sign in with your email and password first")
	}
	return s.userByID(ctx, s.db, sess.UserID)
}

var (
	errStepUpFirst = errorf(KindForbidden, "confirm it's you first: enter the code from your current authenticator app (or a recovery code)")
	errAlreadySet  = errorf(KindConflict, "MFA is already set up; enter the code from your authenticator app")
)

// setupAllowed says whether sess may see and confirm a pending secret: at
// the first setup, or at re-enrolment after the step-up.
func (s *Service) setupAllowed(u *user, sess Session, now time.Time) error {
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

// PendingSetup returns the Secure Your Account data of a half-signed-in
// session that must set up MFA. At re-enrolment it is refused (KindForbidden)
// until the session confirmed it's the user with the current code.
func (s *Service) PendingSetup(ctx context.Context, sess Session) (Setup, error) {
	u, err := s.mfaUser(ctx, sess)
	if err != nil {
		return Setup{}, err
	}
	now := s.now()
	if err := s.setupAllowed(u, sess, now); err != nil {
		return Setup{}, err
	}
	p, err := s.loadPending(ctx, s.db, sess.ID, u.id, now)
	if err != nil {
		return Setup{}, err
	}
	return s.setupOf(u, p.secret, p.expires, !needsFirstSetup(u), s.graceEnd(u), now), nil
}

// StepInfo says what a half-signed-in session must do next.
type StepInfo struct {
	Status     string    // StatusSetupRequired or StatusMFARequired
	Reenrol    bool      // the key is due for a refresh
	GraceUntil time.Time // Reenrol: "Not now" is possible until then
}

// NextStep reports what a half-signed-in session must do next.
func (s *Service) NextStep(ctx context.Context, sess Session) (StepInfo, error) {
	u, err := s.mfaUser(ctx, sess)
	if err != nil {
		return StepInfo{}, err
	}
	now := s.now()
	info := StepInfo{Status: StatusMFARequired}
	if s.reenrolDue(u, now) {
		info.Reenrol, info.GraceUntil = true, s.graceEnd(u)
	}
	if s.setupAllowed(u, sess, now) == nil {
		info.Status = StatusSetupRequired
	}
	return info, nil
}

// ConfirmSetup checks code against the session's pending secret; on success
// the secret becomes the user's credential (the old one, if any, stops
// working), recovery codes are issued, remembered devices are forgotten,
// every other session of the user ends and this one becomes signed in.
func (s *Service) ConfirmSetup(ctx context.Context, sess Session, code string) (MFAResult, error) {
	u, err := s.mfaUser(ctx, sess)
	if err != nil {
		return MFAResult{}, err
	}
	now, codeNow := s.now(), s.codeNow()
	if err := s.setupAllowed(u, sess, now); err != nil {
		return MFAResult{}, err
	}
	var res MFAResult
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		key := codeKey(u.id)
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
		if !isTOTPCode(code) {
			return recordFailure(ctx, tx, key, now, 0, true, invalidf("enter the 6-digit code from your authenticator app"))
		}
		// The replay guard is per credential: a new secret has accepted no
		// code yet, whatever the old one accepted in this time step.
		step, ok := matchTOTP(p.secret, code, codeNow.Unix(), -1)
		if !ok {
			return recordFailure(ctx, tx, key, now, 0, true, errorf(KindUnauthorized, msgBadCode))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_cred = ?, totp_secret = ?, mfa_enrolled_ns = ?, last_step = ?,
			pending_cred = NULL, pending_secret = NULL, pending_expires_ns = NULL WHERE id = ?`, p.cred, p.sealed, now.UnixNano(), step, cur.id); err != nil {
			return fmt.Errorf("confirm MFA setup: %w", err)
		}
		if err := clearThrottle(ctx, tx, key, recoveryKey(cur.id)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM devices WHERE user_id = ?`, cur.id); err != nil {
			return fmt.Errorf("forget remembered devices: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, cur.id); err != nil {
			return fmt.Errorf("replace recovery codes: %w", err)
		}
		for range recoveryCount {
			rc := newRecoveryCode()
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`,
				cur.id, s.keys.hashToken(recoveryHashKind(cur.id), rc)); err != nil {
				return fmt.Errorf("store recovery codes: %w", err)
			}
			res.RecoveryCodes = append(res.RecoveryCodes, rc)
		}
		// Every session of this user ends, the other half-signed-in ones
		// with their pending secrets: the account's second factor changed.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, cur.id); err != nil {
			return fmt.Errorf("rotate session: %w", err)
		}
		res.Session, err = s.createSession(ctx, tx, cur.id, stateFull)
		return err
	})
	if err != nil {
		return MFAResult{}, err
	}
	return res, nil
}

// SkipReenrol is "Not now" on the re-enrolment page: after the step-up and
// within the grace period, it signs the user in with the current key.
func (s *Service) SkipReenrol(ctx context.Context, sess Session) (Session, error) {
	u, err := s.mfaUser(ctx, sess)
	if err != nil {
		return Session{}, err
	}
	now := s.now()
	switch {
	case !s.reenrolDue(u, now):
		return Session{}, errorf(KindConflict, "no key refresh is due; enter the code from your authenticator app")
	case !sess.stepUp:
		return Session{}, errStepUpFirst
	case !now.Before(s.graceEnd(u)):
		return Session{}, errorf(KindForbidden, "the grace period for refreshing your key ended on %s; scan the new QR code to continue",
			s.graceEnd(u).UTC().Format("2 Jan 2006 15:04 UTC"))
	}
	var out Session
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.deleteSession(ctx, tx, sess.ID); err != nil {
			return err
		}
		out, err = s.createSession(ctx, tx, u.id, stateFull)
		return err
	})
	return out, err
}

func recoveryHashKind(userID int64) string { return fmt.Sprintf("recovery:%d", userID) }

// casStep records step as u's last accepted time step if it is later than
// the stored one. Only one of two parallel submissions of a code wins.
func casStep(ctx context.Context, q querier, userID, step int64) (bool, error) {
	r, err := q.ExecContext(ctx, `UPDATE users SET last_step = ? WHERE id = ? AND last_step < ?`, step, userID, step)
	if err != nil {
		return false, fmt.Errorf("record code use: %w", err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record code use: %w", err)
	}
	return n == 1, nil
}

// VerifyCode is the code step of a later sign-in. code is a TOTP code or a
// recovery code; with remember set, the result carries a device token that
// skips this step for 30 days. When the user's key is due for a refresh,
// a correct code does not sign in: it is the step-up ("Confirm it's you")
// that unlocks a new pending secret, returned in MFAResult.Setup.
func (s *Service) VerifyCode(ctx context.Context, sess Session, code string, remember bool) (MFAResult, error) {
	u, err := s.mfaUser(ctx, sess)
	if err != nil {
		return MFAResult{}, err
	}
	if !u.totpCred.Valid {
		return MFAResult{}, errorf(KindConflict, "set up MFA first: scan the QR code on the Secure Your Account page")
	}
	if sess.stepUp {
		return MFAResult{}, errorf(KindConflict, "you already confirmed it's you: scan the new QR code and enter its code")
	}
	now, codeNow := s.now(), s.codeNow()
	reenrol := s.reenrolDue(u, now)
	var res MFAResult
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.userByID(ctx, tx, u.id)
		if err != nil {
			return err
		}
		if !cur.totpCred.Valid {
			return errorf(KindConflict, "set up MFA first: scan the QR code on the Secure Your Account page")
		}
		ok := false
		key := codeKey(cur.id)
		if isTOTPCode(code) {
			if err := checkLock(ctx, tx, key, now); err != nil {
				return err
			}
			secret, err := s.keys.openSecret(cur.id, cur.totpCred.String, cur.totpSecret)
			if err != nil {
				return err
			}
			step, match := matchTOTP(secret, code, codeNow.Unix(), cur.lastStep)
			if match {
				if ok, err = casStep(ctx, tx, cur.id, step); err != nil {
					return err
				}
			}
		} else if rc, shaped := normalizeRecoveryCode(code); shaped {
			// Recovery codes have their own counter and pass a code lock.
			key = recoveryKey(cur.id)
			if err := checkLock(ctx, tx, key, now); err != nil {
				return err
			}
			r, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_ns = ? WHERE user_id = ? AND code_hash = ? AND used_ns IS NULL`,
				now.UnixNano(), cur.id, s.keys.hashToken(recoveryHashKind(cur.id), rc))
			if err != nil {
				return fmt.Errorf("use recovery code: %w", err)
			}
			n, err := r.RowsAffected()
			if err != nil {
				return fmt.Errorf("use recovery code: %w", err)
			}
			ok, res.UsedRecovery = n == 1, n == 1
		} else {
			if err := checkLock(ctx, tx, key, now); err != nil {
				return err
			}
			return recordFailure(ctx, tx, key, now, 0, true, invalidf(msgCodeShape))
		}
		if !ok {
			return recordFailure(ctx, tx, key, now, 0, true, errorf(KindUnauthorized, msgBadCode))
		}
		if err := clearThrottle(ctx, tx, codeKey(cur.id), recoveryKey(cur.id)); err != nil {
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
			res.Session, res.Setup = half, &setup
			return nil
		}
		if remember {
			res.DeviceToken = randomToken(32)
			res.DeviceExpires = now.Add(deviceLifetime)
			if _, err := tx.ExecContext(ctx, `INSERT INTO devices (token_hash, user_id, created_ns, expires_ns) VALUES (?, ?, ?, ?)`,
				s.keys.hashToken("device", res.DeviceToken), cur.id, now.UnixNano(), res.DeviceExpires.UnixNano()); err != nil {
				return fmt.Errorf("remember device: %w", err)
			}
		}
		res.Session, err = s.createSession(ctx, tx, cur.id, stateFull)
		return err
	})
	if err != nil {
		return MFAResult{}, err
	}
	return res, nil
}

// Me returns the signed-in user's profile.
func (s *Service) Me(ctx context.Context, sess Session) (Profile, error) {
	u, err := s.fullUser(ctx, sess)
	if err != nil {
		return Profile{}, err
	}
	p := Profile{ID: u.id, Email: u.email, Name: u.name, Company: u.company, Role: u.role}
	if u.enrolled.Valid {
		t := time.Unix(0, u.enrolled.Int64).UTC()
		r := t.Add(reenrolAfter)
		p.MFAEnrolledAt, p.ReenrolAt = &t, &r
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_ns IS NULL`, u.id).Scan(&p.RecoveryLeft); err != nil {
		return Profile{}, fmt.Errorf("count recovery codes: %w", err)
	}
	return p, nil
}

// Users lists the users of the admin's company.
func (s *Service) Users(ctx context.Context, sess Session) ([]UserSummary, error) {
	admin, err := s.adminUser(ctx, sess)
	if err != nil {
		return nil, err
	}
	now := s.now()
	rows, err := s.db.QueryContext(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.company_id = ? ORDER BY u.id`, admin.companyID)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	var list []*user
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list users: %w", err)
		}
		list = append(list, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	out := make([]UserSummary, 0, len(list))
	for _, u := range list {
		us := UserSummary{ID: u.id, Email: u.email, Name: u.name, Role: u.role, MFAStatus: "not_set_up"}
		if u.enrolled.Valid && u.totpCred.Valid {
			t := time.Unix(0, u.enrolled.Int64).UTC()
			us.MFAEnrolledAt = &t
			us.MFAStatus = "enabled"
			if s.setupDue(u, now) {
				us.MFAStatus = "reenrolment_due"
			}
		}
		us.CodeLocked = errors.Is(checkLock(ctx, s.db, codeKey(u.id), now), ErrThrottled) ||
			errors.Is(checkLock(ctx, s.db, recoveryKey(u.id), now), ErrThrottled)
		out = append(out, us)
	}
	return out, nil
}

// ResetMFA removes a user's MFA: secret, recovery codes, remembered devices,
// sessions and code lockout. The user sets up MFA again at the next sign-in.
func (s *Service) ResetMFA(ctx context.Context, sess Session, userID int64) error {
	admin, err := s.adminUser(ctx, sess)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var email string
		err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = ? AND company_id = ?`, userID, admin.companyID).Scan(&email)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(KindNotFound, "no such user in your company")
		}
		if err != nil {
			return fmt.Errorf("reset MFA: %w", err)
		}
		stmts := []string{
			`UPDATE users SET totp_cred = NULL, totp_secret = NULL, mfa_enrolled_ns = NULL, pending_cred = NULL, pending_secret = NULL, pending_expires_ns = NULL WHERE id = ?`,
			`DELETE FROM recovery_codes WHERE user_id = ?`,
			`DELETE FROM devices WHERE user_id = ?`,
			`DELETE FROM sessions WHERE user_id = ?`,
		}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return fmt.Errorf("reset MFA: %w", err)
			}
		}
		if err := clearThrottle(ctx, tx, codeKey(userID), recoveryKey(userID)); err != nil {
			return err
		}
		return s.send(ctx, tx, admin.companyID, email, "Your MFA was reset",
			fmt.Sprintf("%s reset the multi-factor authentication of your %s account. At your next sign-in you will set it up again.\n", admin.name, s.issuer), "")
	})
}

// UnlockCodes lifts a user's code and recovery-code lockouts without
// touching their MFA, for an owner locked out by someone else's guesses.
func (s *Service) UnlockCodes(ctx context.Context, sess Session, userID int64) error {
	admin, err := s.adminUser(ctx, sess)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var email string
		err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = ? AND company_id = ?`, userID, admin.companyID).Scan(&email)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(KindNotFound, "no such user in your company")
		}
		if err != nil {
			return fmt.Errorf("unlock code entry: %w", err)
		}
		if err := clearThrottle(ctx, tx, codeKey(userID), recoveryKey(userID)); err != nil {
			return err
		}
		return s.send(ctx, tx, admin.companyID, email, "Your code entry was unlocked",
			fmt.Sprintf("%s lifted the lock on code entry of your %s account after too many wrong codes. If those codes were not yours, change your password.\n", admin.name, s.issuer), "")
	})
}

// ChangePassword sets a new password for the signed-in user, forgets every
// remembered device, ends the user's other sessions and rotates this one.
func (s *Service) ChangePassword(ctx context.Context, sess Session, current, next, addr string) (Session, error) {
	u, err := s.fullUser(ctx, sess)
	if err != nil {
		return Session{}, err
	}
	if err := checkPasswordPolicy(next); err != nil {
		return Session{}, err
	}
	if len(current) > maxPasswordLen {
		return Session{}, errorf(KindUnauthorized, "the current password is incorrect")
	}
	if err := s.hash.acquire(ctx); err != nil {
		return Session{}, err
	}
	_, ok, err := s.checkPassword(ctx, u.email, current, addr)
	var ph string
	if ok {
		ph = s.hash.hash(next)
	}
	s.hash.release()
	if err != nil {
		return Session{}, err
	}
	if !ok {
		return Session{}, errorf(KindUnauthorized, "the current password is incorrect")
	}
	var out Session
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UnixNano()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, password_changed_ns = ? WHERE id = ?`, ph, now, u.id); err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM devices WHERE user_id = ?`, u.id); err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.id); err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		if err := s.send(ctx, tx, u.companyID, u.email, "Your password was changed",
			fmt.Sprintf("The password of your %s account was changed. Remembered devices were signed out.\n", s.issuer), ""); err != nil {
			return err
		}
		out, err = s.createSession(ctx, tx, u.id, stateFull)
		return err
	})
	return out, err
}

// CountCodeFailure counts an unreadable code submission (malformed or
// oversized body) of a half-signed-in session as a failed attempt.
func (s *Service) CountCodeFailure(ctx context.Context, sess Session) error {
	u, err := s.mfaUser(ctx, sess)
	if err != nil {
		return err
	}
	now := s.now()
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := checkLock(ctx, tx, codeKey(u.id), now); err != nil {
			return err
		}
		return recordFailure(ctx, tx, codeKey(u.id), now, 0, true, invalidf(msgCodeShape))
	})
}
