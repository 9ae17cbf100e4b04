package platform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"authdesk/app/platform/api"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// user is a users row.
type user struct {
	id, companyID   int64
	email, name     string
	role            string
	passwordHash    string
	totpCred        sql.NullString
	totpSecret      []byte
	enrolled        sql.NullInt64
	pendingCred     sql.NullString
	pendingSecret   []byte
	pendingExpires  sql.NullInt64
	lastStep        int64
	company         string
	passwordChanged int64
}

const userCols = `u.id, u.company_id, u.email, u.name, u.role, u.password_hash, u.totp_cred, u.totp_secret,
	u.mfa_enrolled_ns, u.pending_cred, u.pending_secret, u.pending_expires_ns, u.last_step, c.name, u.password_changed_ns`

type rowScanner interface{ Scan(dest ...any) error }

func scanUser(r rowScanner) (*user, error) {
	var u user
	err := r.Scan(&u.id, &u.companyID, &u.email, &u.name, &u.role, &u.passwordHash, &u.totpCred, &u.totpSecret,
		&u.enrolled, &u.pendingCred, &u.pendingSecret, &u.pendingExpires, &u.lastStep, &u.company, &u.passwordChanged)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *service) userByID(ctx context.Context, q querier, id int64) (*user, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(kindUnauthorized, msgNotSignedIn)
	}
	if err != nil {
		return nil, fmt.Errorf("load user: %w", err)
	}
	return u, nil
}

