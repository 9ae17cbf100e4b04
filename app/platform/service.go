package platform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Policy durations.
const (
	reenrolAfter    = 30 * 24 * time.Hour // Secure Your Account again after this
	deviceLifetime  = 30 * 24 * time.Hour // remembered device
	pendingLifetime = 10 * time.Minute    // unconfirmed TOTP secret
	halfLifetime    = 10 * time.Minute    // signed in with password, MFA pending
	fullLifetime    = 12 * time.Hour      // signed-in session
	inviteLifetime  = 7 * 24 * time.Hour
	lockStep        = 10               // failures per temporary lockout
	lockDuration    = 15 * time.Minute // length of a password lockout (and the first code lockout)
	addrForgetAfter = time.Hour        // a client address's failures are forgotten after this quiet time
	recoveryCount   = 10
)

// Sign-in statuses, as in the JSON API.
const (
	StatusSetupRequired = "mfa_setup_required"
	StatusMFARequired   = "mfa_required"
	StatusSignedIn      = "signed_in"
)

// Session states.
const (
	stateMFA  = "mfa"  // password accepted, MFA step pending
	stateFull = "full" // signed in
)

// Service is the platform's business logic, shared by the JSON API and the
// HTML pages. Every method takes the time from the injected clocks.
type Service struct {
	db      *sql.DB
	keys    *keys
	hash    *hasher
	issuer  string
	now     func() time.Time // the platform calendar (movable with --test-clock)
	codeNow func() time.Time // the time TOTP codes are checked against
	grace   time.Duration    // re-enrolment can be put off this long after it is due
}

// Session is a browser's or API client's session. ID is the raw cookie
// value; the database keeps only its hash. Visitors who have not signed in
// have no session: their CSRF token is stateless (see keys.visitorToken).
type Session struct {
	ID      string
	UserID  int64
	State   string
	CSRF    string
	Expires time.Time

	stepUp bool // re-enrolment: the user confirmed it's them with the current code
}

// Setup is a pending TOTP enrolment to show on the Secure Your Account page.
type Setup struct {
	URI     string    `json:"otpauth_uri"`
	Secret  string    `json:"secret"`
	Account string    `json:"account"`
	QRPath  string    `json:"qr_png"`
	Expires time.Time `json:"expires_at"`
	Reenrol bool      `json:"reenrol"` // a confirmed secret exists and still works until this one is confirmed

	GraceUntil *time.Time `json:"reenrol_grace_until,omitempty"` // Reenrol: "Not now" is possible until then
	CanSkip    bool       `json:"can_skip"`                      // Reenrol: "Not now" is possible now
}

// GroupedSecret is the secret in groups of four, for typing by hand.
func (s Setup) GroupedSecret() string { return groupKey(s.Secret) }

// SignInResult is the outcome of the password step.
type SignInResult struct {
	Status     string
	Session    Session
	Setup      *Setup    // StatusSetupRequired only
	Reenrol    bool      // StatusMFARequired: the code step is the step-up before a new key
	GraceUntil time.Time // Reenrol: "Not now" is possible until then
}

// MFAResult is the outcome of a successful code step.
type MFAResult struct {
	Session       Session
	RecoveryCodes []string  // after setup: shown once
	DeviceToken   string    // remember_device: the cookie value
	DeviceExpires time.Time // remember_device
	UsedRecovery  bool
	Setup         *Setup // re-enrolment: the step-up passed, Session is still half signed in
}

// Profile is what /api/me shows.
type Profile struct {
	ID            int64      `json:"id"`
	Email         string     `json:"email"`
	Name          string     `json:"name"`
	Company       string     `json:"company"`
	Role          string     `json:"role"`
	MFAEnrolledAt *time.Time `json:"mfa_enrolled_at"`
	ReenrolAt     *time.Time `json:"mfa_reenrol_at"`
	RecoveryLeft  int        `json:"recovery_codes_left"`
}

// UserSummary is one row of the admin's user list.
type UserSummary struct {
	ID            int64      `json:"id"`
	Email         string     `json:"email"`
	Name          string     `json:"name"`
	Role          string     `json:"role"`
	MFAStatus     string     `json:"mfa_status"` // "enabled", "reenrolment_due", "not_set_up"
	MFAEnrolledAt *time.Time `json:"mfa_enrolled_at"`
	CodeLocked    bool       `json:"code_entry_locked"`
}

