package platform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"authdesk/app/platform/api"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// errNotFound is the store's answer when the row asked for does not exist.
var errNotFound = errors.New("not found")

// store is the only door to the platform's SQLite database: every
// statement the platform runs is a method of it, and each returns domain
// values and errNotFound, never a database/sql type. A store runs its
// statements straight on the database, or, inside withTx, in one
// transaction. Token values arrive already hashed.
type store struct {
	db *sql.DB // nil inside a transaction
	q  querier // the database, or the transaction
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// openStore opens the database at path (see openDB).
func openStore(ctx context.Context, path string) (store, error) {
	db, err := openDB(ctx, path)
	if err != nil {
		return store{}, err
	}
	return store{db: db, q: db}, nil
}

// close closes the database.
func (st store) close() error { return st.db.Close() }

// withTx runs fn in a transaction (BEGIN IMMEDIATE) and commits when it
// returns nil. A returned *serviceError still commits, because failure counters must
// stick; wrap it with txAbort to roll back instead.
func (st store) withTx(ctx context.Context, fn func(tx store) error) error {
	if st.db == nil {
		return errors.New("nested transaction")
	}
	tx, err := st.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	ferr := fn(store{q: tx})
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

// noRows turns sql.ErrNoRows into errNotFound.
func noRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound
	}
	return err
}

// user is a users row.
type user struct {
	id, companyID   int64
	email, name     string
	role            string
	passwordHash    string
	totpCred        string    // "" without a confirmed TOTP secret
	totpSecret      []byte    // sealed
	enrolled        time.Time // zero without a confirmed TOTP secret
	lastStep        int64
	company         string
	passwordChanged int64
}

const userCols = `u.id, u.company_id, u.email, u.name, u.role, u.password_hash, u.totp_cred, u.totp_secret,
	u.mfa_enrolled_ns, u.last_step, c.name, u.password_changed_ns`

type rowScanner interface{ Scan(dest ...any) error }

func scanUser(r rowScanner) (*user, error) {
	var u user
	var cred sql.NullString
	var enrolled sql.NullInt64
	err := r.Scan(&u.id, &u.companyID, &u.email, &u.name, &u.role, &u.passwordHash, &cred, &u.totpSecret,
		&enrolled, &u.lastStep, &u.company, &u.passwordChanged)
	if err != nil {
		return nil, noRows(err)
	}
	u.totpCred = cred.String
	if enrolled.Valid {
		u.enrolled = time.Unix(0, enrolled.Int64).UTC()
	}
	return &u, nil
}

// userByID loads a user; errNotFound when there is none.
func (st store) userByID(ctx context.Context, id int64) (*user, error) {
	u, err := scanUser(st.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = ?`, id))
	if err != nil && err != errNotFound {
		return nil, fmt.Errorf("load user: %w", err)
	}
	return u, err
}

// userByEmail loads a user; errNotFound when there is none.
func (st store) userByEmail(ctx context.Context, email string) (*user, error) {
	u, err := scanUser(st.q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.email = ?`, email))
	if err != nil && err != errNotFound {
		return nil, fmt.Errorf("load user: %w", err)
	}
	return u, err
}

// pendingSetups counts the sessions of userID holding a shown, unconfirmed
// setup secret.
func (st store) pendingSetups(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := st.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE user_id = ? AND pending_cred IS NOT NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count pending setups: %w", err)
	}
	return n, nil
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
func (st store) loadSetting(ctx context.Context, key string) (string, error) {
	var v string
	err := st.q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

func (st store) saveSetting(ctx context.Context, key, value string) error {
	_, err := st.q.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("save setting %s: %w", key, err)
	}
	return nil
}

// ---- sessions ----

