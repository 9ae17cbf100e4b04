package platform

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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
