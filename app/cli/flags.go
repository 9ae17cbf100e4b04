package cli

import (
	"errors"
	"flag"
	"io"
)

// parseFlags parses args with fs, allowing flags after positional
// arguments ("code github --at 0"), and returns the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, &helpRequest{fs: fs}
			}
			return nil, usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// helpRequest is returned for "COMMAND -h": Main prints the command's flags
// and exits 0.
type helpRequest struct{ fs *flag.FlagSet }

// Error satisfies error; Main prints the flags instead.
func (h *helpRequest) Error() string { return "help requested" }
