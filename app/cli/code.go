package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"authdesk/vault"
	"authdesk/vault/otpauth"
)

func init() {
	register("code", "print the current code of account NAME, or of --uri URI|- [--at UNIXSECONDS] [--min-left SECONDS] [--next-unused]", runCode)
}

const codeUsage = "usage: authdesk-cli code NAME | --uri URI|- [--at UNIXSECONDS] [--min-left SECONDS] [--next-unused]"

// maxURILine bounds the otpauth URI read from stdin by --uri -.
const maxURILine = 4096

// runCode prints a code alone on stdout. For an HOTP account it then
// advances the stored counter, since a shown HOTP code counts as used.
//
// --min-left and --next-unused make codes safe for test suites: the first
// waits until the code has that many seconds left, the second waits for a
// time step whose code this account has not printed before (remembered in
// a state file beside the vault), so a suite never trips replay protection.
// With --at the wait is virtual: the code printed is the one of the moment
// the wait would end.
func runCode(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("code", flag.ContinueOnError)
	uri := fs.String("uri", "", "otpauth:// `URI`, or - to read it from stdin (safer: not in shell history); the vault is not opened")
	at := fs.String("at", "", "Unix time in seconds (default: now)")
	minLeft := fs.Int("min-left", 0, "wait until the code has at least `SECONDS` left (TOTP)")
	nextUnused := fs.Bool("next-unused", false, "wait for a time step whose code was not printed before (TOTP)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	now, sleep, err := codeClock(*at)
	if err != nil {
		return err
	}
	if *minLeft < 0 {
		return usagef("--min-left %d: want 0 or more seconds", *minLeft)
	}
	a, v, err := codeAccount(env, g, *uri, pos)
	if err != nil {
		return err
	}
	if v != nil {
		defer v.Close()
	}
	if (*minLeft > 0 || *nextUnused) && a.Type == vault.HOTP {
		return usagef("--min-left and --next-unused are for time-based codes; %s counts, it has no time steps", a.Title())
	}
	period := int64(a.Period)
	if period <= 0 {
		period = 30
	}
	if int64(*minLeft) >= period {
		return usagef("--min-left %d: a code lives %d s, so ask for less", *minLeft, period)
	}
	var state *codeState
	key := stateKey(a, *uri != "")
	if *nextUnused {
		path, err := vaultPath(env, g)
		if err != nil {
			return err
		}
		if state, err = loadCodeState(path + codeStateSuffix); err != nil {
			return err
		}
	}
	t := now()
	if a.Type != vault.HOTP {
		t = vault.PickTime(t, period, int64(*minLeft), state.last(key), sleep, now)
	}
	if a.Type == vault.HOTP && v != nil {
		// The counter as it is on disk now, under the lock: another
		// program may have used codes since the vault was opened.
		if a, err = v.AdvanceCounter(a.ID); err != nil {
			return err
		}
	}
	code, err := a.Code(t)
	if err != nil {
		if v == nil {
			return usagef("%v", err)
		}
		return fmt.Errorf("%s: %w", a.Title(), err)
	}
	if state != nil {
		if err := state.record(key, t.Unix()/period); err != nil {
			return err
		}
	}
	fmt.Fprintln(env.Stdout, code)
	return nil
}

// codeClock is the clock code waits on: the real one, or with --at a
// virtual one starting at that Unix time.
func codeClock(at string) (now func() time.Time, sleep func(time.Duration), err error) {
	if at == "" {
		return time.Now, realClock{}.sleep, nil
	}
	n, err := strconv.ParseInt(at, 10, 64)
	if err != nil || n < 0 {
		return nil, nil, usagef("--at %q: want a Unix time in seconds, 0 or more", at)
	}
	v := &virtualClock{t: time.Unix(n, 0)}
	return v.now, v.sleep, nil
}

// codeAccount is the account code prints: the one --uri gives (v nil),
// or the vault's account NAME, with the open vault the caller closes.
func codeAccount(env *Env, g *Globals, uri string, pos []string) (a vault.Account, v *vault.Vault, err error) {
	switch {
	case uri != "":
		if len(pos) > 0 {
			return a, nil, usagef("give NAME or --uri, not both")
		}
		text := uri
		if text == "-" {
			if text, err = readURILine(env); err != nil {
				return a, nil, err
			}
		}
		if a, err = otpauth.Parse(text); err != nil {
			return a, nil, usagef("%v", err)
		}
		return a, nil, nil
	case len(pos) == 0:
		return a, nil, usagef("need an account NAME or --uri URI (%s)", codeUsage)
	case len(pos) > 1:
		return a, nil, usagef("too many arguments: give one NAME (quote names with spaces)")
	}
	v, a, err = openAccount(env, g, pos[0])
	return a, v, err
}

// readURILine reads one otpauth URI line from stdin.
func readURILine(env *Env) (string, error) {
	var b strings.Builder
	r := env.stdin()
	for {
		c, err := r.ReadByte()
		if err != nil || c == '\n' {
			break
		}
		if b.Len() >= maxURILine {
			return "", usagef("--uri -: the line on stdin is longer than %d bytes", maxURILine)
		}
		b.WriteByte(c)
	}
	s := strings.TrimSpace(b.String())
	if s == "" {
		return "", usagef("--uri -: stdin holds no URI (give one otpauth:// line)")
	}
	return s, nil
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

type realClock struct{}

func (realClock) sleep(d time.Duration) { time.Sleep(d) }

// virtualClock serves --at: waiting moves it, nothing sleeps.
type virtualClock struct{ t time.Time }

func (v *virtualClock) now() time.Time        { return v.t }
func (v *virtualClock) sleep(d time.Duration) { v.t = v.t.Add(d) }
