//go:build !front

package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"authdesk/vault"
)

const codeUsage = "usage: authdesk-cli code NAME | --uri URI|- [--at UNIXSECONDS] [--min-left SECONDS] [--next-unused]"

// vaultCode is code for account NAME of the vault, and for --next-unused,
// whose state file sits beside the vault. args are code's arguments, as
// given (the front build passes them on).
func vaultCode(env *Env, g *Globals, _ []string, o codeOptions, pos []string) error {
	var a vault.Account
	var v *vault.Vault
	var err error
	switch {
	case o.uri != "":
		a, err = uriAccount(env, o.uri, pos)
	case len(pos) == 0:
		return usagef("need an account NAME or --uri URI (%s)", codeUsage)
	case len(pos) > 1:
		return usagef("too many arguments: give one NAME (quote names with spaces)")
	default:
		v, a, err = openAccount(env, g, pos[0])
	}
	if err != nil {
		return err
	}
	if v != nil {
		defer v.Close()
	}
	period, err := codePeriod(a, o)
	if err != nil {
		return err
	}
	t := o.now()
	switch {
	case o.nextUnused:
		path, err := vaultPath(env, g)
		if err != nil {
			return err
		}
		if t, err = nextUnusedTime(path+codeStateSuffix, stateKey(a, o.uri != ""), period, o.minLeft, o.sleep, o.now); err != nil {
			return err
		}
	case a.Type != vault.HOTP:
		t = vault.PickTime(t, period, o.minLeft, -1, o.sleep, o.now)
	}
	if a.Type == vault.HOTP && v != nil {
		// The counter as it is on disk now, under the lock: another
		// program may have used codes since the vault was opened.
		if a, err = v.AdvanceCounter(a.ID); err != nil {
			return err
		}
	}
	return printCode(env, a, t, v != nil)
}

// nextUnusedTime reserves the first time step after every one printed
// before (and with minLeft seconds left) in the state file, under the
// vault's lock so that runs at the same time never reserve the same step,
// then waits for it outside the lock. Should the wait overshoot the step,
// it reserves again.
func nextUnusedTime(statePath, key string, period, minLeft int64, sleep func(time.Duration), now func() time.Time) (time.Time, error) {
	vaultFile := strings.TrimSuffix(statePath, codeStateSuffix)
	for {
		t := now()
		unlock, err := vault.Lock(vaultFile)
		if err != nil {
			return t, err
		}
		state, err := loadCodeState(statePath)
		if err == nil {
			t = t.Add(vault.CodeWait(t, period, minLeft, state.last(key)))
			err = state.record(key, t.Unix()/period)
		}
		unlock()
		if err != nil {
			return t, err
		}
		step := t.Unix() / period
		if t = vault.PickTime(now(), period, 0, step-1, sleep, now); t.Unix()/period == step {
			return t, nil
		}
	}
}

// stateKey names an account in the state file without its secret: the
// vault's ID, or for --uri a hash of what makes its codes.
func stateKey(a vault.Account, fromURI bool) string {
	if !fromURI && a.ID != "" {
		return "id:" + a.ID
	}
	h := sha256.New()
	fmt.Fprintf(h, "authdesk code state\x00%s\x00%d\x00%d\x00", a.Algorithm, a.Digits, a.Period)
	h.Write(a.Secret)
	return "uri:" + hex.EncodeToString(h.Sum(nil)[:16])
}