func (s *service) userByEmail(ctx context.Context, email string) (*user, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.email = ?`, email))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load user: %w", err)
	}
	return u, nil
}

// withTx runs fn in a transaction (BEGIN IMMEDIATE) and commits when it
// returns nil. A returned *serviceError still commits, because failure counters must
// stick; wrap it with txAbort to roll back instead.
func (s *service) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	ferr := fn(tx)
	var ab abortError
	if errors.As(ferr, &ab) {
		tx.Rollback()
		return ab.err
	}
	var se *serviceError
	if ferr != nil && !errors.As(ferr, &se) {
		tx.Rollback()
		return ferr
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return ferr
}

// txAbort marks a service error whose transaction must roll back.
type abortError struct{ err error }

func (e abortError) Error() string { return e.err.Error() }

func (e abortError) Unwrap() error { return e.err }

func txAbort(err error) error { return abortError{err} }

// DefaultDBPath is where the platform keeps its database unless --db says
// otherwise: $XDG_DATA_HOME/authdesk/platform.db (~/.local/share/... on
// Linux), or the user config dir on systems without XDG.
func DefaultDBPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "authdesk", "platform.db"), nil
	}
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		home, err := os.UserHomeDir()
		if err == nil {
			return filepath.Join(home, ".local", "share", "authdesk", "platform.db"), nil
		}
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the user data directory (use --db PATH): %w", err)
	}
	return filepath.Join(dir, "authdesk", "platform.db"), nil
}

// openDB opens (creating if needed, 0600 in a 0700 dir) the SQLite database
// in WAL mode and applies pending migrations.
func openDB(ctx context.Context, path string) (*sql.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	f.Close()
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// One connection: SQLite has one writer anyway, and it makes every
	// transaction in this process serial, which the throttling relies on.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("open database %s: journal mode is %q, want wal", path, mode)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// migrations are applied in order; entry i brings the schema to version i+1.
// Never edit an entry that has shipped: append a new one.
var migrations = []string{
	`CREATE TABLE companies (
		id INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		created_ns INTEGER NOT NULL
	);
	CREATE TABLE users (
		id INTEGER PRIMARY KEY,
		company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
		email TEXT NOT NULL UNIQUE,
		name TEXT NOT NULL,
		role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
		password_hash TEXT NOT NULL,
		password_changed_ns INTEGER NOT NULL,
		created_ns INTEGER NOT NULL,
		totp_cred TEXT,
		totp_secret BLOB,
		mfa_enrolled_ns INTEGER,
		pending_cred TEXT,
		pending_secret BLOB,
		pending_expires_ns INTEGER,
		last_step INTEGER NOT NULL DEFAULT -1
	);
	CREATE INDEX users_company ON users(company_id);
	CREATE TABLE recovery_codes (
		user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
		code_hash BLOB NOT NULL,
		used_ns INTEGER,
		PRIMARY KEY (user_id, code_hash)
	);
	CREATE TABLE devices (
		token_hash BLOB PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
		created_ns INTEGER NOT NULL,
		expires_ns INTEGER NOT NULL
	);
	CREATE INDEX devices_user ON devices(user_id);
	CREATE TABLE sessions (
		id_hash BLOB PRIMARY KEY,
		user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
		state TEXT NOT NULL CHECK (state IN ('anon', 'mfa', 'full')),
		csrf TEXT NOT NULL,
		created_ns INTEGER NOT NULL,
		expires_ns INTEGER NOT NULL
	);
	CREATE INDEX sessions_user ON sessions(user_id);
	CREATE INDEX sessions_expires ON sessions(expires_ns);
	CREATE TABLE invites (
		token_hash BLOB PRIMARY KEY,
		company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
		email TEXT NOT NULL,
		invited_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
		created_ns INTEGER NOT NULL,
		expires_ns INTEGER NOT NULL,
		accepted_ns INTEGER
	);
	CREATE TABLE outbox (
		id INTEGER PRIMARY KEY,
		to_addr TEXT NOT NULL,
		subject TEXT NOT NULL,
		body TEXT NOT NULL,
		link TEXT NOT NULL DEFAULT '',
		sent_ns INTEGER NOT NULL
	);
	CREATE TABLE throttle (
		key TEXT PRIMARY KEY,
		failures INTEGER NOT NULL,
		locked_until_ns INTEGER NOT NULL DEFAULT 0,
		permanent INTEGER NOT NULL DEFAULT 0,
		last_failure_ns INTEGER NOT NULL
	);
	CREATE TABLE settings (
		key TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);`,
	// Version 2 (issue 8): pending secrets belong to a session, visitors
	// have no session rows, mail knows its company, no permanent locks.
	`ALTER TABLE sessions ADD COLUMN step_up INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE sessions ADD COLUMN pending_cred TEXT;
	ALTER TABLE sessions ADD COLUMN pending_secret BLOB;
	ALTER TABLE sessions ADD COLUMN pending_expires_ns INTEGER;
	ALTER TABLE outbox ADD COLUMN company_id INTEGER REFERENCES companies(id) ON DELETE CASCADE;
	CREATE INDEX outbox_company ON outbox(company_id);
	UPDATE users SET pending_cred = NULL, pending_secret = NULL, pending_expires_ns = NULL;
	DELETE FROM sessions WHERE state = 'anon';
	UPDATE throttle SET locked_until_ns = MAX(locked_until_ns, last_failure_ns + 86400000000000), permanent = 0 WHERE permanent != 0;`,
	// Version 3 (issue 16): single-use links that lift the per-user code
	// ceiling; the per-user count no longer fades with time.
	`CREATE TABLE unlock_links (
		token_hash BLOB PRIMARY KEY,
		user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
		created_ns INTEGER NOT NULL
	);
	CREATE INDEX unlock_links_user ON unlock_links(user_id);
	ALTER TABLE invites ADD COLUMN inert INTEGER NOT NULL DEFAULT 0;`,
}

// migrate brings the schema to the newest version, one transaction per step.
func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	var v int
	err := db.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := db.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return fmt.Errorf("migrate database: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this program (%d); upgrade Authdesk", v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate database to version %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate database to version %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, i+1); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate database to version %d: %w", i+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate database to version %d: %w", i+1, err)
		}
	}
	return nil
}

// loadSetting reads a value from the settings table ("" when absent).
func loadSetting(ctx context.Context, db *sql.DB, key string) (string, error) {
	var v string
	err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

func saveSetting(ctx context.Context, db *sql.DB, key, value string) error {
	_, err := db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("save setting %s: %w", key, err)
	}
	return nil
}

// The statements below are every query the platform runs; the service
// layer calls them inside its transactions (q is the *sql.Tx or the
// *sql.DB). Token values arrive already hashed.

// ---- sessions ----

func insertSession(ctx context.Context, q querier, idHash []byte, userID any, state, csrf string, created, expires int64) error {
	_, err := q.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, state, csrf, created_ns, expires_ns) VALUES (?, ?, ?, ?, ?, ?)`,
		idHash, userID, state, csrf, created, expires)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// selectSession loads a session row; sql.ErrNoRows when there is none.
