// Command authdesk is the Authdesk desktop authenticator: it shows the
// one-time codes of the accounts in an encrypted vault whose key lives in the
// system keychain. "authdesk --vault PATH" opens that vault (default:
// $AUTHDESK_VAULT, else the user config dir); one process runs per vault, and
// a second one raises it. "authdesk --quick" opens the quick-access popup.
// With AUTHDESK_TRACE=1 it prints a line to stderr once the codes are on
// screen, and its brand-icon drawing count at each SIGUSR1.
package main

import (
	"flag"
	"fmt"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"authdesk/app/desktop"
	"authdesk/vault"
	"authdesk/vault/icons"
	"authdesk/vault/keychain"
)

func main() {
	path := flag.String("vault", "", "vault file (default $AUTHDESK_VAULT, else the user config dir)")
	quick := flag.Bool("quick", false, "open the quick-access popup (in the running Authdesk, or start it)")
	flag.Parse()
	req, srv, handed, err := claim(*path, *quick)
	if err != nil {
		fmt.Fprintln(os.Stderr, "authdesk:", err)
		os.Exit(1)
	} else if handed {
		return // the running Authdesk took it
	}
	defer srv.Close()
	cfg := desktop.Config{VaultPath: req.Vault, Options: vault.Options{Keychain: keychain.System{}}, Settled: settled, Quick: *quick, Requests: srv.Actions(),
		Icons: icons.Default()}
	if os.Getenv("AUTHDESK_TRACE") != "" {
		cfg.Trace = os.Stderr
		traceCounters(os.Stderr)
	}
	a := fyneapp.NewWithID("io.authdesk.app")
	a.SetIcon(desktop.Icon)
	desktop.New(a, a.NewWindow(desktop.Title), cfg).ShowAndRun()
}
