package cli

import (
	"errors"
	"flag"
	"fmt"
	"runtime/debug"

	"authdesk/scanner"
)

func init() {
	register("scan", scanSummary, runScan)
}

// runScan prints every payload found, one per line and nothing else on
// stdout, deduplicated across the inputs in the order found. It exits 0
// when at least one payload was printed, 1 with "no QR code found" when
// none was, and 2 when an input is not a readable image (the payloads of
// the other inputs are still printed). A screen or clipboard that cannot
// give us pixels exits 1 with what to do instead.
func runScan(env *Env, g *Globals, args []string) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	screen := fs.Bool("screen", false, "capture every display")
	clip := fs.Bool("clipboard", false, "read the image on the clipboard")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	const usage = "usage: authdesk-cli scan [--screen | --clipboard | FILE...]"
	switch {
	case *screen && *clip, (*screen || *clip) && len(files) > 0:
		return usagef("--screen, --clipboard and FILEs do not go together (%s)", usage)
	case !*screen && !*clip && len(files) == 0:
		return usagef("nothing to scan (%s)", usage)
	}

	if *screen || *clip {
		return scanCaptured(env, g, args, *screen)
	}
	lessGC()
	out := newScanOutput(env)
	var bad []string
	for _, name := range files {
		payloads, err := scanInput(env, name)
		switch {
		case errors.Is(err, scanner.ErrNoQRCode):
		case err != nil:
			bad = append(bad, err.Error())
		default:
			out.emit(payloads)
		}
	}
	return out.finish(bad)
}

// scanGCPercent is the GOGC a scan runs with: a 640×480 photo's scan
// allocates about 0.7 MiB, and at GOGC=100 the garbage that
// cmd/authdesk-cli/internal/hugeheap leaves at start-up (up to 2.3 MiB)
// made it start a collection, which costs 3–7 ms on the benchmarks' VM
// (docs/benchmarks.md). Large screenshots collect half as often.
const scanGCPercent = 200

// lessGC raises GOGC to scanGCPercent, unless it is higher or off.
func lessGC() {
	if prev := debug.SetGCPercent(scanGCPercent); prev < 0 || prev > scanGCPercent {
		debug.SetGCPercent(prev)
	}
}

// scanOutput prints payloads as they are found, each once.
type scanOutput struct {
	env     *Env
	printed map[string]bool
}

func newScanOutput(env *Env) *scanOutput {
	return &scanOutput{env: env, printed: map[string]bool{}}
}

// emit prints the payloads not printed before, one a line.
func (o *scanOutput) emit(payloads []string) {
	for _, p := range payloads {
		if !o.printed[p] {
			o.printed[p] = true
			fmt.Fprintln(o.env.Stdout, p)
		}
	}
}

// finish reports the inputs that were not readable images in bad (the
// last one as the exit status 2), or exits 1 when nothing was printed.
func (o *scanOutput) finish(bad []string) error {
	if len(bad) > 0 {
		for _, msg := range bad[:len(bad)-1] {
			fmt.Fprintf(o.env.Stderr, "authdesk-cli scan: %s\n", msg)
		}
		return usagef("%s", bad[len(bad)-1])
	}
	if len(o.printed) == 0 {
		return &exitError{code: 1, msg: scanner.ErrNoQRCode.Error()}
	}
	return nil
}

// scanInput scans one FILE argument; "-" is standard input.
func scanInput(env *Env, name string) ([]string, error) {
	if name != "-" {
		return scanner.File(name)
	}
	b, err := scanner.Read(env.stdin())
	if err != nil {
		return nil, fmt.Errorf("standard input: %w", err)
	}
	out, err := scanner.Bytes(b)
	if err != nil {
		return nil, fmt.Errorf("standard input: %w", err)
	}
	return out, nil
}
