package platform

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// resetCodeCount starts userID's count of wrong codes in a row again and
// voids the unlock links mailed for it.
func resetCodeCount(ctx context.Context, q store, userID int64) error {
	if err := clearThrottle(ctx, q, userCodeKey(userID)); err != nil {
		return err
	}
	return q.deleteUnlockLinks(ctx, userID)
}

// mailCodeWarning tells u and the company's administrators that someone
// entered userCodeWarn wrong codes in a row for u.
func (s *service) mailCodeWarning(ctx context.Context, q store, u *user) error {
	subject := "Wrong codes are being entered for your account"
	body := fmt.Sprintf("Someone entered %d wrong codes in a row for your %s account. If it was not you, someone who knows your password is trying codes: change your password.\n",
		userCodeWarn, s.issuer)
	if err := s.send(ctx, q, u.companyID, u.email, subject, body, ""); err != nil {
		return err
	}
	admins, err := q.selectCompanyAdmins(ctx, u.companyID)
	if err != nil {
		return err
	}
	for _, a := range admins {
		if a == u.email {
			continue
		}
		if err := s.send(ctx, q, u.companyID, a, "Wrong codes are being entered for "+u.email,
			fmt.Sprintf("Someone entered %d wrong codes in a row for the %s account of %s. Someone who knows that password may be trying codes; ask %s to change it.\n",
				userCodeWarn, s.issuer, u.email, u.email), ""); err != nil {
			return err
		}
	}
	return nil
}

// mailCeiling mails u, at the ceiling, a single-use link that lifts it.
// base is the platform's address as the request named it.
func (s *service) mailCeiling(ctx context.Context, q store, u *user, base string) error {
	tok := randomToken(32)
	if err := q.insertUnlockLink(ctx, s.keys.hashToken("unlock", tok), u.id, s.now().UnixNano()); err != nil {
		return err
	}
	link := strings.TrimRight(base, "/") + "/unlock/" + tok
	body := fmt.Sprintf("Someone entered %d wrong codes in a row for your %s account, so code entry is now locked everywhere except on devices you asked us to remember.\n\n"+
		"Someone who knows your password is trying codes: change your password.\n\n"+
		"To unlock code entry, open this link (it works once):\n%s\n\nA recovery code also works, or ask your administrator to unlock it.\n",
		userCodeCeiling, s.issuer, link)
	return s.send(ctx, q, u.companyID, u.email, "Code entry for your account is locked", body, link)
}

// errBadUnlockLink answers an unknown or used unlock link.
var errBadUnlockLink = errorf(kindNotFound, "this unlock link is not valid or was already used; use a recovery code or ask your administrator")

// unlockByLink lifts the ceiling of the user whose mailed link token is;
// the link works once.
func (s *service) unlockByLink(ctx context.Context, token string) error {
	if token == "" || len(token) > 100 {
		return errBadUnlockLink
	}
	return s.store.withTx(ctx, func(tx store) error {
		uid, err := tx.selectUnlockLink(ctx, s.keys.hashToken("unlock", token))
		if errors.Is(err, errNotFound) {
			return errBadUnlockLink
		}
		if err != nil {
			return fmt.Errorf("unlock code entry: %w", err)
		}
		return resetCodeCount(ctx, tx, uid)
	})
}
