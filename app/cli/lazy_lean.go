//go:build lean

package cli

// The lean build (VaultHelperName) runs the platform's commands in
// HelperName.
func init() {
	for _, c := range platformCommands {
		register(c.name, c.summary, helperCommand(c.name, HelperName))
	}
}