func selectSession(ctx context.Context, q querier, idHash []byte) (userID sql.NullInt64, state, csrf string, expires int64, stepUp bool, err error) {
	err = q.QueryRowContext(ctx, `SELECT user_id, state, csrf, expires_ns, step_up FROM sessions WHERE id_hash = ? AND state != 'anon'`, idHash).
		Scan(&userID, &state, &csrf, &expires, &stepUp)
	return
}

// execStmt runs one statement that returns no rows; its error says what
// the statement was for.
func execStmt(ctx context.Context, q querier, what, query string, args ...any) error {
	if _, err := q.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// execOne is execStmt for a statement meant to change one row: it reports
// whether it did (a conditional update that lost a race changes none).
func execOne(ctx context.Context, q querier, what, query string, args ...any) (bool, error) {
	r, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return n == 1, nil
}

func deleteSessionRow(ctx context.Context, q querier, idHash []byte) error {
	return execStmt(ctx, q, "delete session", `DELETE FROM sessions WHERE id_hash = ?`, idHash)
}

// deleteUserSessions ends every session of a user, with their pending secrets.
func deleteUserSessions(ctx context.Context, q querier, userID int64) error {
	return execStmt(ctx, q, "end sessions", `DELETE FROM sessions WHERE user_id = ?`, userID)
}

// deleteExpired removes sessions and remembered devices expired at now.
func deleteExpired(ctx context.Context, q querier, now int64) error {
	if err := execStmt(ctx, q, "sweep sessions", `DELETE FROM sessions WHERE expires_ns <= ?`, now); err != nil {
		return err
	}
	return execStmt(ctx, q, "sweep devices", `DELETE FROM devices WHERE expires_ns <= ?`, now)
}

// deleteStaleThrottles removes throttle counters whose lock ended by now
// and whose last failure is older than before: none of them counts any
// more. The per-user counts of wrong codes in a row stay: they fade with
// no time.
func deleteStaleThrottles(ctx context.Context, q querier, before, now int64) error {
	return execStmt(ctx, q, "sweep throttles", `DELETE FROM throttle WHERE last_failure_ns < ? AND locked_until_ns <= ? AND substr(key, 1, 9) != 'usercode:'`, before, now)
}

func setPending(ctx context.Context, q querier, idHash []byte, cred string, sealed []byte, expires int64, stepUp bool) error {
	_, err := q.ExecContext(ctx, `UPDATE sessions SET pending_cred = ?, pending_secret = ?, pending_expires_ns = ?, step_up = MAX(step_up, ?) WHERE id_hash = ?`,
		cred, sealed, expires, stepUp, idHash)
	if err != nil {
		return fmt.Errorf("store pending secret: %w", err)
	}
	return nil
}

// selectPending loads a session's pending secret; sql.ErrNoRows when the
// session is gone.
func selectPending(ctx context.Context, q querier, idHash []byte, userID int64) (cred sql.NullString, sealed []byte, expires sql.NullInt64, err error) {
	err = q.QueryRowContext(ctx, `SELECT pending_cred, pending_secret, pending_expires_ns FROM sessions WHERE id_hash = ? AND user_id = ?`,
		idHash, userID).Scan(&cred, &sealed, &expires)
	return
}

// ---- remembered devices ----

// selectDevice loads a remembered device; sql.ErrNoRows when unknown.
func selectDevice(ctx context.Context, q querier, tokenHash []byte) (userID, expires int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT user_id, expires_ns FROM devices WHERE token_hash = ?`, tokenHash).Scan(&userID, &expires)
	return
}

func insertDevice(ctx context.Context, q querier, tokenHash []byte, userID, created, expires int64) error {
	return execStmt(ctx, q, "remember device", `INSERT INTO devices (token_hash, user_id, created_ns, expires_ns) VALUES (?, ?, ?, ?)`,
		tokenHash, userID, created, expires)
}

func deleteUserDevices(ctx context.Context, q querier, userID int64) error {
	return execStmt(ctx, q, "forget remembered devices", `DELETE FROM devices WHERE user_id = ?`, userID)
}

// ---- companies and users ----

func insertCompany(ctx context.Context, q querier, name string, now int64) (int64, error) {
	res, err := q.ExecContext(ctx, `INSERT INTO companies (name, created_ns) VALUES (?, ?)`, name, now)
	if err != nil {
		return 0, fmt.Errorf("create company: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("create company: %w", err)
	}
	return id, nil
}

// insertUser adds a user; KindConflict when the email is taken.
func insertUser(ctx context.Context, q querier, companyID int64, email, name, role, hash string, now int64) error {
	_, err := q.ExecContext(ctx, `INSERT INTO users (company_id, email, name, role, password_hash, password_changed_ns, created_ns)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(email) DO NOTHING`, companyID, email, name, role, hash, now, now)
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT changes()`).Scan(&n); err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	if n == 0 {
		return errorf(kindConflict, "an account with this email address already exists; sign in instead")
	}
	return nil
}

