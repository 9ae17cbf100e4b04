package desktop

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"

	"authdesk/app/wording"
	"authdesk/vault"
)

// simulatorFile is the name of the "Simulator" vault, beside the user's.
const simulatorFile = "simulator.age"

// keeper returns where enrolled accounts go: the "Simulator" vault, or the
// user's own vault when the tester chose so. It runs on the scenarios'
// goroutines.
func (t *platformTester) keeper() func(vault.Account) error {
	if t.toMine.Checked && t.u.v != nil {
		v := t.u.v
		return func(a vault.Account) error {
			_, err := v.Add(a)
			return err
		}
	}
	return func(a vault.Account) error {
		t.simMu.Lock()
		defer t.simMu.Unlock()
		if v := t.simulatorVault(); v != nil {
			_, err := v.Add(a)
			return err
		}
		t.sim = append(t.sim, a)
		return nil
	}
}

// simulatorVault opens the "Simulator" vault, creating it on first use, and
// returns it, or nil (with simErr set) when it cannot be used. The caller
// holds simMu; this is slow (a key derivation on creation): never on the UI
// goroutine.
func (t *platformTester) simulatorVault() *vault.Vault {
	if t.simV != nil || t.simErr != nil {
		return t.simV
	}
	if t.simPath == "" {
		t.simErr = errors.New("there is no vault path to put it beside")
		return nil
	}
	v, err := openSimulatorVault(t.simPath, t.u.cfg.Options)
	t.simV, t.simErr = v, err
	return v
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

// closeSimulator closes the "Simulator" vault if it is open.
func (t *platformTester) closeSimulator() {
	t.simMu.Lock()
	defer t.simMu.Unlock()
	if t.simV != nil {
		_ = t.simV.Close()
		t.simV = nil
	}
}

// showSimulator says where enrolled accounts are.
func (t *platformTester) showSimulator() {
	if t.toMine.Checked {
		t.simLabel.SetText("Enrolled accounts went to your own vault.")
		return
	}
	t.simMu.Lock()
	defer t.simMu.Unlock()
	switch {
	case t.simV != nil:
		t.simLabel.SetText(fmt.Sprintf("Simulator vault: %s in %s (not your vault; authdesk-cli --vault %s list)",
			wording.Count(len(t.simV.Accounts()), "account", "accounts"), t.simPath, t.simPath))
	case t.simErr != nil:
		t.simLabel.SetText(fmt.Sprintf("Simulator vault: %s, kept while this window is open (%v)", wording.Count(len(t.sim), "account", "accounts"), t.simErr))
	default:
		t.simLabel.SetText(fmt.Sprintf("Simulator vault: %s, made when a scenario enrols an account (not your vault)", t.simPath))
	}
}
