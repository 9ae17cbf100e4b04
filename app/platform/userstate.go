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
	st, err := s.svc.userState(ctx, email)
	if err != nil {
		return UserState{}, fmt.Errorf("user state: %w", err)
	}
	return st, nil
}

// userState is UserState, from the store.
func (s *service) userState(ctx context.Context, email string) (UserState, error) {
	u, err := s.userByEmail(ctx, email)
	if err != nil || u == nil {
		return UserState{}, err
	}
	st := UserState{Exists: true, Enrolled: u.totpCred != "" && len(u.totpSecret) > 0}
	// A shown setup secret waits in the session it was shown to.
	pending, err := s.store.pendingSetups(ctx, u.id)
	if err != nil {
		return UserState{}, err
	}
	st.SetupShown = pending > 0
	if st.Enrolled {
		st.EnrolledAt = u.enrolled
	}
	return st, nil
}