// selectUserCompany finds the user with email; sql.ErrNoRows when none.
func selectUserCompany(ctx context.Context, q querier, email string) (userID, companyID int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT id, company_id FROM users WHERE email = ?`, email).Scan(&userID, &companyID)
	return
}

// selectCompanyUserEmail is the email of userID if it belongs to companyID;
// sql.ErrNoRows otherwise.
func selectCompanyUserEmail(ctx context.Context, q querier, userID, companyID int64) (string, error) {
	var email string
	err := q.QueryRowContext(ctx, `SELECT email FROM users WHERE id = ? AND company_id = ?`, userID, companyID).Scan(&email)
	return email, err
}

func selectCompanyUsers(ctx context.Context, q querier, companyID int64) ([]*user, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.company_id = ? ORDER BY u.id`, companyID)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var list []*user
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		list = append(list, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return list, nil
}

func setPassword(ctx context.Context, q querier, userID int64, hash string, changed int64) error {
	return execStmt(ctx, q, "change password", `UPDATE users SET password_hash = ?, password_changed_ns = ? WHERE id = ?`, hash, changed, userID)
}

// setCredential makes a confirmed TOTP secret the user's credential, with
// step as its last accepted time step.
func setCredential(ctx context.Context, q querier, userID int64, cred string, sealed []byte, enrolled, step int64) error {
	return execStmt(ctx, q, "confirm MFA setup", `UPDATE users SET totp_cred = ?, totp_secret = ?, mfa_enrolled_ns = ?, last_step = ?,
		pending_cred = NULL, pending_secret = NULL, pending_expires_ns = NULL WHERE id = ?`, cred, sealed, enrolled, step, userID)
}

func clearCredential(ctx context.Context, q querier, userID int64) error {
	return execStmt(ctx, q, "reset MFA", `UPDATE users SET totp_cred = NULL, totp_secret = NULL, mfa_enrolled_ns = NULL,
		pending_cred = NULL, pending_secret = NULL, pending_expires_ns = NULL WHERE id = ?`, userID)
}

// casStep records step as the user's credential's last accepted time step
// if it is later than the stored one. Only one of two parallel submissions
// of a code wins.
func casStep(ctx context.Context, q querier, userID, step int64) (bool, error) {
	return execOne(ctx, q, "record code use", `UPDATE users SET last_step = ? WHERE id = ? AND last_step < ?`, step, userID, step)
}