// Message is one email the platform "sent" (kept in the local Outbox).
type Message struct {
	ID      int64     `json:"id"`
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	Link    string    `json:"link,omitempty"`
	SentAt  time.Time `json:"sent_at"`
}

// Invite is a freshly created invitation.
type Invite struct {
	Token string `json:"token"`
	URL   string `json:"invite_url"`
}

// user is a users row.
type user struct {
	id, companyID   int64
	email, name     string
	role            string
	passwordHash    string
	totpCred        sql.NullString
	totpSecret      []byte
	enrolled        sql.NullInt64
	pendingCred     sql.NullString
	pendingSecret   []byte
	pendingExpires  sql.NullInt64
	lastStep        int64
	company         string
	passwordChanged int64
}

const userCols = `u.id, u.company_id, u.email, u.name, u.role, u.password_hash, u.totp_cred, u.totp_secret,
	u.mfa_enrolled_ns, u.pending_cred, u.pending_secret, u.pending_expires_ns, u.last_step, c.name, u.password_changed_ns`

type rowScanner interface{ Scan(dest ...any) error }

func scanUser(r rowScanner) (*user, error) {
	var u user
	err := r.Scan(&u.id, &u.companyID, &u.email, &u.name, &u.role, &u.passwordHash, &u.totpCred, &u.totpSecret,
		&u.enrolled, &u.pendingCred, &u.pendingSecret, &u.pendingExpires, &u.lastStep, &u.company, &u.passwordChanged)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Service) userByID(ctx context.Context, q querier, id int64) (*user, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(KindUnauthorized, msgNotSignedIn)
	}
	if err != nil {
		return nil, fmt.Errorf("load user: %w", err)
	}
	return u, nil
}

