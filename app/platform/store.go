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

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

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