// ---- recovery codes ----

// replaceRecoveryCodes deletes a user's recovery codes and stores hashes.
func replaceRecoveryCodes(ctx context.Context, q querier, userID int64, hashes [][]byte) error {
	if err := execStmt(ctx, q, "replace recovery codes", `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if err := execStmt(ctx, q, "store recovery codes", `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h); err != nil {
			return err
		}
	}
	return nil
}

// useRecoveryCode marks an unused code used and reports whether there was one.
func useRecoveryCode(ctx context.Context, q querier, userID int64, hash []byte, now int64) (bool, error) {
	return execOne(ctx, q, "use recovery code", `UPDATE recovery_codes SET used_ns = ? WHERE user_id = ? AND code_hash = ? AND used_ns IS NULL`, now, userID, hash)
}

func countRecoveryCodes(ctx context.Context, q querier, userID int64) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_ns IS NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count recovery codes: %w", err)
	}
	return n, nil
}

// ---- invitations ----

// insertInvite stores an invitation; an inert one (for an address that has
// an account elsewhere) looks the same but can never be accepted.
func insertInvite(ctx context.Context, q querier, tokenHash []byte, companyID int64, email string, invitedBy, created, expires int64, inert bool) error {
	return execStmt(ctx, q, "create invite", `INSERT INTO invites (token_hash, company_id, email, invited_by, created_ns, expires_ns, inert) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		tokenHash, companyID, email, invitedBy, created, expires, inert)
}

// selectInvite loads an invitation; sql.ErrNoRows when unknown.
func selectInvite(ctx context.Context, q querier, tokenHash []byte) (companyID int64, email, company string, expires int64, accepted sql.NullInt64, inert bool, err error) {
	err = q.QueryRowContext(ctx, `SELECT i.company_id, i.email, c.name, i.expires_ns, i.accepted_ns, i.inert FROM invites i JOIN companies c ON c.id = i.company_id WHERE i.token_hash = ?`,
		tokenHash).Scan(&companyID, &email, &company, &expires, &accepted, &inert)
	return
}

func markInviteAccepted(ctx context.Context, q querier, tokenHash []byte, now int64) error {
	return execStmt(ctx, q, "accept invite", `UPDATE invites SET accepted_ns = ? WHERE token_hash = ? AND accepted_ns IS NULL`, now, tokenHash)
}

// ---- outbox ----

func insertMessage(ctx context.Context, q querier, companyID int64, to, subject, body, link string, sent int64) error {
	return execStmt(ctx, q, "send message", `INSERT INTO outbox (company_id, to_addr, subject, body, link, sent_ns) VALUES (?, ?, ?, ?, ?, ?)`,
		companyID, to, subject, body, link, sent)
}

// selectMessages lists the newest 500 messages: all of them (companyID 0),
// a company's, or (to set) one address's in a company.
func selectMessages(ctx context.Context, q querier, companyID int64, to string) ([]api.Message, error) {
	query, args := `SELECT id, to_addr, subject, body, link, sent_ns FROM outbox ORDER BY id DESC LIMIT 500`, []any(nil)
	switch {
	case companyID != 0 && to != "":
		query, args = `SELECT id, to_addr, subject, body, link, sent_ns FROM outbox WHERE company_id = ? AND to_addr = ? ORDER BY id DESC LIMIT 500`, []any{companyID, to}
	case companyID != 0:
		query, args = `SELECT id, to_addr, subject, body, link, sent_ns FROM outbox WHERE company_id = ? ORDER BY id DESC LIMIT 500`, []any{companyID}
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	out := []api.Message{}
	for rows.Next() {
		var m api.Message
		var sent int64
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Link, &sent); err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		m.SentAt = time.Unix(0, sent).UTC()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// ---- throttle ----

// selectLock is a counter's lock end; sql.ErrNoRows when it has none.
func selectLock(ctx context.Context, q querier, key string) (int64, error) {
	var until int64
	err := q.QueryRowContext(ctx, `SELECT locked_until_ns FROM throttle WHERE key = ?`, key).Scan(&until)
	return until, err
}

// selectFailures is a counter's failures; sql.ErrNoRows when it has none.
func selectFailures(ctx context.Context, q querier, key string) (failures, last int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT failures, last_failure_ns FROM throttle WHERE key = ?`, key).Scan(&failures, &last)
	return
}

