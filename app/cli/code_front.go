//go:build front

package cli

// vaultCode runs code for account NAME, and --next-unused, in
// VaultHelperName with code's arguments as given: the front build links
// neither the vault nor the keychain.
func vaultCode(env *Env, g *Globals, args []string, _ codeOptions, _ []string) error {
	return helperCommand("code", VaultHelperName)(env, g, args)
}
