package platform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// users lists the users of the admin's company.
func (s *service) users(ctx context.Context, sess session) ([]UserSummary, error) {
	admin, err := s.adminUser(ctx, sess)
	if err != nil {
		return nil, err
	}
	now := s.now()
	list, err := selectCompanyUsers(ctx, s.db, admin.companyID)
	if err != nil {
		return nil, err
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
		us.CodeLocked = errors.Is(checkLock(ctx, s.db, codeKey(u.id), now), errThrottled) ||
			errors.Is(checkLock(ctx, s.db, recoveryKey(u.id), now), errThrottled)
		out = append(out, us)
	}
	return out, nil
}

// resetMFA removes a user's MFA: secret, recovery codes, remembered devices,
// sessions and code lockout. The user sets up MFA again at the next sign-in.
func (s *service) resetMFA(ctx context.Context, sess session, userID int64) error {
	admin, err := s.adminUser(ctx, sess)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		email, err := selectCompanyUserEmail(ctx, tx, userID, admin.companyID)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(kindNotFound, "no such user in your company")
		}
		if err != nil {
			return fmt.Errorf("reset MFA: %w", err)
		}
		if err := clearCredential(ctx, tx, userID); err != nil {
			return err
		}
		if err := replaceRecoveryCodes(ctx, tx, userID, nil); err != nil {
			return err
		}
		if err := deleteUserDevices(ctx, tx, userID); err != nil {
			return err
		}
		if err := deleteUserSessions(ctx, tx, userID); err != nil {
			return err
		}
		if err := clearThrottle(ctx, tx, codeKey(userID), recoveryKey(userID)); err != nil {
			return err
		}
		return s.send(ctx, tx, admin.companyID, email, "Your MFA was reset",
			fmt.Sprintf("%s reset the multi-factor authentication of your %s account. At your next sign-in you will set it up again.\n", admin.name, s.issuer), "")
	})
}

// unlockCodes lifts a user's code and recovery-code lockouts without
// touching their MFA, for an owner locked out by someone else's guesses.
func (s *service) unlockCodes(ctx context.Context, sess session, userID int64) error {
	admin, err := s.adminUser(ctx, sess)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		email, err := selectCompanyUserEmail(ctx, tx, userID, admin.companyID)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(kindNotFound, "no such user in your company")
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

// registerInput is the registration form.
type registerInput struct {
	Company, Name, Email, Password string
}

// register creates a company and its administrator. For an address that
// already has an account it changes nothing, answers the same, and mails
// the address's owner that someone tried.
func (s *service) register(ctx context.Context, in registerInput) error {
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
		_, cid, err := selectUserCompany(ctx, tx, email)
		if err == nil {
			return s.send(ctx, tx, cid, email, "Someone tried to register with your address",
				fmt.Sprintf("Someone tried to create a new company account on %s with your email address. Your account is unchanged.\n\n"+
					"If it was you, sign in instead. If it was not, you need not do anything.\n", s.issuer), "")
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("register: %w", err)
		}
		cid, err = insertCompany(ctx, tx, company, now)
		if err != nil {
			return err
		}
		return insertUser(ctx, tx, cid, email, name, "admin", ph, now)
	})
}

// createInvite invites email to the admin's company and "sends" the
// invitation to the Outbox. baseURL is the platform's address, like
// "http://127.0.0.1:8080".
func (s *service) createInvite(ctx context.Context, sess session, email, baseURL string) (Invite, error) {
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
		return Invite{}, errorf(kindConflict, "%s already has an account", email)
	}
	tok := randomToken(32)
	inv := Invite{Token: tok, URL: strings.TrimRight(baseURL, "/") + "/invite/" + tok}
	now := s.now()
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		if err := insertInvite(ctx, tx, s.keys.hashToken("invite", tok), admin.companyID, email, admin.id, now.UnixNano(), now.Add(inviteLifetime).UnixNano()); err != nil {
			return err
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

// inviteInfo describes a valid invitation, for the accept page.
type inviteInfo struct {
	Email, Company string
}

func (s *service) loadInvite(ctx context.Context, q querier, token string) (companyID int64, info inviteInfo, err error) {
	bad := errorf(kindNotFound, "this invitation link is not valid, was already used or has expired; ask your administrator for a new one")
	if token == "" || len(token) > 100 {
		return 0, info, bad
	}
	var exp int64
	var accepted sql.NullInt64
	companyID, info.Email, info.Company, exp, accepted, err = selectInvite(ctx, q, s.keys.hashToken("invite", token))
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

// lookupInvite returns the invitation behind token.
func (s *service) lookupInvite(ctx context.Context, token string) (inviteInfo, error) {
	_, info, err := s.loadInvite(ctx, s.db, token)
	return info, err
}

// acceptInvite creates the invitee's account.
func (s *service) acceptInvite(ctx context.Context, token, name, password string) (email string, err error) {
	if _, _, err := s.loadInvite(ctx, s.db, token); err != nil {
		return "", err
	}
	name, err = checkName("name", name)
	if err != nil {
		return "", err
	}
	if err := checkPasswordPolicy(password); err != nil {
		return "", err
	}
	ph, err := s.hashPassword(ctx, password)
	if err != nil {
		return "", err
	}
	now := s.now().UnixNano()
	return email, s.withTx(ctx, func(tx *sql.Tx) error {
		cid, info, err := s.loadInvite(ctx, tx, token)
		email = info.Email
		if err != nil {
			return err
		}
		if err := markInviteAccepted(ctx, tx, s.keys.hashToken("invite", token), now); err != nil {
			return err
		}
		if err := insertUser(ctx, tx, cid, info.Email, name, "member", ph, now); err != nil {
			return txAbort(err)
		}
		return nil
	})
}

// send stores a message to a user of company companyID in the Outbox.
func (s *service) send(ctx context.Context, q querier, companyID int64, to, subject, body, link string) error {
	return insertMessage(ctx, q, companyID, to, subject, body, link, s.now().UnixNano())
}

// outbox lists every message the platform has "sent", newest first.
func (s *service) outbox(ctx context.Context) ([]Message, error) {
	return selectMessages(ctx, s.db, 0, "")
}

// outboxFor lists the messages a signed-in user may read when the platform
// is reachable from other machines: an administrator's company's mail, or a
// member's own.
func (s *service) outboxFor(ctx context.Context, sess session) ([]Message, error) {
	u, err := s.fullUser(ctx, sess)
	if err != nil {
		return nil, errorf(kindUnauthorized, "sign in to read the Outbox")
	}
	if u.role == "admin" {
		return selectMessages(ctx, s.db, u.companyID, "")
	}
	return selectMessages(ctx, s.db, u.companyID, u.email)
}