// saveFailures stores a counter; until 0 keeps the current lock end.
func saveFailures(ctx context.Context, q querier, key string, failures, until, now int64) error {
	_, err := q.ExecContext(ctx, `INSERT INTO throttle (key, failures, locked_until_ns, last_failure_ns) VALUES (?, ?, ?, ?)
		ON CONFLICT(key) DO UPDATE SET failures = excluded.failures,
			locked_until_ns = CASE WHEN excluded.locked_until_ns > 0 THEN excluded.locked_until_ns ELSE throttle.locked_until_ns END,
			last_failure_ns = excluded.last_failure_ns`, key, failures, until, now)
	if err != nil {
		return fmt.Errorf("record failure: %w", err)
	}
	return nil
}

func deleteThrottle(ctx context.Context, q querier, key string) error {
	return execStmt(ctx, q, "reset throttle", `DELETE FROM throttle WHERE key = ?`, key)
}

// deleteThrottlePrefix removes every counter whose key starts with prefix.
func deleteThrottlePrefix(ctx context.Context, q querier, prefix string) error {
	return execStmt(ctx, q, "reset throttle", `DELETE FROM throttle WHERE substr(key, 1, ?) = ?`, len(prefix), prefix)
}

// selectLockPrefix is the latest lock end of the counters whose key starts
// with prefix; 0 when none.
func selectLockPrefix(ctx context.Context, q querier, prefix string) (int64, error) {
	var until sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT MAX(locked_until_ns) FROM throttle WHERE substr(key, 1, ?) = ?`, len(prefix), prefix).Scan(&until)
	if err != nil {
		return 0, fmt.Errorf("read throttle: %w", err)
	}
	return until.Int64, nil
}

// ---- unlock links ----

func insertUnlockLink(ctx context.Context, q querier, tokenHash []byte, userID, created int64) error {
	return execStmt(ctx, q, "store unlock link", `INSERT INTO unlock_links (token_hash, user_id, created_ns) VALUES (?, ?, ?)`,
		tokenHash, userID, created)
}

// selectUnlockLink is the user an unlock link belongs to; sql.ErrNoRows when unknown.
func selectUnlockLink(ctx context.Context, q querier, tokenHash []byte) (int64, error) {
	var uid int64
	err := q.QueryRowContext(ctx, `SELECT user_id FROM unlock_links WHERE token_hash = ?`, tokenHash).Scan(&uid)
	return uid, err
}

func deleteUnlockLinks(ctx context.Context, q querier, userID int64) error {
	return execStmt(ctx, q, "delete unlock links", `DELETE FROM unlock_links WHERE user_id = ?`, userID)
}

// selectCompanyAdmins lists the emails of a company's administrators.
func selectCompanyAdmins(ctx context.Context, q querier, companyID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT email FROM users WHERE company_id = ? AND role = 'admin' ORDER BY id`, companyID)
	if err != nil {
		return nil, fmt.Errorf("list administrators: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("list administrators: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list administrators: %w", err)
	}
	return out, nil
}

// selectLockMax is the latest lock end of keys; 0 when none is locked.
func selectLockMax(ctx context.Context, q querier, keys []string) (int64, error) {
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	var until sql.NullInt64
	query := `SELECT MAX(locked_until_ns) FROM throttle WHERE key IN (?` + strings.Repeat(", ?", max(len(keys)-1, 0)) + `)`
	if err := q.QueryRowContext(ctx, query, args...).Scan(&until); err != nil {
		return 0, fmt.Errorf("read throttle: %w", err)
	}
	return until.Int64, nil
}
