// Package instance keeps Authdesk to one process per vault. A second
// "authdesk" on a vault that already has one asks it to show its window and
// exits; "authdesk --quick" asks the default vault's instance (else the only
// one running) to open the quick popup, or starts Authdesk with it.
//
// The channel is per system: on Linux the session bus, where the process
// of each vault owns io.authdesk.app.v<ID> and the default vault's also the
// well-known io.authdesk.app, each exporting org.freedesktop.Application at
// /io/authdesk/app. On macOS unix sockets (v<ID>.sock, default.sock) in a
// 0700 folder of the user's cache dir, and on Windows named pipes carrying
// the user's SID, both speaking one line each way (stream.go). Every
// channel admits only processes of the same user: the session bus and the
// sockets' folder are the user's, the pipes' DACL grants only the user's
// SID, and the server checks the caller's user (GetConnectionUnixUser, the
// socket's peer credentials, the pipe client's process token) before it
// acts; a socket or pipe client checks the server's user too.
package instance

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"authdesk/vault"
)

// Action is what another process asks the running instance to do.
type Action string

// The actions.
const (
	Activate Action = "activate" // show the main window
	Quick    Action = "quick"    // open the quick popup
)

// AppID is Authdesk's application ID and its well-known bus name.
const AppID = "io.authdesk.app"

// Request is what this process was started for.
type Request struct {
	Vault    string // the vault's path, absolute
	Explicit bool   // --vault named it
	Default  bool   // it is the default vault
	Action   Action
}

// NewRequest resolves the vault (the --vault flag, else the default one)
// for action.
func NewRequest(vaultFlag string, action Action, getenv func(string) string) (Request, error) {
	def, err := vault.DefaultPath(getenv)
	if err != nil && vaultFlag == "" {
		return Request{}, err
	}
	r := Request{Vault: vaultFlag, Explicit: vaultFlag != "", Action: action}
	if r.Vault == "" {
		r.Vault = def
	}
	if r.Vault, err = filepath.Abs(r.Vault); err != nil {
		return Request{}, fmt.Errorf("vault path: %w", err)
	}
	if def != "" {
		d, _ := filepath.Abs(def)
		r.Default = canonical(d) == canonical(r.Vault)
	}
	return r, nil
}

// canonical is a path with its symbolic links resolved where they exist.
func canonical(p string) string {
	if q, err := filepath.EvalSymlinks(p); err == nil {
		return q
	}
	if q, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		return filepath.Join(q, filepath.Base(p))
	}
	return filepath.Clean(p)
}

// vaultID names a vault's instance: 16 hex digits of its path's SHA-256.
func vaultID(path string) string {
	h := sha256.Sum256([]byte(canonical(path)))
	return hex.EncodeToString(h[:8])
}

// Server is this process's end of the channel: the actions other processes
// of the user asked for arrive on Actions.
type Server struct {
	actions chan Action
	close   func()
}

func newServer() *Server { return &Server{actions: make(chan Action, 8), close: func() {}} }

// Actions delivers the requests of other processes. A nil Server (no
// channel on this system) delivers none.
func (s *Server) Actions() <-chan Action {
	if s == nil {
		return nil
	}
	return s.actions
}

// Close releases the channel.
func (s *Server) Close() {
	if s != nil {
		s.close()
	}
}

// deliver hands a to the UI without ever blocking the channel's reader.
func (s *Server) deliver(a Action) {
	select {
	case s.actions <- a:
	default:
	}
}