func (s *Service) userByEmail(ctx context.Context, email string) (*user, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.email = ?`, email))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load user: %w", err)
	}
	return u, nil
}

// needsFirstSetup reports whether u has no confirmed TOTP secret.
func needsFirstSetup(u *user) bool { return !u.totpCred.Valid || !u.enrolled.Valid }

// reenrolDue reports whether u's confirmed secret is due for a refresh.
func (s *Service) reenrolDue(u *user, now time.Time) bool {
	return !needsFirstSetup(u) && !now.Before(time.Unix(0, u.enrolled.Int64).Add(reenrolAfter))
}

// graceEnd is when "Not now" stops being offered at re-enrolment.
func (s *Service) graceEnd(u *user) time.Time {
	return time.Unix(0, u.enrolled.Int64).Add(reenrolAfter + s.grace)
}

// setupDue reports whether u must (re)do Secure Your Account at now.
func (s *Service) setupDue(u *user, now time.Time) bool {
	return needsFirstSetup(u) || s.reenrolDue(u, now)
}

// withTx runs fn in a transaction (BEGIN IMMEDIATE) and commits when it
// returns nil. A returned *Error still commits, because failure counters must
// stick; wrap it with txAbort to roll back instead.
func (s *Service) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	ferr := fn(tx)
	var ab abortError
	if errors.As(ferr, &ab) {
		tx.Rollback()
		return ab.err
	}
	var se *Error
	if ferr != nil && !errors.As(ferr, &se) {
		tx.Rollback()
		return ferr
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return ferr
}

// ---- input checks ----

const (
	maxEmailLen = 254
	maxNameLen  = 100
)

// normalizeEmail checks that s is a plain address and lower-cases it.
func normalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalidf("the email address is required")
	}
	if len(s) > maxEmailLen || !utf8.ValidString(s) {
		return "", invalidf("the email address is not valid")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || strings.ContainsAny(s, " \t\r\n<>\"") {
		return "", invalidf("the email address is not valid")
	}
	return strings.ToLower(s), nil
}

// checkName validates a person's or company's name.
func checkName(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalidf("the %s is required", field)
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxNameLen {
		return "", invalidf("the %s must be valid text of at most %d characters", field, maxNameLen)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", invalidf("the %s must not contain control characters", field)
		}
	}
	return s, nil
}

// ---- throttling ----

// The counters' keys. Recovery codes have their own counter, so that wrong
// one-time codes (an attacker's, say) never stop a recovery code.
func codeKey(userID int64) string     { return fmt.Sprintf("code:%d", userID) }
func recoveryKey(userID int64) string { return fmt.Sprintf("recovery:%d", userID) }
func accountKey(email string) string  { return "password:" + email }
func addrKey(addr string) string      { return "addr:" + addr }

// codeBackoff is the length of the n-th lock (n from 1) of a code counter:
// it grows with every lock but never becomes permanent, so whoever knows a
// password cannot lock an account's owner (perhaps a company's only
// administrator) out for good. An administrator can lift it early.
var codeBackoff = []time.Duration{15 * time.Minute, time.Hour, 4 * time.Hour, 24 * time.Hour}

// lockLength is the n-th lock of a counter: growing for code counters,
// always lockDuration for password counters.
func lockLength(n int64, grow bool) time.Duration {
	if !grow || n < 1 {
		return lockDuration
	}
	return codeBackoff[min(n, int64(len(codeBackoff)))-1]
}

// checkLock returns a KindThrottled error when key is locked at now.
func checkLock(ctx context.Context, q querier, key string, now time.Time) error {
	var until int64
	err := q.QueryRowContext(ctx, `SELECT locked_until_ns FROM throttle WHERE key = ?`, key).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read throttle: %w", err)
	}
	if t := time.Unix(0, until); now.Before(t) {
		return throttled(t, now)
	}
	return nil
}

// recordFailure counts a failure against key and returns the error to
// answer: base, or KindThrottled when this failure locked the key. Every
// lockStep failures lock the key; grow makes each lock longer than the last.
func recordFailure(ctx context.Context, q querier, key string, now time.Time, forgetAfter time.Duration, grow bool, base error) error {
	var failures, last int64
	err := q.QueryRowContext(ctx, `SELECT failures, last_failure_ns FROM throttle WHERE key = ?`, key).Scan(&failures, &last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read throttle: %w", err)
	}
	if forgetAfter > 0 && err == nil && now.Sub(time.Unix(0, last)) > forgetAfter {
		failures = 0
	}
	failures++
	var until int64
	out := base
	if failures%lockStep == 0 {
		t := now.Add(lockLength(failures/lockStep, grow))
		until = t.UnixNano()
		out = throttled(t, now)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO throttle (key, failures, locked_until_ns, last_failure_ns) VALUES (?, ?, ?, ?)
		ON CONFLICT(key) DO UPDATE SET failures = excluded.failures,
			locked_until_ns = CASE WHEN excluded.locked_until_ns > 0 THEN excluded.locked_until_ns ELSE throttle.locked_until_ns END,
			last_failure_ns = excluded.last_failure_ns`,
		key, failures, until, now.UnixNano())
	if err != nil {
		return fmt.Errorf("record failure: %w", err)
	}
	return out
}

func clearThrottle(ctx context.Context, q querier, keys ...string) error {
	for _, key := range keys {
		if _, err := q.ExecContext(ctx, `DELETE FROM throttle WHERE key = ?`, key); err != nil {
			return fmt.Errorf("reset throttle: %w", err)
		}
	}
	return nil
}

// ---- sessions ----

