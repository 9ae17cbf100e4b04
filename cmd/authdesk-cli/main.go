// Command authdesk-cli is the headless companion of Authdesk: it manages the
// vault, prints codes, scans screenshots for QR codes and runs the simulated
// MFA platform. Run "authdesk-cli help" for the commands.
package main

import (
	"os"

	"authdesk/app/cli"
	// Huge pages for the heap from the first packages' initialisation on:
	// fewer page faults, which cost most of a short command's time.
	_ "authdesk/cmd/authdesk-cli/internal/hugeheap"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], &cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