func (st store) insertSession(ctx context.Context, idHash []byte, userID int64, state, csrf string, created, expires int64) error {
	var uid any // NULL for no user
	if userID != 0 {
		uid = userID
	}
	_, err := st.q.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, state, csrf, created_ns, expires_ns) VALUES (?, ?, ?, ?, ?, ?)`,
		idHash, uid, state, csrf, created, expires)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// selectSession loads a session row (all but its ID); errNotFound when
// there is none.
func (st store) selectSession(ctx context.Context, idHash []byte) (session, error) {
	var s session
	var uid sql.NullInt64
	var exp int64
	err := st.q.QueryRowContext(ctx, `SELECT user_id, state, csrf, expires_ns, step_up FROM sessions WHERE id_hash = ? AND state != 'anon'`, idHash).
		Scan(&uid, &s.State, &s.CSRF, &exp, &s.stepUp)
	if err != nil {
		return session{}, noRows(err)
	}
	s.UserID, s.Expires = uid.Int64, time.Unix(0, exp)
	return s, nil
}

// execStmt runs one statement that returns no rows; its error says what
// the statement was for.
func (st store) execStmt(ctx context.Context, what, query string, args ...any) error {
	if _, err := st.q.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// execOne is execStmt for a statement meant to change one row: it reports
// whether it did (a conditional update that lost a race changes none).
func (st store) execOne(ctx context.Context, what, query string, args ...any) (bool, error) {
	r, err := st.q.ExecContext(ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return n == 1, nil
}

func (st store) deleteSessionRow(ctx context.Context, idHash []byte) error {
	return st.execStmt(ctx, "delete session", `DELETE FROM sessions WHERE id_hash = ?`, idHash)
}

// deleteUserSessions ends every session of a user, with their pending secrets.
func (st store) deleteUserSessions(ctx context.Context, userID int64) error {
	return st.execStmt(ctx, "end sessions", `DELETE FROM sessions WHERE user_id = ?`, userID)
}

// deleteExpired removes sessions and remembered devices expired at now.
func (st store) deleteExpired(ctx context.Context, now int64) error {
	if err := st.execStmt(ctx, "sweep sessions", `DELETE FROM sessions WHERE expires_ns <= ?`, now); err != nil {
		return err
	}
	return st.execStmt(ctx, "sweep devices", `DELETE FROM devices WHERE expires_ns <= ?`, now)
}

// deleteStaleThrottles removes throttle counters whose lock ended by now
// and whose last failure is older than before: none of them counts any
// more. The per-user counts of wrong codes in a row stay: they fade with
// no time.
func (st store) deleteStaleThrottles(ctx context.Context, before, now int64) error {
	return st.execStmt(ctx, "sweep throttles", `DELETE FROM throttle WHERE last_failure_ns < ? AND locked_until_ns <= ? AND substr(key, 1, 9) != 'usercode:'`, before, now)
}

func (st store) setPending(ctx context.Context, idHash []byte, cred string, sealed []byte, expires int64, stepUp bool) error {
	_, err := st.q.ExecContext(ctx, `UPDATE sessions SET pending_cred = ?, pending_secret = ?, pending_expires_ns = ?, step_up = MAX(step_up, ?) WHERE id_hash = ?`,
		cred, sealed, expires, stepUp, idHash)
	if err != nil {
		return fmt.Errorf("store pending secret: %w", err)
	}
	return nil
}

// selectPending loads a session's pending secret (cred "" when it has
// none); errNotFound when the session is gone.
func (st store) selectPending(ctx context.Context, idHash []byte, userID int64) (pendingOf, error) {
	var p pendingOf
	var cred sql.NullString
	var exp sql.NullInt64
	err := st.q.QueryRowContext(ctx, `SELECT pending_cred, pending_secret, pending_expires_ns FROM sessions WHERE id_hash = ? AND user_id = ?`,
		idHash, userID).Scan(&cred, &p.sealed, &exp)
	if err != nil {
		return pendingOf{}, noRows(err)
	}
	if cred.Valid && exp.Valid {
		p.cred, p.expires = cred.String, time.Unix(0, exp.Int64)
	}
	return p, nil
}

// ---- remembered devices ----

// selectDevice loads a remembered device; errNotFound when unknown.
func (st store) selectDevice(ctx context.Context, tokenHash []byte) (userID int64, expires time.Time, err error) {
	var exp int64
	if err := st.q.QueryRowContext(ctx, `SELECT user_id, expires_ns FROM devices WHERE token_hash = ?`, tokenHash).Scan(&userID, &exp); err != nil {
		return 0, time.Time{}, noRows(err)
	}
	return userID, time.Unix(0, exp), nil
}

func (st store) insertDevice(ctx context.Context, tokenHash []byte, userID, created, expires int64) error {
	return st.execStmt(ctx, "remember device", `INSERT INTO devices (token_hash, user_id, created_ns, expires_ns) VALUES (?, ?, ?, ?)`,
		tokenHash, userID, created, expires)
}

func (st store) deleteUserDevices(ctx context.Context, userID int64) error {
	return st.execStmt(ctx, "forget remembered devices", `DELETE FROM devices WHERE user_id = ?`, userID)
}

// ---- companies and users ----

func (st store) insertCompany(ctx context.Context, name string, now int64) (int64, error) {
	res, err := st.q.ExecContext(ctx, `INSERT INTO companies (name, created_ns) VALUES (?, ?)`, name, now)
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
func (st store) insertUser(ctx context.Context, companyID int64, email, name, role, hash string, now int64) error {
	_, err := st.q.ExecContext(ctx, `INSERT INTO users (company_id, email, name, role, password_hash, password_changed_ns, created_ns)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(email) DO NOTHING`, companyID, email, name, role, hash, now, now)
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	var n int
	if err := st.q.QueryRowContext(ctx, `SELECT changes()`).Scan(&n); err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	if n == 0 {
		return errorf(kindConflict, "an account with this email address already exists; sign in instead")
	}
	return nil
}

// selectUserCompany finds the user with email; errNotFound when none.
func (st store) selectUserCompany(ctx context.Context, email string) (userID, companyID int64, err error) {
	err = st.q.QueryRowContext(ctx, `SELECT id, company_id FROM users WHERE email = ?`, email).Scan(&userID, &companyID)
	return userID, companyID, noRows(err)
}

// selectCompanyUserEmail is the email of userID if it belongs to companyID;
// errNotFound otherwise.
func (st store) selectCompanyUserEmail(ctx context.Context, userID, companyID int64) (string, error) {
	var email string
	err := st.q.QueryRowContext(ctx, `SELECT email FROM users WHERE id = ? AND company_id = ?`, userID, companyID).Scan(&email)
	return email, noRows(err)
}

func (st store) selectCompanyUsers(ctx context.Context, companyID int64) ([]*user, error) {
	rows, err := st.q.QueryContext(ctx, `SELECT `+userCols+` FROM users u JOIN companies c ON c.id = u.company_id WHERE u.company_id = ? ORDER BY u.id`, companyID)
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

func (st store) setPassword(ctx context.Context, userID int64, hash string, changed int64) error {
	return st.execStmt(ctx, "change password", `UPDATE users SET password_hash = ?, password_changed_ns = ? WHERE id = ?`, hash, changed, userID)
}

// setCredential makes a confirmed TOTP secret the user's credential, with
// step as its last accepted time step.
func (st store) setCredential(ctx context.Context, userID int64, cred string, sealed []byte, enrolled, step int64) error {
	return st.execStmt(ctx, "confirm MFA setup", `UPDATE users SET totp_cred = ?, totp_secret = ?, mfa_enrolled_ns = ?, last_step = ?,
		pending_cred = NULL, pending_secret = NULL, pending_expires_ns = NULL WHERE id = ?`, cred, sealed, enrolled, step, userID)
}

func (st store) clearCredential(ctx context.Context, userID int64) error {
	return st.execStmt(ctx, "reset MFA", `UPDATE users SET totp_cred = NULL, totp_secret = NULL, mfa_enrolled_ns = NULL,
		pending_cred = NULL, pending_secret = NULL, pending_expires_ns = NULL WHERE id = ?`, userID)
}

// casStep records step as the user's credential's last accepted time step
// if it is later than the stored one. Only one of two parallel submissions
// of a code wins.
func (st store) casStep(ctx context.Context, userID, step int64) (bool, error) {
	return st.execOne(ctx, "record code use", `UPDATE users SET last_step = ? WHERE id = ? AND last_step < ?`, step, userID, step)
}

// ---- recovery codes ----

// replaceRecoveryCodes deletes a user's recovery codes and stores hashes.
func (st store) replaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error {
	if err := st.execStmt(ctx, "replace recovery codes", `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if err := st.execStmt(ctx, "store recovery codes", `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h); err != nil {
			return err
		}
	}
	return nil
}

// useRecoveryCode marks an unused code used and reports whether there was one.
func (st store) useRecoveryCode(ctx context.Context, userID int64, hash []byte, now int64) (bool, error) {
	return st.execOne(ctx, "use recovery code", `UPDATE recovery_codes SET used_ns = ? WHERE user_id = ? AND code_hash = ? AND used_ns IS NULL`, now, userID, hash)
}

func (st store) countRecoveryCodes(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := st.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_ns IS NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count recovery codes: %w", err)
	}
	return n, nil
}

// ---- invitations ----

// insertInvite stores an invitation; an inert one (for an address that has
// an account elsewhere) looks the same but can never be accepted.
func (st store) insertInvite(ctx context.Context, tokenHash []byte, companyID int64, email string, invitedBy, created, expires int64, inert bool) error {
	return st.execStmt(ctx, "create invite", `INSERT INTO invites (token_hash, company_id, email, invited_by, created_ns, expires_ns, inert) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		tokenHash, companyID, email, invitedBy, created, expires, inert)
}

