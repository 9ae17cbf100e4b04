package platform

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"authdesk/app/platform/api"
)

// users lists the users of the admin's company.
func (s *service) users(ctx context.Context, sess session) ([]api.UserSummary, error) {
	admin, err := s.adminUser(ctx, sess)
	if err != nil {
		return nil, err
	}
	now := s.now()
	list, err := s.store.selectCompanyUsers(ctx, admin.companyID)
	if err != nil {
		return nil, err
	}
	out := make([]api.UserSummary, 0, len(list))
	for _, u := range list {
		us := api.UserSummary{ID: u.id, Email: u.email, Name: u.name, Role: u.role, MFAStatus: "not_set_up"}
		if !needsFirstSetup(u) {
			t := u.enrolled
			us.MFAEnrolledAt = &t
			us.MFAStatus = "enabled"
			if s.setupDue(u, now) {
				us.MFAStatus = "reenrolment_due"
			}
		}
		until, err := s.store.selectLockPrefix(ctx, codePrefix(u.id))
		if err != nil {
			return nil, err
		}
		us.CodeLocked = now.Before(time.Unix(0, until))
		out = append(out, us)
	}
	return out, nil
}

// onCompanyUser runs fn in a transaction for an administrator acting on
// userID, a user of the administrator's company, with that user's email;
// what names the action in a wrapped lookup error.
func (s *service) onCompanyUser(ctx context.Context, sess session, userID int64, what string, fn func(tx store, admin *user, email string) error) error {
	admin, err := s.adminUser(ctx, sess)
	if err != nil {
		return err
	}
	return s.store.withTx(ctx, func(tx store) error {
		email, err := tx.selectCompanyUserEmail(ctx, userID, admin.companyID)
		if errors.Is(err, errNotFound) {
			return errorf(kindNotFound, "no such user in your company")
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return fn(tx, admin, email)
	})
}

// resetMFA removes a user's MFA: secret, recovery codes, remembered devices,
// sessions and code lockout. The user sets up MFA again at the next sign-in.
func (s *service) resetMFA(ctx context.Context, sess session, userID int64) error {
	return s.onCompanyUser(ctx, sess, userID, "reset MFA", func(tx store, admin *user, email string) error {
		if err := tx.clearCredential(ctx, userID); err != nil {
			return err
		}
		if err := tx.replaceRecoveryCodes(ctx, userID, nil); err != nil {
			return err
		}
		if err := tx.deleteUserDevices(ctx, userID); err != nil {
			return err
		}
		if err := tx.deleteUserSessions(ctx, userID); err != nil {
			return err
		}
		if err := clearUserCodeLocks(ctx, tx, userID); err != nil {
			return err
		}
		return s.send(ctx, tx, admin.companyID, email, "Your MFA was reset",
			fmt.Sprintf("%s reset the multi-factor authentication of your %s account. At your next sign-in you will set it up again.\n", admin.name, s.issuer), "")
	})
}

// unlockCodes lifts a user's code and recovery-code lockouts without
// touching their MFA, for an owner locked out by someone else's guesses.
func (s *service) unlockCodes(ctx context.Context, sess session, userID int64) error {
	return s.onCompanyUser(ctx, sess, userID, "unlock code entry", func(tx store, admin *user, email string) error {
		if err := clearUserCodeLocks(ctx, tx, userID); err != nil {
			return err
		}
		return s.send(ctx, tx, admin.companyID, email, "Your code entry was unlocked",
			fmt.Sprintf("%s lifted the lock on code entry of your %s account after too many wrong codes. If those codes were not yours, change your password.\n", admin.name, s.issuer), "")
	})
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
	return s.store.withTx(ctx, func(tx store) error {
		_, cid, err := tx.selectUserCompany(ctx, email)
		if err == nil {
			sent, err := failuresOf(ctx, tx, registerMailKey(email), s.now(), registerMailOnce)
			if err != nil || sent > 0 {
				return err
			}
			if err := countFailure(ctx, tx, registerMailKey(email), s.now(), registerMailOnce); err != nil {
				return err
			}
			return s.send(ctx, tx, cid, email, "Someone tried to register with your address",
				fmt.Sprintf("Someone tried to create a new company account on %s with your email address. Your account is unchanged.\n\n"+
					"If it was you, sign in instead. If it was not, you need not do anything.\n", s.issuer), "")
		}
		if !errors.Is(err, errNotFound) {
			return fmt.Errorf("register: %w", err)
		}
		cid, err = tx.insertCompany(ctx, company, now)
		if err != nil {
			return err
		}
		return tx.insertUser(ctx, cid, email, name, "admin", ph, now)
	})
}

// createInvite invites email to the admin's company and "sends" the
// invitation to the Outbox. baseURL is the platform's address, like
// "http://127.0.0.1:8080". An address with an account in another company
// gets the same answer, a token that opens nothing, and a mail saying so:
// inviting must not tell a stranger's company who has an account.
func (s *service) createInvite(ctx context.Context, sess session, email, baseURL string) (api.Invite, error) {
	admin, err := s.adminUser(ctx, sess)
	if err != nil {
		return api.Invite{}, err
	}
	email, err = normalizeEmail(email)
	if err != nil {
		return api.Invite{}, err
	}
	tok := randomToken(32)
	inv := api.Invite{Token: tok, URL: strings.TrimRight(baseURL, "/") + "/invite/" + tok}
	now := s.now()
	err = s.store.withTx(ctx, func(tx store) error {
		if err := countWindow(ctx, tx, inviteKey(admin.companyID), invitesPerHour, time.Hour, now); err != nil {
			return txAbort(err)
		}
		_, cid, err := tx.selectUserCompany(ctx, email)
		inert := err == nil
		switch {
		case err == nil && cid == admin.companyID:
			// The admin's own member: their own data, no secret.
			return txAbort(errorf(kindConflict, "%s already has an account in %s", email, admin.company))
		case err == nil:
			// An account in another company: everything the inviter sees
			// looks the same (any admin can register a company for free and
			// ask): the answer, the mail and the token's page. The
			// invitation behind it is inert, and the address's owner is told.
			if err := s.send(ctx, tx, cid, email, fmt.Sprintf("You were invited to %s on %s", admin.company, s.issuer),
				fmt.Sprintf("%s invited you to join %s on %s, but you already have an account with this address, so nothing changed.\n\n"+
					"To join %s, ask its administrator to invite another address. If you don't know them, you need not do anything.\n",
					admin.name, admin.company, s.issuer, admin.company), ""); err != nil {
				return err
			}
		case !errors.Is(err, errNotFound):
			return fmt.Errorf("create invite: %w", err)
		}
		if err := tx.insertInvite(ctx, s.keys.hashToken("invite", tok), admin.companyID, email, admin.id, now.UnixNano(), now.Add(inviteLifetime).UnixNano(), inert); err != nil {
			return err
		}
		body := fmt.Sprintf("%s invited you to join %s on %s.\n\nOpen this link within 7 days to choose your name and password:\n%s\n",
			admin.name, admin.company, s.issuer, inv.URL)
		return s.send(ctx, tx, admin.companyID, email, fmt.Sprintf("You're invited to %s on %s", admin.company, s.issuer), body, inv.URL)
	})
	if err != nil {
		return api.Invite{}, err
	}
	return inv, nil
}

// inviteInfo describes a valid invitation, for the accept page.
type inviteInfo struct {
	Email, Company string

	inert bool // shown like any other, refused like an expired one when accepted
}

// errInviteGone answers an unknown, used, expired or inert invitation.
var errInviteGone = errorf(kindNotFound, "this invitation link is not valid, was already used or has expired; ask your administrator for a new one")

func (s *service) loadInvite(ctx context.Context, q store, token string) (companyID int64, info inviteInfo, err error) {
	bad := errInviteGone
	if token == "" || len(token) > 100 {
		return 0, info, bad
	}
	in, err := q.selectInvite(ctx, s.keys.hashToken("invite", token))
	if errors.Is(err, errNotFound) {
		return 0, info, bad
	}
	if err != nil {
		return 0, info, fmt.Errorf("load invite: %w", err)
	}
	info = inviteInfo{Email: in.email, Company: in.company, inert: in.inert}
	if in.accepted || !s.now().Before(in.expires) {
		return 0, info, bad
	}
	return in.companyID, info, nil
}

// lookupInvite returns the invitation behind token.
func (s *service) lookupInvite(ctx context.Context, token string) (inviteInfo, error) {
	_, info, err := s.loadInvite(ctx, s.store, token)
	return info, err
}

// acceptInvite creates the invitee's account.
func (s *service) acceptInvite(ctx context.Context, token, name, password string) (email string, err error) {
	if _, info, err := s.loadInvite(ctx, s.store, token); err != nil || info.inert {
		return "", cmp.Or(err, error(errInviteGone))
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
	return email, s.store.withTx(ctx, func(tx store) error {
		cid, info, err := s.loadInvite(ctx, tx, token)
		email = info.Email
		if err != nil {
			return err
		}
		if info.inert {
			return errInviteGone
		}
		if err := tx.markInviteAccepted(ctx, s.keys.hashToken("invite", token), now); err != nil {
			return err
		}
		if err := tx.insertUser(ctx, cid, info.Email, name, "member", ph, now); err != nil {
			return txAbort(err)
		}
		return nil
	})
}

// send stores a message to a user of company companyID in the Outbox,
// its body and link sealed with the platform key.
func (s *service) send(ctx context.Context, q store, companyID int64, to, subject, body, link string) error {
	sent := s.now().UnixNano()
	return q.insertMessage(ctx, companyID, to, subject, s.keys.sealMail("body", to, sent, body), s.keys.sealMail("link", to, sent, link), sent)
}

// outbox lists every message the platform has "sent", newest first.
func (s *service) outbox(ctx context.Context) ([]api.Message, error) {
	return s.openMessages(s.store.selectMessages(ctx, 0, ""))
}

// openMessages opens the sealed bodies and links of msgs.
func (s *service) openMessages(msgs []api.Message, err error) ([]api.Message, error) {
	if err != nil {
		return nil, err
	}
	for i := range msgs {
		m := &msgs[i]
		sent := m.SentAt.UnixNano()
		if m.Body, err = s.keys.openMail("body", m.To, sent, m.Body); err != nil {
			return nil, err
		}
		if m.Link, err = s.keys.openMail("link", m.To, sent, m.Link); err != nil {
			return nil, err
		}
	}
	return msgs, nil
}

// outboxFor lists the messages a signed-in user may read when the platform
// is reachable from other machines: an administrator's company's mail, or a
// member's own.
func (s *service) outboxFor(ctx context.Context, sess session) ([]api.Message, error) {
	u, err := s.fullUser(ctx, sess)
	if err != nil {
		return nil, errorf(kindUnauthorized, "sign in to read the Outbox")
	}
	if u.role == "admin" {
		return s.openMessages(s.store.selectMessages(ctx, u.companyID, ""))
	}
	return s.openMessages(s.store.selectMessages(ctx, u.companyID, u.email))
}

// clearUserCodeLocks lifts userID's code locks from every address and
// starts the user's count of wrong codes in a row again.
func clearUserCodeLocks(ctx context.Context, tx store, userID int64) error {
	if err := tx.deleteThrottlePrefix(ctx, codePrefix(userID)); err != nil {
		return err
	}
	return resetCodeCount(ctx, tx, userID)
}
