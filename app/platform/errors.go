package platform

import (
	"fmt"
	"time"
)

// Kind classifies a service error; the HTTP layer maps it to a status code.
type Kind int

// The kinds of service errors.
const (
	KindInvalid      Kind = iota + 1 // 400: bad input
	KindUnauthorized                 // 401: wrong credentials or code, not signed in
	KindForbidden                    // 403: signed in but not allowed
	KindNotFound                     // 404
	KindConflict                     // 409: state does not allow it
	KindThrottled                    // 429: locked out for RetryAfter
)

// Error is a service error whose message is safe to show to the user.
type Error struct {
	Kind       Kind
	Message    string
	RetryAfter time.Duration // KindThrottled only
}

func (e *Error) Error() string { return e.Message }

// Is makes errors.Is(err, ErrThrottled) and friends match by kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Kind == e.Kind
}

// Sentinels for errors.Is: they match any service error of their kind.
var (
	ErrInvalid      = &Error{Kind: KindInvalid}
	ErrUnauthorized = &Error{Kind: KindUnauthorized}
	ErrForbidden    = &Error{Kind: KindForbidden}
	ErrNotFound     = &Error{Kind: KindNotFound}
	ErrConflict     = &Error{Kind: KindConflict}
	ErrThrottled    = &Error{Kind: KindThrottled}
)

// Messages shown for the common failures. The password message is the same
// for an unknown email and a wrong password, so sign-in reveals nobody.
const (
	msgBadCredentials = "email or password is incorrect"
	msgBadCode        = "the code is incorrect or was already used"
	msgCodeShape      = "enter the 6-digit code from your authenticator app, or a recovery code"
	msgNotSignedIn    = "sign in first"
)

func invalidf(format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Message: fmt.Sprintf(format, args...)}
}

func errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

func throttled(until, now time.Time) *Error {
	d := until.Sub(now)
	if d < time.Second {
		d = time.Second
	}
	return &Error{Kind: KindThrottled, RetryAfter: d,
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