// invite is an invitation row.
type invite struct {
	companyID      int64
	email, company string
	expires        time.Time
	accepted       bool
	inert          bool
}

// selectInvite loads an invitation; errNotFound when unknown.
func (st store) selectInvite(ctx context.Context, tokenHash []byte) (invite, error) {
	var in invite
	var exp int64
	var accepted sql.NullInt64
	err := st.q.QueryRowContext(ctx, `SELECT i.company_id, i.email, c.name, i.expires_ns, i.accepted_ns, i.inert FROM invites i JOIN companies c ON c.id = i.company_id WHERE i.token_hash = ?`,
		tokenHash).Scan(&in.companyID, &in.email, &in.company, &exp, &accepted, &in.inert)
	if err != nil {
		return invite{}, noRows(err)
	}
	in.expires, in.accepted = time.Unix(0, exp), accepted.Valid
	return in, nil
}

func (st store) markInviteAccepted(ctx context.Context, tokenHash []byte, now int64) error {
	return st.execStmt(ctx, "accept invite", `UPDATE invites SET accepted_ns = ? WHERE token_hash = ? AND accepted_ns IS NULL`, now, tokenHash)
}

// ---- outbox ----

func (st store) insertMessage(ctx context.Context, companyID int64, to, subject, body, link string, sent int64) error {
	return st.execStmt(ctx, "send message", `INSERT INTO outbox (company_id, to_addr, subject, body, link, sent_ns) VALUES (?, ?, ?, ?, ?, ?)`,
		companyID, to, subject, body, link, sent)
}

