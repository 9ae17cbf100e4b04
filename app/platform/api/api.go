// Package api holds the types of the platform's JSON API: what the server
// (authdesk/app/platform) writes and what clients such as the journey
// runner (authdesk/app/journey) read, declared once so that the two cannot
// drift apart. It imports nothing beyond the standard library, so a client
// does not pull in the server and its SQLite driver.
//
// Answers not listed here are small ad-hoc objects ({"status": …,
// "csrf_token": …}) documented with their routes.
package api

import "time"

// Policy is GET /api/policy: the rules a scenario runner expects.
type Policy struct {
	ReenrolAfterSeconds int64  `json:"reenrol_after_seconds"`
	ReenrolGraceSeconds int64  `json:"reenrol_grace_seconds"`
	RememberForSeconds  int64  `json:"remember_for_seconds"`
	SetupWindowSeconds  int64  `json:"setup_window_seconds"`
	Skew                int    `json:"skew"`
	Digits              int    `json:"digits"`
	Algorithm           string `json:"algorithm"`
	Period              int    `json:"period"`
	MaxCodeFailures     int    `json:"max_code_failures"`
	CodeLockSeconds     []int  `json:"code_lock_seconds"`
	RecoveryCodes       int    `json:"recovery_codes"`
	TestClock           bool   `json:"test_clock"`
	// The locks above count per client address. UserCodeCeiling is the
	// hard per-user ceiling: after that many wrong codes in a row, from
	// every address together, code entry locks except on remembered
	// devices until a right recovery code, an administrator's Unlock or
	// the mailed link. At UserCodeWarnAt the user and the admins get a
	// mail; from UserCodeSlowDownFrom wrong codes in a row, and past
	// AccountPasswordCeiling wrong passwords of an account, every attempt
	// waits SlowDownSeconds.
	UserCodeCeiling        int `json:"user_code_ceiling"`
	UserCodeWarnAt         int `json:"user_code_warn_at"`
	UserCodeSlowDownFrom   int `json:"user_code_slow_down_from"`
	AccountPasswordCeiling int `json:"account_password_ceiling"`
	SlowDownSeconds        int `json:"slow_down_seconds"`
	// GuessChancePerDay is the chance that code guessing gets in within a
	// day at the fastest rate allowed: UserCodeCeiling guesses, each
	// matching 2·Skew+1 of 10^Digits codes, assuming the owner's own sign-in
	// starts the count again once a day (without it, that is the chance
	// for good).
	GuessChancePerDay float64 `json:"guess_chance_per_day"`
}

// Setup is a pending TOTP enrolment, as the Secure Your Account page shows
// it: the "setup" of a sign-in answer and of GET /api/mfa/setup.
type Setup struct {
	URI     string    `json:"otpauth_uri"` // what the QR code encodes
	Secret  string    `json:"secret"`      // base32: the manual key behind "Trouble scanning?"
	Account string    `json:"account"`
	QRPath  string    `json:"qr_png"` // URL path of the QR image
	Expires time.Time `json:"expires_at"`
	Reenrol bool      `json:"reenrol"` // a confirmed secret exists and still works until this one is confirmed

	GraceUntil *time.Time `json:"reenrol_grace_until,omitempty"` // Reenrol: "Not now" is possible until then
	CanSkip    bool       `json:"can_skip"`                      // Reenrol: "Not now" is possible now
}

// SignIn is the answer to the password step, POST /api/session. The code
// step (POST /api/mfa/verify) answers with the same status, setup and
// csrf_token fields.
//
// The fields stand in the order of their JSON names, the order in which the
// answer has always listed them.
type SignIn struct {
	CSRFToken         string     `json:"csrf_token"`
	Reenrol           bool       `json:"reenrol,omitempty"`             // mfa_required: the code step is the step-up before a new key
	ReenrolGraceUntil *time.Time `json:"reenrol_grace_until,omitempty"` // Reenrol: "Not now" is possible until then
	Setup             *Setup     `json:"setup,omitempty"`               // mfa_setup_required
	Status            string     `json:"status"`                        // mfa_setup_required, mfa_required or signed_in
}

// Profile is the signed-in user, GET /api/me.
type Profile struct {
	ID            int64      `json:"id"`
	Email         string     `json:"email"`
	Name          string     `json:"name"`
	Company       string     `json:"company"`
	Role          string     `json:"role"`
	MFAEnrolledAt *time.Time `json:"mfa_enrolled_at"`
	ReenrolAt     *time.Time `json:"mfa_reenrol_at"`
	RecoveryLeft  int        `json:"recovery_codes_left"`
}

// UserSummary is one row of the admin's user list, GET /api/users.
type UserSummary struct {
	ID            int64      `json:"id"`
	Email         string     `json:"email"`
	Name          string     `json:"name"`
	Role          string     `json:"role"`
	MFAStatus     string     `json:"mfa_status"` // "enabled", "reenrolment_due", "not_set_up"
	MFAEnrolledAt *time.Time `json:"mfa_enrolled_at"`
	CodeLocked    bool       `json:"code_entry_locked"`
}

// Message is one email the platform "sent" (kept in the local Outbox), as
// GET /api/outbox lists it.
type Message struct {
	ID      int64     `json:"id"`
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	Link    string    `json:"link,omitempty"`
	SentAt  time.Time `json:"sent_at"`
}

// Invite is a freshly created invitation, the answer to POST /api/invites.
type Invite struct {
	Token string `json:"token"`
	URL   string `json:"invite_url"`
}
