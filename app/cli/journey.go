//go:build !lean && !front

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"authdesk/app/journey"
	"authdesk/app/platform"
)

func init() {
	register("journey", journeySummary, runJourney)
}

const journeyUsage = "usage: authdesk-cli journey [--url URL] [--scenario NAME]... [--report DIR] [--list]"

// names is a repeatable string flag.
type names []string

func (n *names) String() string { return strings.Join(*n, ",") }

func (n *names) Set(v string) error {
	*n = append(*n, v)
	return nil
}

// runJourney runs the scenarios against --url, or against an embedded
// platform with its test clock. Exit 0: all passed (skips allowed); 1: a
// step failed; 2: bad usage.
func runJourney(env *Env, g *Globals, args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fs := flag.NewFlagSet("journey", flag.ContinueOnError)
	url := fs.String("url", "", "platform `URL` (default: start the embedded platform with its test clock)")
	var picked names
	fs.Var(&picked, "scenario", "run scenario `NAME` (repeatable; default: all)")
	report := fs.String("report", "", "write report.json, report.md and junit.xml into `DIR`")
	list := fs.Bool("list", false, "list the scenarios, one a line, name first")
	if err := parseNoArgs(fs, args); err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			return usagef("%s\n%s", ue.msg, journeyUsage)
		}
		return err
	}
	scenarios, err := journey.Select(picked)
	if err != nil {
		return usagef("%v", err)
	}
	if *list {
		for _, s := range scenarios {
			fmt.Fprintf(env.Stdout, "%-25s %s\n", s.Name, s.Summary)
		}
		return nil
	}
	target := *url
	if target == "" {
		dir, err := os.MkdirTemp("", "authdesk-journey-")
		if err != nil {
			return fmt.Errorf("embedded platform: %w", err)
		}
		defer os.RemoveAll(dir)
		// The run's own users, gone with it: a throwaway hash cost.
		srv, err := platform.New(platform.Config{DBPath: filepath.Join(dir, "platform.db"), TestClock: true, PasswordHash: platform.ThrowawayHashCost})
		if err != nil {
			return fmt.Errorf("embedded platform: %w", err)
		}
		defer srv.Close()
		if target, err = srv.Start("127.0.0.1:0"); err != nil {
			return fmt.Errorf("embedded platform: %w", err)
		}
	}
	rep, err := journey.Run(ctx, journey.Options{URL: target, ClockToken: env.Getenv("AUTHDESK_TEST_CLOCK_TOKEN")}, scenarios)
	if err != nil {
		if strings.Contains(err.Error(), "want http://") {
			return usagef("--url: %v", err)
		}
		return err
	}
	printReport(env.Stdout, rep)
	if *report != "" {
		if err := rep.Save(*report); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "report written to %s\n", *report)
	}
	if !rep.Passed() {
		return &exitError{code: 1}
	}
	return nil
}

// printReport writes one line per scenario and, for a failed one, its
// failed step's expectation and observation.
func printReport(w io.Writer, rep *journey.Report) {
	for _, s := range rep.Scenarios {
		fmt.Fprintf(w, "%-7s %-25s %2d steps %6.2fs", strings.ToUpper(s.Status), s.Name, len(s.Steps), float64(s.MS)/1000)
		if s.Reason != "" {
			fmt.Fprintf(w, "  %s", s.Reason)
		}
		fmt.Fprintln(w)
		for _, st := range s.Steps {
			if st.Status == journey.Failed {
				fmt.Fprintf(w, "        expected: %s\n        observed: %s\n", st.Expected, st.Observed)
			}
		}
	}
	p, f, sk := rep.Counts()
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped in %s against %s (platform clock offset %s)\n",
		p, f, sk, (time.Duration(rep.MS) * time.Millisecond).Round(10*time.Millisecond), rep.Platform,
		(time.Duration(rep.ClockOffsetMS) * time.Millisecond).String())
}
