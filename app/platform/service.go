package platform

import (
	"database/sql"
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
	db      *sql.DB
	keys    *keys
	hash    *hasher
	issuer  string
	now     func() time.Time // the platform calendar (movable with --test-clock)
	codeNow func() time.Time // the time TOTP codes are checked against
	grace   time.Duration    // re-enrolment can be put off this long after it is due

	policy      Policy
	totp        totpParams // the policy's code rules
	maxFailures int64      // the policy's wrong codes per lock
}

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
