package platform

import (
	"fmt"
	"time"
)

// errKind classifies a service error; the HTTP layer maps it to a status code.
type errKind int

// The kinds of service errors.
const (
	kindInvalid      errKind = iota + 1 // 400: bad input
	kindUnauthorized                    // 401: wrong credentials or code, not signed in
	kindForbidden                       // 403: signed in but not allowed
	kindNotFound                        // 404
	kindConflict                        // 409: state does not allow it
	kindThrottled                       // 429: locked out for RetryAfter
	kindUnavailable                     // 503: too busy; try again after RetryAfter
)

// serviceError is a service error whose message is safe to show to the user.
type serviceError struct {
	Kind       errKind
	Message    string
	RetryAfter time.Duration // kindThrottled only
}

func (e *serviceError) Error() string { return e.Message }

// Is makes errors.Is(err, errThrottled) and friends match by kind.
func (e *serviceError) Is(target error) bool {
	t, ok := target.(*serviceError)
	return ok && t.Message == "" && t.Kind == e.Kind
}

// Sentinels for errors.Is: they match any service error of their kind.
var (
	errUnauthorized = &serviceError{Kind: kindUnauthorized}
	errForbidden    = &serviceError{Kind: kindForbidden}
	errConflict     = &serviceError{Kind: kindConflict}
	errThrottled    = &serviceError{Kind: kindThrottled}
)

// Messages shown for the common failures. The password message is the same
// for an unknown email and a wrong password, so sign-in reveals nobody.
const (
	msgBadCredentials = "email or password is incorrect"
	msgBadCode        = "the code is incorrect or was already used"
	msgNotSignedIn    = "sign in first"
)

func invalidf(format string, args ...any) *serviceError {
	return &serviceError{Kind: kindInvalid, Message: fmt.Sprintf(format, args...)}
}

func errorf(k errKind, format string, args ...any) *serviceError {
	return &serviceError{Kind: k, Message: fmt.Sprintf(format, args...)}
}

func throttled(until, now time.Time) *serviceError {
	d := until.Sub(now)
	if d < time.Second {
		d = time.Second
	}
	return &serviceError{Kind: kindThrottled, RetryAfter: d,
		Message: fmt.Sprintf("too many failed attempts; try again in %s", roundUp(d))}
}

func roundUp(d time.Duration) string {
	if d > 2*time.Hour {
		return fmt.Sprintf("%d hours", int((d+time.Hour-1)/time.Hour))
	}
	if d >= time.Minute {
		return fmt.Sprintf("%d minutes", int((d+time.Minute-1)/time.Minute))
	}
	return fmt.Sprintf("%d seconds", int((d+time.Second-1)/time.Second))
}
