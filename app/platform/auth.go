package platform

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"authdesk/app/platform/api"

	"golang.org/x/crypto/argon2"
)

// signInInput is the password step.
type signInInput struct {
	Email, Password string
	Addr            string // client address, for per-address throttling
	DeviceToken     string // remember-device cookie, if any
	OldSession      string // session to replace (its ID is never reused)
}

// signIn checks the password and decides the next step. Unknown emails and
// wrong passwords give the same error after the same work.
func (s *service) signIn(ctx context.Context, in signInInput) (signInResult, error) {
	if in.Email == "" || in.Password == "" {
		return signInResult{}, invalidf("enter your email address and password")
	}
	if len(in.Email) > maxEmailLen || len(in.Password) > maxPasswordLen {
		return signInResult{}, errorf(kindUnauthorized, msgBadCredentials)
	}
	email := strings.ToLower(strings.TrimSpace(in.Email))
	// A locked address is refused before it can wait in any line: a flood
	// from it costs one read each and never takes the owner's turn.
	if err := checkLocks(ctx, s.store, s.now(), accountKey(email, in.Addr), addrKey(in.Addr)); err != nil {
		return signInResult{}, err
	}
	// Past the account's ceiling (wrong passwords from every address
	// together) each attempt waits its turn, unless it comes from a
	// remembered device of the account. It never locks: a stranger who knows
	// only the email cannot keep the owner out.
	var uid int64
	if in.DeviceToken != "" {
		u, err := s.userByEmail(ctx, email)
		if err != nil {
			return signInResult{}, err
		}
		if u != nil {
			uid = u.id
		}
	}
	release, err := s.slowDown(ctx, accountTotalKey(email), accountCeiling, accountForget, uid, in.DeviceToken, in.Addr)
	if err != nil {
		return signInResult{}, err
	}
	defer release()
	// Hold the hashing slot across check, hash and record, so that parallel
	// guesses cannot all slip past the lock check before it trips.
	if err := s.hash.acquire(ctx); err != nil {
		return signInResult{}, err
	}
	u, ok, err := s.checkPassword(ctx, email, in.Password, in.Addr)
	s.hash.release()
	if err != nil {
		return signInResult{}, err
	}
	if !ok {
		return signInResult{}, errorf(kindUnauthorized, msgBadCredentials)
	}
	return s.afterPassword(ctx, u, in.DeviceToken, in.OldSession)
}