// selectMessages lists the newest 500 messages: all of them (companyID 0),
// a company's, or (to set) one address's in a company.
func (st store) selectMessages(ctx context.Context, companyID int64, to string) ([]api.Message, error) {
	query, args := `SELECT id, to_addr, subject, body, link, sent_ns FROM outbox ORDER BY id DESC LIMIT 500`, []any(nil)
	switch {
	case companyID != 0 && to != "":
		query, args = `SELECT id, to_addr, subject, body, link, sent_ns FROM outbox WHERE company_id = ? AND to_addr = ? ORDER BY id DESC LIMIT 500`, []any{companyID, to}
	case companyID != 0:
		query, args = `SELECT id, to_addr, subject, body, link, sent_ns FROM outbox WHERE company_id = ? ORDER BY id DESC LIMIT 500`, []any{companyID}
	}
	rows, err := st.q.QueryContext(ctx, query, args...)
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

// selectLock is a counter's lock end; errNotFound when it has none.
func (st store) selectLock(ctx context.Context, key string) (int64, error) {
	var until int64
	err := st.q.QueryRowContext(ctx, `SELECT locked_until_ns FROM throttle WHERE key = ?`, key).Scan(&until)
	return until, noRows(err)
}

// selectFailures is a counter's failures; errNotFound when it has none.
func (st store) selectFailures(ctx context.Context, key string) (failures, last int64, err error) {
	err = st.q.QueryRowContext(ctx, `SELECT failures, last_failure_ns FROM throttle WHERE key = ?`, key).Scan(&failures, &last)
	return failures, last, noRows(err)
}

// saveFailures stores a counter; until 0 keeps the current lock end.
func (st store) saveFailures(ctx context.Context, key string, failures, until, now int64) error {
	_, err := st.q.ExecContext(ctx, `INSERT INTO throttle (key, failures, locked_until_ns, last_failure_ns) VALUES (?, ?, ?, ?)
		ON CONFLICT(key) DO UPDATE SET failures = excluded.failures,
			locked_until_ns = CASE WHEN excluded.locked_until_ns > 0 THEN excluded.locked_until_ns ELSE throttle.locked_until_ns END,
			last_failure_ns = excluded.last_failure_ns`, key, failures, until, now)
	if err != nil {
		return fmt.Errorf("record failure: %w", err)
	}
	return nil
}

func (st store) deleteThrottle(ctx context.Context, key string) error {
	return st.execStmt(ctx, "reset throttle", `DELETE FROM throttle WHERE key = ?`, key)
}

// deleteThrottlePrefix removes every counter whose key starts with prefix.
func (st store) deleteThrottlePrefix(ctx context.Context, prefix string) error {
	return st.execStmt(ctx, "reset throttle", `DELETE FROM throttle WHERE substr(key, 1, ?) = ?`, len(prefix), prefix)
}

// selectLockPrefix is the latest lock end of the counters whose key starts
// with prefix; 0 when none.
func (st store) selectLockPrefix(ctx context.Context, prefix string) (int64, error) {
	var until sql.NullInt64
	err := st.q.QueryRowContext(ctx, `SELECT MAX(locked_until_ns) FROM throttle WHERE substr(key, 1, ?) = ?`, len(prefix), prefix).Scan(&until)
	if err != nil {
		return 0, fmt.Errorf("read throttle: %w", err)
	}
	return until.Int64, nil
}

// ---- unlock links ----

func (st store) insertUnlockLink(ctx context.Context, tokenHash []byte, userID, created int64) error {
	return st.execStmt(ctx, "store unlock link", `INSERT INTO unlock_links (token_hash, user_id, created_ns) VALUES (?, ?, ?)`,
		tokenHash, userID, created)
}

// selectUnlockLink is the user an unlock link belongs to; errNotFound when unknown.
func (st store) selectUnlockLink(ctx context.Context, tokenHash []byte) (int64, error) {
	var uid int64
	err := st.q.QueryRowContext(ctx, `SELECT user_id FROM unlock_links WHERE token_hash = ?`, tokenHash).Scan(&uid)
	return uid, noRows(err)
}

func (st store) deleteUnlockLinks(ctx context.Context, userID int64) error {
	return st.execStmt(ctx, "delete unlock links", `DELETE FROM unlock_links WHERE user_id = ?`, userID)
}

// selectCompanyAdmins lists the emails of a company's administrators.
func (st store) selectCompanyAdmins(ctx context.Context, companyID int64) ([]string, error) {
	rows, err := st.q.QueryContext(ctx, `SELECT email FROM users WHERE company_id = ? AND role = 'admin' ORDER BY id`, companyID)
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
func (st store) selectLockMax(ctx context.Context, keys []string) (int64, error) {
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	var until sql.NullInt64
	query := `SELECT MAX(locked_until_ns) FROM throttle WHERE key IN (?` + strings.Repeat(", ?", max(len(keys)-1, 0)) + `)`
	if err := st.q.QueryRowContext(ctx, query, args...).Scan(&until); err != nil {
		return 0, fmt.Errorf("read throttle: %w", err)
	}
	return until.Int64, nil
}
