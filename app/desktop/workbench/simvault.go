package workbench

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"authdesk/app/wording"
	"authdesk/vault"
)

// simulatorFile is the name of the "Simulator" vault, beside the user's.
const simulatorFile = "simulator.age"

// simulator is the "Simulator" vault: the accounts scenarios enrol go to
// the file path beside the user's vault (opened or created on first use,
// its key in the same keychain). When that file cannot be used, they are
// kept in kept, in memory for this window, and err says why. Its methods
// are safe on any goroutine.
type simulator struct {
	mu   sync.Mutex // guards v, err and kept
	path string
	// shown is path as the window shows it: under the user's home
	// directory as ~/… (the CLI command it shows works in a shell too).
	shown string
	opts  vault.Options
	v     *vault.Vault
	err   error
	kept  []vault.Account
}

// newSimulator is the Simulator vault beside the user's vault at
// userVault; empty: there is none, accounts are kept in memory. home is
// the user's home directory (empty: os.UserHomeDir()), shown as ~.
func newSimulator(userVault, home string, opts vault.Options) *simulator {
	s := &simulator{opts: opts}
	if userVault != "" {
		s.path = filepath.Join(filepath.Dir(userVault), simulatorFile)
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		s.shown = homeRelative(s.path, home, runtime.GOOS)
	}
	return s
}

// homeRelative returns path as a user reads it on goos: a path under home
// as ~/…, as a shell takes it; anything else, and every path on Windows
// (whose shells do not expand ~), unchanged.
func homeRelative(path, home, goos string) string {
	if goos == "windows" || !filepath.IsAbs(home) {
		return path
	}
	home = filepath.Clean(home)
	if home == "/" {
		return path
	}
	if rest, ok := strings.CutPrefix(path, home+"/"); ok {
		return "~/" + rest
	}
	return path
}

// keeper returns where enrolled accounts go: the "Simulator" vault, or the
// user's own vault when the tester chose so. It runs on the scenarios'
// goroutines.
func (t *Workbench) keeper() func(vault.Account) error {
	if v := t.cfg.UserVault(); t.toMine.Checked && v != nil {
		return func(a vault.Account) error {
			_, err := v.Add(a)
			return err
		}
	}
	return t.sim.keep
}

// keep adds a to the Simulator vault, or to memory when it cannot be used.
// It is slow on first use (a key derivation): never on the UI goroutine.
func (s *simulator) keep(a vault.Account) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.open(); v != nil {
		_, err := v.Add(a)
		return err
	}
	s.kept = append(s.kept, a)
	return nil
}

// open opens the Simulator vault, creating it on first use, and returns
// it, or nil (with err set) when it cannot be used. The caller holds mu.
func (s *simulator) open() *vault.Vault {
	if s.v != nil || s.err != nil {
		return s.v
	}
	if s.path == "" {
		s.err = errors.New("there is no vault path to put it beside")
		return nil
	}
	s.v, s.err = openSimulatorVault(s.path, s.opts)
	return s.v
}

// openSimulatorVault opens the vault at path with the key in opts.Keychain,
// or creates it there. It is sealed with a random password that is kept
// nowhere: the keychain is its only key, so a new vault that the keychain
// did not take is removed again rather than left unopenable.
func openSimulatorVault(path string, opts vault.Options) (*vault.Vault, error) {
	v, err := vault.Open(path, opts)
	if !errors.Is(err, vault.ErrNoVault) {
		if err != nil {
			return nil, fmt.Errorf("open the Simulator vault: %w", err)
		}
		return v, nil
	}
	pw := make([]byte, 32)
	if _, err := rand.Read(pw); err != nil {
		return nil, fmt.Errorf("create the Simulator vault: %w", err)
	}
	v, err = vault.Create(path, []byte(base64.RawStdEncoding.EncodeToString(pw)), opts)
	if err != nil {
		return nil, fmt.Errorf("create the Simulator vault: %w", err)
	}
	if kerr := v.KeychainError(); kerr != nil {
		_ = v.Close()
		_ = os.Remove(path)
		return nil, fmt.Errorf("create the Simulator vault: the keychain did not take its key: %w", kerr)
	}
	return v, nil
}

// close closes the Simulator vault if it is open.
func (s *simulator) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.v != nil {
		_ = s.v.Close()
		s.v = nil
	}
}

// describe says where enrolled accounts are.
func (s *simulator) describe() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.v != nil:
		return fmt.Sprintf("Simulator vault: %s in %s (not your vault; authdesk-cli --vault %s list)",
			wording.Count(len(s.v.Accounts()), "account", "accounts"), s.shown, s.shown)
	case s.err != nil:
		why := s.err.Error()
		if s.path != "" {
			why = strings.ReplaceAll(why, s.path, s.shown)
		}
		return fmt.Sprintf("Simulator vault: %s, kept while this window is open (%s)", wording.Count(len(s.kept), "account", "accounts"), why)
	default:
		return fmt.Sprintf("Simulator vault: %s, made when a scenario enrols an account (not your vault)", s.shown)
	}
}

// showSimulator says where enrolled accounts are.
func (t *Workbench) showSimulator() {
	if t.toMine.Checked {
		t.simLabel.SetText("Enrolled accounts went to your own vault.")
		return
	}
	t.simLabel.SetText(t.sim.describe())
}
