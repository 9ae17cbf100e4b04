// Command authdesk-cli is the headless companion of Authdesk: it manages the
// vault, prints codes, scans screenshots for QR codes and runs the simulated
// MFA platform. Run "authdesk-cli help" for the commands.
package main

import (
	"os"

	"authdesk/app/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], &cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