func (s *Service) createSession(ctx context.Context, q querier, userID int64, state string) (Session, error) {
	now := s.now()
	life := map[string]time.Duration{stateMFA: halfLifetime, stateFull: fullLifetime}[state]
	sess := Session{ID: randomToken(32), UserID: userID, State: state, CSRF: randomToken(32), Expires: now.Add(life)}
	var uid any
	if userID != 0 {
		uid = userID
	}
	_, err := q.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, state, csrf, created_ns, expires_ns) VALUES (?, ?, ?, ?, ?, ?)`,
		s.keys.hashToken("session", sess.ID), uid, state, sess.CSRF, now.UnixNano(), sess.Expires.UnixNano())
	if err != nil {
		return Session{}, fmt.Errorf("create session: %w", err)
	}
	return sess, nil
}

// Session loads the session with raw cookie value id. An unknown or expired
// session is a KindUnauthorized error.
func (s *Service) Session(ctx context.Context, id string) (Session, error) {
	if id == "" || len(id) > 100 {
		return Session{}, errorf(KindUnauthorized, msgNotSignedIn)
	}
	h := s.keys.hashToken("session", id)
	var sess Session
	var uid sql.NullInt64
	var exp int64
	err := s.db.QueryRowContext(ctx, `SELECT user_id, state, csrf, expires_ns, step_up FROM sessions WHERE id_hash = ? AND state != 'anon'`, h).Scan(&uid, &sess.State, &sess.CSRF, &exp, &sess.stepUp)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, errorf(KindUnauthorized, msgNotSignedIn)
	}
	if err != nil {
		return Session{}, fmt.Errorf("load session: %w", err)
	}
	sess.ID, sess.UserID, sess.Expires = id, uid.Int64, time.Unix(0, exp)
	if !s.now().Before(sess.Expires) {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, h); err != nil {
			return Session{}, fmt.Errorf("expire session: %w", err)
		}
		return Session{}, errorf(KindUnauthorized, "your session has expired; sign in again")
	}
	return sess, nil
}

func (s *Service) deleteSession(ctx context.Context, q querier, id string) error {
	if id == "" {
		return nil
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, s.keys.hashToken("session", id)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// storePending gives the half-signed-in session sessID a fresh pending TOTP
// secret (and marks it stepped up when stepUp is set). The secret belongs to
// that session alone: a second sign-in gets its own, and confirming one
// ends every other session of the user.
func (s *Service) storePending(ctx context.Context, q querier, sessID string, userID int64, now time.Time, stepUp bool) ([]byte, time.Time, error) {
	secret := randomBytes(20)
	cred := randomToken(12)
	exp := now.Add(pendingLifetime)
	_, err := q.ExecContext(ctx, `UPDATE sessions SET pending_cred = ?, pending_secret = ?, pending_expires_ns = ?, step_up = MAX(step_up, ?) WHERE id_hash = ?`,
		cred, s.keys.sealSecret(userID, cred, secret), exp.UnixNano(), stepUp, s.keys.hashToken("session", sessID))
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("store pending secret: %w", err)
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

var errSetupExpired = errorf(KindConflict, "the setup has expired; sign in again to get a new QR code")

func (s *Service) loadPending(ctx context.Context, q querier, sessID string, userID int64, now time.Time) (pendingOf, error) {
	var p pendingOf
	var cred sql.NullString
	var exp sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT pending_cred, pending_secret, pending_expires_ns FROM sessions WHERE id_hash = ? AND user_id = ?`,
		s.keys.hashToken("session", sessID), userID).Scan(&cred, &p.sealed, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errSetupExpired
	}
	if err != nil {
		return p, fmt.Errorf("load pending secret: %w", err)
	}
	if !cred.Valid || !exp.Valid || !now.Before(time.Unix(0, exp.Int64)) {
		return p, errSetupExpired
	}
	p.cred, p.expires = cred.String, time.Unix(0, exp.Int64)
	if p.secret, err = s.keys.openSecret(userID, p.cred, p.sealed); err != nil {
		return p, err
	}
	return p, nil
}

// SignOut ends the session.
func (s *Service) SignOut(ctx context.Context, sess Session) error {
	return s.deleteSession(ctx, s.db, sess.ID)
}

// SignOutEverywhere ends every session of the signed-in user and forgets
// every remembered device.
func (s *Service) SignOutEverywhere(ctx context.Context, sess Session) error {
	if sess.State != stateFull {
		return errorf(KindUnauthorized, msgNotSignedIn)
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, sess.UserID); err != nil {
			return fmt.Errorf("sign out everywhere: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM devices WHERE user_id = ?`, sess.UserID); err != nil {
			return fmt.Errorf("sign out everywhere: %w", err)
		}
		return nil
	})
}

// Sweep deletes expired sessions and devices.
func (s *Service) Sweep(ctx context.Context) error {
	now := s.now().UnixNano()
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_ns <= ?`, now); err != nil {
		return fmt.Errorf("sweep sessions: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM devices WHERE expires_ns <= ?`, now); err != nil {
		return fmt.Errorf("sweep devices: %w", err)
	}
	return nil
}

// ---- registration and invites ----

// RegisterInput is the registration form.
type RegisterInput struct {
	Company, Name, Email, Password string
}

