package platform

import (
	"context"
	"fmt"
	"time"
)

// UserState is what the platform holds about one user, as a tester's guide
// watching the journey from beside the browser needs it.
type UserState struct {
	// Exists: a user with the email is registered.
	Exists bool
	// SetupShown: a Secure Your Account secret is waiting to be confirmed.
	SetupShown bool
	// Enrolled: MFA is set up; EnrolledAt is when (the platform's clock).
	Enrolled   bool
	EnrolledAt time.Time
}

// UserState reports the state of the user with email. It only reads: it
// neither signs in nor counts as an attempt.
func (s *Server) UserState(ctx context.Context, email string) (UserState, error) {
	u, err := s.svc.userByEmail(ctx, email)
	if err != nil {
		return UserState{}, fmt.Errorf("user state: %w", err)
	}
	if u == nil {
		return UserState{}, nil
	}
	st := UserState{Exists: true, Enrolled: u.totpCred.Valid && len(u.totpSecret) > 0}
	// A shown setup secret waits in the session it was shown to.
	var pending int
	if err := s.svc.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE user_id = ? AND pending_cred IS NOT NULL`, u.id).Scan(&pending); err != nil {
		return UserState{}, fmt.Errorf("user state: %w", err)
	}
	st.SetupShown = pending > 0
	if st.Enrolled && u.enrolled.Valid {
		st.EnrolledAt = time.Unix(0, u.enrolled.Int64).UTC()
	}
	return st, nil
}
