package cli

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"authdesk/vault/account"
	"authdesk/vault/otpauth"
)

func init() {
	register("code", codeSummary, runCode)
}

// maxURILine bounds the otpauth URI read from stdin by --uri -.
const maxURILine = 4096

// codeOptions are code's flags, checked.
type codeOptions struct {
	uri        string // --uri: "" for an account of the vault
	minLeft    int64
	nextUnused bool
	now        func() time.Time    // the clock: real, or --at's virtual one
	sleep      func(time.Duration) // waits on that clock
}

// runCode prints a code alone on stdout. For an HOTP account it then
// advances the stored counter, since a shown HOTP code counts as used.
//
// --min-left and --next-unused make codes safe for test suites: the first
// waits until the code has that many seconds left, the second waits for a
// time step whose code this account has not printed before (remembered in
// a state file beside the vault), so a suite never trips replay protection.
// With --at the wait is virtual: the code printed is the one of the moment
// the wait would end.
//
// A code from --uri needs neither the vault nor the keychain, so it is
// computed here; a NAME and --next-unused (whose state file sits beside
// the vault) go to vaultCode (code_vault.go; the front build runs them in
// VaultHelperName).
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
	o := codeOptions{uri: *uri, minLeft: int64(*minLeft), nextUnused: *nextUnused, now: time.Now, sleep: realClock{}.sleep}
	if *at != "" {
		n, err := strconv.ParseInt(*at, 10, 64)
		if err != nil || n < 0 {
			return usagef("--at %q: want a Unix time in seconds, 0 or more", *at)
		}
		v := &virtualClock{t: time.Unix(n, 0)}
		o.now, o.sleep = v.now, v.sleep
	}
	if *minLeft < 0 {
		return usagef("--min-left %d: want 0 or more seconds", *minLeft)
	}
	if o.uri == "" || o.nextUnused {
		return vaultCode(env, g, args, o, pos)
	}
	a, err := uriAccount(env, o.uri, pos)
	if err != nil {
		return err
	}
	period, err := codePeriod(a, o)
	if err != nil {
		return err
	}
	t := o.now()
	if a.Type != account.HOTP {
		t = account.PickTime(t, period, o.minLeft, -1, o.sleep, o.now)
	}
	return printCode(env, a, t, false)
}

// uriAccount is the account of --uri (pos must be empty: NAME or --uri).
func uriAccount(env *Env, uri string, pos []string) (account.Account, error) {
	if len(pos) > 0 {
		return account.Account{}, usagef("give NAME or --uri, not both")
	}
	text := uri
	if text == "-" {
		var err error
		if text, err = readURILine(env); err != nil {
			return account.Account{}, err
		}
	}
	a, err := otpauth.Parse(text)
	if err != nil {
		return a, usagef("%v", err)
	}
	return a, nil
}

// codePeriod checks o against a and returns a's time step in seconds.
func codePeriod(a account.Account, o codeOptions) (int64, error) {
	if (o.minLeft > 0 || o.nextUnused) && a.Type == account.HOTP {
		return 0, usagef("--min-left and --next-unused are for time-based codes; %s counts, it has no time steps", a.Title())
	}
	period := int64(a.Period)
	if period <= 0 {
		period = 30
	}
	if o.minLeft >= period {
		return 0, usagef("--min-left %d: a code lives %d s, so ask for less", o.minLeft, period)
	}
	return period, nil
}

// printCode prints a's code at t; fromVault says whose fault a failure is
// (an account given on the command line is bad input).
func printCode(env *Env, a account.Account, t time.Time, fromVault bool) error {
	code, err := a.Code(t)
	if err != nil {
		if !fromVault {
			return usagef("%v", err)
		}
		return fmt.Errorf("%s: %w", a.Title(), err)
	}
	fmt.Fprintln(env.Stdout, code)
	return nil
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

type realClock struct{}

func (realClock) sleep(d time.Duration) { time.Sleep(d) }

// virtualClock serves --at: waiting moves it, nothing sleeps.
type virtualClock struct{ t time.Time }

func (v *virtualClock) now() time.Time        { return v.t }
func (v *virtualClock) sleep(d time.Duration) { v.t = v.t.Add(d) }
