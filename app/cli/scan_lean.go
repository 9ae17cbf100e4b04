//go:build lean || front

package cli

// scanCaptured runs scan --screen or --clipboard in HelperName: screen
// capture links X11 and D-Bus clients that every command of the lean and
// front builds would initialise, while scanning files needs only the
// scanner.
func scanCaptured(env *Env, g *Globals, args []string, _ bool) error {
	return helperCommand("scan", HelperName)(env, g, args)
}
