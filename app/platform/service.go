package platform

import (
	"context"
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
	pendingLifetime = 10 * time.Minute // unconfirmed TOTP secret
	halfLifetime    = 10 * time.Minute // signed in with password, MFA pending
	fullLifetime    = 12 * time.Hour   // signed-in session
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

// session states.
const (
	stateMFA  = "mfa"  // password accepted, MFA step pending
	stateFull = "full" // signed in
)

// service is the platform's business logic, shared by the JSON API and the
// HTML pages. Every method takes the time from the injected clocks.
type service struct {
	store   store
	keys    *keys
	hash    *hasher
	issuer  string
	now     func() time.Time // the platform calendar (movable with --test-clock)
	codeNow func() time.Time // the time TOTP codes are checked against
	grace   time.Duration    // re-enrolment can be put off this long after it is due

	policy      Policy
	totp        totpParams // the policy's code rules
	maxFailures int64      // the policy's wrong codes per lock

	gate  slowGate                                         // attempts on accounts past their ceiling
	sleep func(ctx context.Context, d time.Duration) error // slowGate's wait; tests record instead
}

// userByID loads the user with id; kindUnauthorized when there is none
// (the user was deleted under a live session).
func (s *service) userByID(ctx context.Context, q store, id int64) (*user, error) {
	u, err := q.userByID(ctx, id)
	if errors.Is(err, errNotFound) {
		return nil, errorf(kindUnauthorized, msgNotSignedIn)
	}
	return u, err
}

// userByEmail loads the user with email; nil when there is none.
func (s *service) userByEmail(ctx context.Context, email string) (*user, error) {
	u, err := s.store.userByEmail(ctx, email)
	if errors.Is(err, errNotFound) {
		return nil, nil
	}
	return u, err
}

// visitorToken is the CSRF token of a visitor without a session, an HMAC
// of the visitor cookie.
func (s *service) visitorToken(visitor string) string { return s.keys.visitorToken(visitor) }

// codeShape tells what a code must look like.
func (s *service) codeShape() string {
	return fmt.Sprintf("enter the %d-digit code from your authenticator app, or a recovery code", s.totp.digits)
}

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

// close closes the service's store.
func (s *service) close() error { return s.store.close() }
