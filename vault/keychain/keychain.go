// Package keychain keeps vault keys in the operating system's keychain: the
// Secret Service (gnome-keyring, KWallet) over D-Bus on Linux, the Keychain on
// macOS, the Credential Manager on Windows.
//
// Each vault stores one secret, its age identity, under the service
// "authdesk" and the vault's random ID as the user name. On Linux you can look
// at it with
//
//	secret-tool search service authdesk
//
// and remove it with "secret-tool clear service authdesk username ID"; the
// vault then asks for its password and stores the key again.
//
// Two things go wrong in practice, and callers must tell them apart:
// ErrNotFound means the keychain answered but holds no key (first run, or the
// entry was deleted); ErrUnavailable means the keychain did not answer at all
// (no D-Bus session, no Secret Service daemon, a locked collection, a prompt
// nobody answered). System never blocks longer than its Timeout: a Secret
// Service that shows an unlock prompt on a headless machine would otherwise
// hang the caller forever.
package keychain

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// Service is the keychain service name under which Authdesk stores its keys.
const Service = "authdesk"

// DefaultTimeout is how long System waits for the keychain by default.
const DefaultTimeout = 3 * time.Second

var (
	// ErrNotFound means the keychain answered but has no entry for the vault.
	ErrNotFound = errors.New("the keychain has no key for this vault")
	// ErrUnavailable means the keychain could not be used; the wrapping error
	// says why.
	ErrUnavailable = errors.New("keychain unavailable")
)

// System is the operating system's keychain. Its zero value is ready to use.
type System struct {
	// Timeout bounds each call; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Get returns the secret stored for vaultID.
func (s System) Get(vaultID string) (string, error) {
	var secret string
	err := s.run("read the vault key from", func() error {
		var err error
		secret, err = keyring.Get(Service, vaultID)
		return err
	})
	return secret, err
}

// Set stores secret for vaultID, replacing any previous one.
func (s System) Set(vaultID, secret string) error {
	return s.run("store the vault key in", func() error {
		return keyring.Set(Service, vaultID, secret)
	})
}

// Delete removes the secret of vaultID. Deleting a missing entry returns
// ErrNotFound.
func (s System) Delete(vaultID string) error {
	return s.run("delete the vault key from", func() error {
		return keyring.Delete(Service, vaultID)
	})
}

// run calls f in a goroutine so that a hung D-Bus call cannot block the
// caller for longer than the timeout, and translates its error.
func (s System) run(what string, f func() error) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	done := make(chan error, 1) // buffered: a late answer must not leak a blocked goroutine
	go func() { done <- f() }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return classify(what, err)
	case <-timer.C:
		return fmt.Errorf("%w: could not %s the keychain: no answer within %v (is the keyring locked and waiting for a password prompt?)", ErrUnavailable, what, timeout)
	}
}

// classify turns a go-keyring error into ErrNotFound or an ErrUnavailable
// that explains the cause in words a user can act on.
func classify(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, keyring.ErrNotFound) {
		return ErrNotFound
	}
	return fmt.Errorf("%w: could not %s the keychain: %s (%v)", ErrUnavailable, what, explain(err), err)
}

func explain(err error) string {
	msg := err.Error()
	switch {
	case runtime.GOOS == "linux" && os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" && strings.Contains(msg, "dbus"):
		return "there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset), so no Secret Service such as gnome-keyring can be reached"
	case strings.Contains(msg, "org.freedesktop.secrets") || strings.Contains(msg, "ServiceUnknown") || strings.Contains(msg, "not provided by any .service"):
		return "no Secret Service (gnome-keyring or KWallet) is running on the D-Bus session bus"
	case strings.Contains(msg, "unlock") || strings.Contains(msg, "locked") || strings.Contains(msg, "IsLocked"):
		return "the keyring is locked and could not be unlocked"
	case strings.Contains(msg, "dismissed") || strings.Contains(msg, "prompt"):
		return "the keyring prompt was dismissed"
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return "the key is too big for this keychain"
	case strings.Contains(msg, "dbus") || strings.Contains(msg, "connection") || strings.Contains(msg, "dial "):
		return "the D-Bus session bus could not be reached"
	}
	return "the keychain returned an error"
}