// checkPassword runs the throttled password check. The caller holds a hashing slot.
func (s *service) checkPassword(ctx context.Context, email, pw, addr string) (*user, bool, error) {
	now := s.now()
	if err := checkLocks(ctx, s.store, now, accountKey(email, addr), addrKey(addr)); err != nil {
		return nil, false, err
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
		return u, true, clearThrottle(ctx, s.store, accountKey(email, addr))
	}
	bad := errorf(kindUnauthorized, msgBadCredentials)
	var out error
	err = s.store.withTx(ctx, func(tx store) error {
		if err := countFailure(ctx, tx, accountTotalKey(email), now, accountForget); err != nil {
			return err
		}
		if err := countFailure(ctx, tx, seenKey(addr), now, cleanAfter); err != nil {
			return err
		}
		e1 := recordFailure(ctx, tx, accountKey(email, addr), now, 0, 0, bad)
		e2 := recordFailure(ctx, tx, addrKey(addr), now, addrForgetAfter, 0, bad)
		for _, e := range []error{e1, e2} {
			var se *serviceError
			if !errors.As(e, &se) {
				return e
			}
		}
		out = e1
		if errors.Is(e2, errThrottled) {
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
func (s *service) afterPassword(ctx context.Context, u *user, deviceToken, oldSession string) (signInResult, error) {
	now := s.now()
	res := signInResult{Status: StatusMFARequired}
	switch {
	case needsFirstSetup(u):
		res.Status = StatusSetupRequired
	case s.reenrolDue(u, now):
		// A remembered device does not skip the step-up.
		res.Reenrol, res.GraceUntil = true, s.graceEnd(u)
	case deviceToken != "":
		ok, err := s.deviceValid(ctx, u.id, deviceToken)
		if err != nil {
			return signInResult{}, err
		}
		if ok {
			res.Status = StatusSignedIn
		}
	}
	state := stateMFA
	if res.Status == StatusSignedIn {
		state = stateFull
	}
	err := s.store.withTx(ctx, func(tx store) error {
		if err := s.deleteSession(ctx, tx, oldSession); err != nil {
			return err
		}
		sess, err := s.createSession(ctx, tx, u.id, state)
		if err != nil {
			return err
		}
		res.session = sess
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
		return signInResult{}, err
	}
	return res, nil
}

// deviceValid reports whether token is an unexpired remembered device of userID.
func (s *service) deviceValid(ctx context.Context, userID int64, token string) (bool, error) {
	if len(token) > 100 {
		return false, nil
	}
	uid, exp, err := s.store.selectDevice(ctx, s.keys.hashToken("device", token))
	if errors.Is(err, errNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check remembered device: %w", err)
	}
	return uid == userID && s.now().Before(exp), nil
}

// mfaUser returns the half-signed-in user of sess.
func (s *service) mfaUser(ctx context.Context, sess session) (*user, error) {
	if sess.State != stateMFA || sess.UserID == 0 {
		return nil, errorf(kindUnauthorized, "sign in with your email and password first")
	}
	return s.userByID(ctx, s.store, sess.UserID)
}

// me returns the signed-in user's profile.
func (s *service) me(ctx context.Context, sess session) (api.Profile, error) {
	u, err := s.fullUser(ctx, sess)
	if err != nil {
		return api.Profile{}, err
	}
	p := api.Profile{ID: u.id, Email: u.email, Name: u.name, Company: u.company, Role: u.role}
	if !u.enrolled.IsZero() {
		t := u.enrolled
		r := t.Add(s.policy.ReenrolAfter)
		p.MFAEnrolledAt, p.ReenrolAt = &t, &r
	}
	if p.RecoveryLeft, err = s.store.countRecoveryCodes(ctx, u.id); err != nil {
		return api.Profile{}, err
	}
	return p, nil
}

// changePassword sets a new password for the signed-in user, forgets every
// remembered device, ends the user's other sessions and rotates this one.
func (s *service) changePassword(ctx context.Context, sess session, current, next, addr string) (session, error) {
	u, err := s.fullUser(ctx, sess)
	if err != nil {
		return session{}, err
	}
	if err := checkPasswordPolicy(next); err != nil {
		return session{}, err
	}
	if len(current) > maxPasswordLen {
		return session{}, errorf(kindUnauthorized, "the current password is incorrect")
	}
	if err := s.hash.acquire(ctx); err != nil {
		return session{}, err
	}
	_, ok, err := s.checkPassword(ctx, u.email, current, addr)
	var ph string
	if ok {
		ph = s.hash.hash(next)
	}
	s.hash.release()
	if err != nil {
		return session{}, err
	}
	if !ok {
		return session{}, errorf(kindUnauthorized, "the current password is incorrect")
	}
	var out session
	err = s.store.withTx(ctx, func(tx store) error {
		now := s.now().UnixNano()
		if err := tx.setPassword(ctx, u.id, ph, now); err != nil {
			return err
		}
		if err := tx.deleteUserDevices(ctx, u.id); err != nil {
			return err
		}
		if err := tx.deleteUserSessions(ctx, u.id); err != nil {
			return err
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

// argonParams are Argon2id cost parameters.
type argonParams struct {
	memKiB  uint32
	time    uint32
	threads uint8
}

// Limits on the stored parameters we are willing to run: the hash string
// comes from the database and is treated as untrusted.
const (
	maxArgonMemKiB = 256 * 1024
	maxArgonTime   = 16
	maxArgonLanes  = 8
)

const (
	minPasswordLen = 12   // characters
	maxPasswordLen = 1024 // bytes, bounds the hashing input
)

// hasher hashes and checks passwords, bounding the number of concurrent
// Argon2id computations so that memory stays at workers × m, and the
// number waiting for one so that a flood gets a fast 503, not a queue that
// grows without end.
type hasher struct {
	params   argonParams
	sem      chan struct{}
	waiting  atomic.Int64
	queueMax int64

	dummyOnce sync.Once
	dummy     string // hash checked for unknown emails, so timing reveals nothing
}

// hashQueueMax is how many requests may wait for a hashing slot; at the
// OWASP cost two workers clear it in about 6 s.
const hashQueueMax = 256

// errBusy answers a request that found the hashing queue full.
var errBusy = &serviceError{Kind: kindUnavailable, RetryAfter: time.Second, Message: "the server is busy; try again in a second"}

func newHasher(p argonParams, workers, queue int) *hasher {
	if workers < 1 {
		workers = 1
	}
	if queue < 1 {
		queue = hashQueueMax
	}
	return &hasher{params: p, sem: make(chan struct{}, workers), queueMax: int64(queue)}
}

// acquire waits for a hashing slot; errBusy when queueMax requests wait already.
func (h *hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	default:
	}
	if h.waiting.Add(1) > h.queueMax {
		h.waiting.Add(-1)
		return errBusy
	}
	defer h.waiting.Add(-1)
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait to hash password: %w", ctx.Err())
	}
}

func (h *hasher) release() { <-h.sem }

// hash returns a PHC-format Argon2id hash of pw. The caller holds a slot.
func (h *hasher) hash(pw string) string {
	salt := randomBytes(16)
	p := h.params
	sum := argon2.IDKey([]byte(pw), salt, p.time, p.memKiB, p.threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memKiB, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(sum))
}

// verify reports whether pw matches encoded. An empty encoded string checks
// against a dummy hash and reports false, at the same cost. The caller holds a slot.
func (h *hasher) verify(pw, encoded string) (bool, error) {
	if encoded == "" {
		h.dummyOnce.Do(func() { h.dummy = h.hash("authdesk-dummy-password") })
		_, _ = h.verify(pw, h.dummy)
		return false, nil
	}
	p, salt, want, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memKiB, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

var errBadHash = errors.New("stored password hash is malformed")

// parsePHC parses "$argon2id$v=19$m=..,t=..,p=..$salt$hash" with caps on the costs.
func parsePHC(s string) (argonParams, []byte, []byte, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return argonParams{}, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return argonParams{}, nil, nil, errBadHash
	}
	var m, t, p uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || n != 3 {
		return argonParams{}, nil, nil, errBadHash
	}
	if m < 8 || m > maxArgonMemKiB || t < 1 || t > maxArgonTime || p < 1 || p > maxArgonLanes || m < 8*p {
		return argonParams{}, nil, nil, errBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	sum, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(sum) < 16 || len(sum) > 64 {
		return argonParams{}, nil, nil, errBadHash
	}
	return argonParams{memKiB: m, time: t, threads: uint8(p)}, salt, sum, nil
}

// checkPasswordPolicy enforces the length rules on a new password.
func checkPasswordPolicy(pw string) error {
	if !utf8.ValidString(pw) {
		return invalidf("the password is not valid UTF-8")
	}
	if len(pw) > maxPasswordLen {
		return invalidf("the password is too long (at most %d bytes)", maxPasswordLen)
	}
	if utf8.RuneCountInString(pw) < minPasswordLen {
		return invalidf("the password must be at least %d characters long", minPasswordLen)
	}
	return nil
}

// session is a browser's or API client's session. ID is the raw cookie
// value; the database keeps only its hash. Visitors who have not signed in
// have no session: their CSRF token is stateless (see keys.visitorToken).
type session struct {
	ID      string
	UserID  int64
	State   string
	CSRF    string
	Expires time.Time

	stepUp bool // re-enrolment: the user confirmed it's them with the current code

	// Of the request, not stored: the client address code locks count
	// against, the remembered-device cookie that skips the per-user
	// slow-down, and the platform's address for links in mail.
	addr, device, base string
}

// signInResult is the outcome of the password step.
type signInResult struct {
	Status     string
	session    session
	Setup      *api.Setup // StatusSetupRequired only
	Reenrol    bool       // StatusMFARequired: the code step is the step-up before a new key
	GraceUntil time.Time  // Reenrol: "Not now" is possible until then
}

func (s *service) createSession(ctx context.Context, q store, userID int64, state string) (session, error) {
	now := s.now()
	life := map[string]time.Duration{stateMFA: halfLifetime, stateFull: fullLifetime}[state]
	sess := session{ID: randomToken(32), UserID: userID, State: state, CSRF: randomToken(32), Expires: now.Add(life)}
	if err := q.insertSession(ctx, s.keys.hashToken("session", sess.ID), userID, state, sess.CSRF, now.UnixNano(), sess.Expires.UnixNano()); err != nil {
		return session{}, err
	}
	return sess, nil
}

// loadSession loads the session with raw cookie value id. An unknown or expired
// session is a kindUnauthorized error.
func (s *service) loadSession(ctx context.Context, id string) (session, error) {
	if id == "" || len(id) > 100 {
		return session{}, errorf(kindUnauthorized, msgNotSignedIn)
	}
	h := s.keys.hashToken("session", id)
	sess, err := s.store.selectSession(ctx, h)
	if errors.Is(err, errNotFound) {
		return session{}, errorf(kindUnauthorized, msgNotSignedIn)
	}
	if err != nil {
		return session{}, fmt.Errorf("load session: %w", err)
	}
	sess.ID = id
	if !s.now().Before(sess.Expires) {
		if err := s.store.deleteSessionRow(ctx, h); err != nil {
			return session{}, err
		}
		return session{}, errorf(kindUnauthorized, "your session has expired; sign in again")
	}
	return sess, nil
}

func (s *service) deleteSession(ctx context.Context, q store, id string) error {
	if id == "" {
		return nil
	}
	return q.deleteSessionRow(ctx, s.keys.hashToken("session", id))
}

// signOut ends the session.
func (s *service) signOut(ctx context.Context, sess session) error {
	return s.deleteSession(ctx, s.store, sess.ID)
}

// signOutEverywhere ends every session of the signed-in user and forgets
// every remembered device.
func (s *service) signOutEverywhere(ctx context.Context, sess session) error {
	if sess.State != stateFull {
		return errorf(kindUnauthorized, msgNotSignedIn)
	}
	return s.store.withTx(ctx, func(tx store) error {
		if err := tx.deleteUserSessions(ctx, sess.UserID); err != nil {
			return err
		}
		return tx.deleteUserDevices(ctx, sess.UserID)
	})
}

// sweep deletes expired sessions, devices and throttle counters.
func (s *service) sweep(ctx context.Context) error {
	now := s.now()
	if err := s.store.deleteExpired(ctx, now.UnixNano()); err != nil {
		return err
	}
	return s.store.deleteStaleThrottles(ctx, now.Add(-throttleKeep).UnixNano(), now.UnixNano())
}

func (s *service) hashPassword(ctx context.Context, pw string) (string, error) {
	if err := s.hash.acquire(ctx); err != nil {
		return "", err
	}
	defer s.hash.release()
	return s.hash.hash(pw), nil
}

// fullUser returns the signed-in user of sess.
func (s *service) fullUser(ctx context.Context, sess session) (*user, error) {
	if sess.State != stateFull || sess.UserID == 0 {
		return nil, errorf(kindUnauthorized, msgNotSignedIn)
	}
	return s.userByID(ctx, s.store, sess.UserID)
}

func (s *service) adminUser(ctx context.Context, sess session) (*user, error) {
	u, err := s.fullUser(ctx, sess)
	if err != nil {
		return nil, err
	}
	if u.role != "admin" {
		return nil, errorf(kindForbidden, "only an administrator can do this")
	}
	return u, nil
}
