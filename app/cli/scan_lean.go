//go:build lean

package cli

// scanCaptured runs scan --screen or --clipboard in HelperName: screen
// capture links X11 and D-Bus clients that every command of the lean build
// would initialise, while scanning files needs only the scanner.
func scanCaptured(env *Env, g *Globals, args []string, _ bool) error {
	return helperCommand("scan")(env, g, args)
}