// Register creates a company and its administrator. For an address that
// already has an account it changes nothing, answers the same, and mails
// the address's owner that someone tried.
func (s *Service) Register(ctx context.Context, in RegisterInput) error {
	company, err := checkName("company name", in.Company)
	if err != nil {
		return err
	}
	name, err := checkName("name", in.Name)
	if err != nil {
		return err
	}
	email, err := normalizeEmail(in.Email)
	if err != nil {
		return err
	}
	if err := checkPasswordPolicy(in.Password); err != nil {
		return err
	}
	// Hash even when the address is taken: the answer and its timing are
	// the same either way, so registration tells nobody who has an account.
	ph, err := s.hashPassword(ctx, in.Password)
	if err != nil {
		return err
	}
	now := s.now().UnixNano()
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var uid, cid int64
		err := tx.QueryRowContext(ctx, `SELECT id, company_id FROM users WHERE email = ?`, email).Scan(&uid, &cid)
		if err == nil {
			return s.send(ctx, tx, cid, email, "Someone tried to register with your address",
				fmt.Sprintf("Someone tried to create a new company account on %s with your email address. Your account is unchanged.\n\n"+
					"If it was you, sign in instead. If it was not, you need not do anything.\n", s.issuer), "")
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("register: %w", err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO companies (name, created_ns) VALUES (?, ?)`, company, now)
		if err != nil {
			return fmt.Errorf("create company: %w", err)
		}
		cid, _ = res.LastInsertId()
		return insertUser(ctx, tx, cid, email, name, "admin", ph, now)
	})
}

func insertUser(ctx context.Context, tx *sql.Tx, companyID int64, email, name, role, hash string, now int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO users (company_id, email, name, role, password_hash, password_changed_ns, created_ns)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(email) DO NOTHING`, companyID, email, name, role, hash, now, now)
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT changes()`).Scan(&n); err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	if n == 0 {
		return errorf(KindConflict, "an account with this email address already exists; sign in instead")
	}
	return nil
}

func (s *Service) hashPassword(ctx context.Context, pw string) (string, error) {
	if err := s.hash.acquire(ctx); err != nil {
		return "", err
	}
	defer s.hash.release()
	return s.hash.hash(pw), nil
}

// fullUser returns the signed-in user of sess.
func (s *Service) fullUser(ctx context.Context, sess Session) (*user, error) {
	if sess.State != stateFull || sess.UserID == 0 {
		return nil, errorf(KindUnauthorized, msgNotSignedIn)
	}
	return s.userByID(ctx, s.db, sess.UserID)
}

func (s *Service) adminUser(ctx context.Context, sess Session) (*user, error) {
	u, err := s.fullUser(ctx, sess)
	if err != nil {
		return nil, err
	}
	if u.role != "admin" {
		return nil, errorf(KindForbidden, "only an administrator can do this")
	}
	return u, nil
}

// CreateInvite invites email to the admin's company and "sends" the
// invitation to the Outbox. baseURL is the platform's address, like
// "http://127.0.0.1:8080".
func (s *Service) CreateInvite(ctx context.Context, sess Session, email, baseURL string) (Invite, error) {
	admin, err := s.adminUser(ctx, sess)
	if err != nil {
		return Invite{}, err
	}
	email, err = normalizeEmail(email)
	if err != nil {
		return Invite{}, err
	}
	if u, err := s.userByEmail(ctx, email); err != nil {
		return Invite{}, err
	} else if u != nil {
		return Invite{}, errorf(KindConflict, "%s already has an account", email)
	}
	tok := randomToken(32)
	inv := Invite{Token: tok, URL: strings.TrimRight(baseURL, "/") + "/invite/" + tok}
	now := s.now()
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO invites (token_hash, company_id, email, invited_by, created_ns, expires_ns) VALUES (?, ?, ?, ?, ?, ?)`,
			s.keys.hashToken("invite", tok), admin.companyID, email, admin.id, now.UnixNano(), now.Add(inviteLifetime).UnixNano())
		if err != nil {
			return fmt.Errorf("create invite: %w", err)
		}
		body := fmt.Sprintf("%s invited you to join %s on %s.\n\nOpen this link within 7 days to choose your name and password:\n%s\n",
			admin.name, admin.company, s.issuer, inv.URL)
		return s.send(ctx, tx, admin.companyID, email, fmt.Sprintf("You're invited to %s on %s", admin.company, s.issuer), body, inv.URL)
	})
	if err != nil {
		return Invite{}, err
	}
	return inv, nil
}

