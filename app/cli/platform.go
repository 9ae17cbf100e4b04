//go:build !lean && !front

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"authdesk/app/platform"
	"authdesk/app/platform/duration"
)

func init() {
	register("platform", platformSummary, runPlatform)
}

const platformUsage = "usage: authdesk-cli platform serve [--addr 127.0.0.1:0] [--allow-remote] [--host NAME,...] [--trusted-proxy CIDR,...] [--no-local-trust] [--db PATH] [--issuer NAME] [--test-clock] [--reenrol-grace 7d]\n" +
	"       [--reenrol-after 30d] [--remember-for 30d] [--skew 1] [--digits 6|8] [--algorithm SHA1|SHA256|SHA512] [--period 30|60] [--max-code-failures 10] [--for DURATION]"

// runPlatform implements "platform serve": it prints the URL on the first
// line of stdout, serves until SIGINT or SIGTERM (or --for runs out), then
// shuts down cleanly.
func runPlatform(env *Env, g *Globals, args []string) error {
	// Catch signals first, so that an early Ctrl-C still shuts down cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) == 0 || args[0] != "serve" {
		return usagef("%s", platformUsage)
	}
	fs := flag.NewFlagSet("platform serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", "127.0.0.1:0", "listen `ADDRESS` (port 0 picks a free one)")
	db := fs.String("db", "", "SQLite database `PATH` (default: the user data dir)")
	issuer := fs.String("issuer", platform.DefaultIssuer, "platform `NAME`, the issuer in otpauth URIs")
	testClock := fs.Bool("test-clock", false, "let testers move the platform clock (POST /api/test/clock)")
	runFor := fs.Duration("for", 0, "stop after `DURATION` (0: run until interrupted)")
	grace := new(time.Duration)
	*grace = platform.DefaultReenrolGrace
	fs.Var(duration.Value{D: grace}, "reenrol-grace", "how long after the key refresh falls due \"Not now\" is offered, like 7d (0s: never)")
	allowRemote := fs.Bool("allow-remote", false, "allow an --addr other machines can reach")
	def := platform.DefaultPolicy()
	pol := def
	fs.Var(duration.Value{D: &pol.ReenrolAfter}, "reenrol-after", "a confirmed key is due for a refresh this long after its setup, like 30d or 36h")
	fs.Var(duration.Value{D: &pol.RememberFor}, "remember-for", "\"Remember this device\" lasts this long, like 30d or 90m")
	fs.IntVar(&pol.Skew, "skew", def.Skew, "accepted time steps either side of the current one (0-3)")
	fs.IntVar(&pol.Digits, "digits", def.Digits, "code length: 6 or 8")
	fs.StringVar(&pol.Algorithm, "algorithm", def.Algorithm, "HMAC hash of the codes: SHA1, SHA256 or SHA512")
	fs.IntVar(&pol.Period, "period", def.Period, "seconds per code: 30 or 60")
	fs.IntVar(&pol.MaxCodeFailures, "max-code-failures", def.MaxCodeFailures, "wrong codes before each lock (1-100)")
	hosts := fs.String("host", "", "extra Host header `NAMES` (comma-separated) the platform answers to, like qa.example.test:8080")
	proxies := fs.String("trusted-proxy", "", "reverse proxies (`CIDRS`, comma-separated) whose X-Forwarded-For is believed; no request then counts as local")
	noLocalTrust := fs.Bool("no-local-trust", false, "treat loopback like any other address (scoped Outbox, test clock token)")
	if err := fs.Parse(args[1:]); err != nil {
		return usagef("%v\n%s", err, platformUsage)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q\n%s", fs.Arg(0), platformUsage)
	}
	if *runFor < 0 {
		return usagef("--for must not be negative")
	}
	if *issuer == "" {
		return usagef("--issuer must not be empty")
	}
	pol.Algorithm = strings.ToUpper(pol.Algorithm)
	if err := pol.Validate(); err != nil {
		return usagef("%v", err)
	}
	if *grace < 0 {
		return usagef("--reenrol-grace must not be negative")
	}
	if *grace == 0 {
		*grace = -1 // Config: negative is no grace, zero the default
	}
	var extraHosts []string
	for h := range strings.SplitSeq(*hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			extraHosts = append(extraHosts, h)
		}
	}
	var trusted []string
	for p := range strings.SplitSeq(*proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			trusted = append(trusted, p)
		}
	}
	path := *db
	if path == "" {
		p, err := platform.DefaultDBPath(env.Getenv)
		if err != nil {
			return err
		}
		path = p
	}
	logger := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := platform.New(platform.Config{DBPath: path, Issuer: *issuer, TestClock: *testClock, Logger: logger,
		ReenrolGrace: *grace, AllowRemote: *allowRemote, Hosts: extraHosts, Policy: &pol,
		TrustedProxies: trusted, NoLocalTrust: *noLocalTrust})
	if err != nil {
		return fmt.Errorf("%w (check --db)", err)
	}
	url, err := srv.Start(*addr)
	if err != nil {
		srv.Close()
		return fmt.Errorf("%w (check --addr)", err)
	}
	fmt.Fprintln(env.Stdout, url)
	fmt.Fprintf(env.Stderr, "platform %q serving %s (database %s); press Ctrl-C to stop\n", *issuer, url, path)
	if *testClock {
		fmt.Fprintln(env.Stderr, "test clock enabled: POST /api/test/clock {\"advance\":\"30d\"}")
		if srv.ClockTokenNeeded() {
			fmt.Fprintf(env.Stderr, "off loopback moving it needs the header X-Test-Clock-Token: %s\n", srv.TestClockToken())
		}
	}
	if *runFor > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *runFor)
		defer cancel()
	}
	<-ctx.Done()
	reason := "time is up"
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		reason = "signal received"
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "platform stopped (%s)\n", reason)
	return nil
}
