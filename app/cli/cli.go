// Package cli implements authdesk-cli, the headless companion of the desktop
// app: it manages the vault, prints codes, scans images for QR codes and runs
// the simulated platform server.
//
// Exit codes: 0 success, 1 nothing found (scan), 2 bad input; other failures
// (a vault that cannot be opened, I/O errors) exit 1 with a message that says
// what happened and what to do.
package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Env is everything a command may touch outside the process: streams,
// environment variables and the signal context. Tests fill it in.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string

	in *bufio.Reader // Stdin, buffered once so that a password line and data can share it
}

// stdin returns Stdin buffered; every reader of standard input must use it.
func (e *Env) stdin() *bufio.Reader {
	if e.in == nil {
		r := e.Stdin
		if r == nil {
			r = strings.NewReader("")
		}
		e.in = bufio.NewReader(r)
	}
	return e.in
}

// Globals are the flags that go before the subcommand.
type Globals struct {
	Vault         string // --vault PATH (default: AUTHDESK_VAULT, then the user config dir)
	PasswordStdin bool   // --password-stdin: read the password from stdin
}

// command is one subcommand.
type command struct {
	summary string
	run     func(env *Env, g *Globals, args []string) error
}

// commands is filled in by the init functions of the files that implement
// each subcommand, so that each lives in a file of its own.
var commands = map[string]command{}

func register(name, summary string, run func(env *Env, g *Globals, args []string) error) {
	commands[name] = command{summary: summary, run: run}
}

// usageError marks bad input: it exits 2.
type usageError struct{ msg string }

// Error returns the one-line reason printed on stderr.
func (e *usageError) Error() string { return e.msg }

// usagef returns an error that makes the CLI exit 2 with msg on stderr.
func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitError carries an explicit exit code with its message.
type exitError struct {
	code int
	msg  string
}

// Error returns the message printed on stderr ("" prints nothing).
func (e *exitError) Error() string { return e.msg }

// Main runs authdesk-cli with args (without the program name) and returns the
// process exit code.
func Main(args []string, env *Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	fs := flag.NewFlagSet("authdesk-cli", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var g Globals
	fs.StringVar(&g.Vault, "vault", "", "vault file `PATH`")
	fs.BoolVar(&g.PasswordStdin, "password-stdin", false, "read the vault password from standard input")
	help := fs.Bool("help", false, "show help")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(env.Stderr, "authdesk-cli: %v\n", err)
		return 2
	}
	rest := fs.Args()
	if *help || len(rest) == 0 || rest[0] == "help" {
		usage(env.Stderr)
		if *help || (len(rest) > 0 && rest[0] == "help") {
			return 0
		}
		return 2
	}
	if g.Vault == "" {
		g.Vault = env.Getenv("AUTHDESK_VAULT")
	}
	cmd, ok := commands[rest[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "authdesk-cli: unknown command %q (try authdesk-cli help)\n", rest[0])
		return 2
	}
	err := cmd.run(env, &g, rest[1:])
	if err == nil {
		return 0
	}
	msg := strings.TrimSpace(err.Error())
	var ue *usageError
	var ee *exitError
	var hr *helpRequest
	switch {
	case errors.As(err, &hr):
		fmt.Fprintf(env.Stderr, "usage of authdesk-cli %s: %s\n", rest[0], cmd.summary)
		hr.fs.SetOutput(env.Stderr)
		hr.fs.PrintDefaults()
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "authdesk-cli %s: %s\n", rest[0], msg)
		return 2
	case errors.As(err, &ee):
		if msg != "" {
			fmt.Fprintln(env.Stderr, msg)
		}
		return ee.code
	default:
		fmt.Fprintf(env.Stderr, "authdesk-cli %s: %s\n", rest[0], msg)
		return 1
	}
}

// usage prints the commands and their summaries in one write: each write
// is a system call, and help is measured in milliseconds.
func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("usage: authdesk-cli [--vault PATH] [--password-stdin] COMMAND [ARGS]\n\ncommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", n, commands[n].summary)
	}
	io.WriteString(w, b.String())
}