// InviteInfo describes a valid invitation, for the accept page.
type InviteInfo struct {
	Email, Company string
}

func (s *Service) loadInvite(ctx context.Context, q querier, token string) (companyID int64, info InviteInfo, err error) {
	bad := errorf(KindNotFound, "this invitation link is not valid, was already used or has expired; ask your administrator for a new one")
	if token == "" || len(token) > 100 {
		return 0, info, bad
	}
	var exp int64
	var accepted sql.NullInt64
	err = q.QueryRowContext(ctx, `SELECT i.company_id, i.email, c.name, i.expires_ns, i.accepted_ns FROM invites i JOIN companies c ON c.id = i.company_id WHERE i.token_hash = ?`,
		s.keys.hashToken("invite", token)).Scan(&companyID, &info.Email, &info.Company, &exp, &accepted)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, info, bad
	}
	if err != nil {
		return 0, info, fmt.Errorf("load invite: %w", err)
	}
	if accepted.Valid || !s.now().Before(time.Unix(0, exp)) {
		return 0, info, bad
	}
	return companyID, info, nil
}

// LookupInvite returns the invitation behind token.
func (s *Service) LookupInvite(ctx context.Context, token string) (InviteInfo, error) {
	_, info, err := s.loadInvite(ctx, s.db, token)
	return info, err
}

// AcceptInvite creates the invitee's account.
func (s *Service) AcceptInvite(ctx context.Context, token, name, password string) error {
	if _, _, err := s.loadInvite(ctx, s.db, token); err != nil {
		return err
	}
	name, err := checkName("name", name)
	if err != nil {
		return err
	}
	if err := checkPasswordPolicy(password); err != nil {
		return err
	}
	ph, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}
	now := s.now().UnixNano()
	return s.withTx(ctx, func(tx *sql.Tx) error {
		cid, info, err := s.loadInvite(ctx, tx, token)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invites SET accepted_ns = ? WHERE token_hash = ? AND accepted_ns IS NULL`,
			now, s.keys.hashToken("invite", token)); err != nil {
			return fmt.Errorf("accept invite: %w", err)
		}
		if err := insertUser(ctx, tx, cid, info.Email, name, "member", ph, now); err != nil {
			return txAbort(err)
		}
		return nil
	})
}

// txAbort marks a service error whose transaction must roll back.
type abortError struct{ err error }

func (e abortError) Error() string { return e.err.Error() }
func (e abortError) Unwrap() error { return e.err }

func txAbort(err error) error { return abortError{err} }

// send stores a message to a user of company companyID in the Outbox.
func (s *Service) send(ctx context.Context, q querier, companyID int64, to, subject, body, link string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO outbox (company_id, to_addr, subject, body, link, sent_ns) VALUES (?, ?, ?, ?, ?, ?)`,
		companyID, to, subject, body, link, s.now().UnixNano())
	if err != nil {
		return fmt.Errorf("send message: %w", err)
	}
	return nil
}

// Outbox lists every message the platform has "sent", newest first.
func (s *Service) Outbox(ctx context.Context) ([]Message, error) {
	return s.outbox(ctx, `SELECT id, to_addr, subject, body, link, sent_ns FROM outbox ORDER BY id DESC LIMIT 500`)
}

// OutboxFor lists the messages a signed-in user may read when the platform
// is reachable from other machines: an administrator's company's mail, or a
// member's own.
func (s *Service) OutboxFor(ctx context.Context, sess Session) ([]Message, error) {
	u, err := s.fullUser(ctx, sess)
	if err != nil {
		return nil, errorf(KindUnauthorized, "sign in to read the Outbox")
	}
	if u.role == "admin" {
		return s.outbox(ctx, `SELECT id, to_addr, subject, body, link, sent_ns FROM outbox WHERE company_id = ? ORDER BY id DESC LIMIT 500`, u.companyID)
	}
	return s.outbox(ctx, `SELECT id, to_addr, subject, body, link, sent_ns FROM outbox WHERE company_id = ? AND to_addr = ? ORDER BY id DESC LIMIT 500`, u.companyID, u.email)
}

func (s *Service) outbox(ctx context.Context, query string, args ...any) ([]Message, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		var m Message
		var sent int64
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Link, &sent); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		m.SentAt = time.Unix(0, sent).UTC()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}
