//go:build front

package cli

// vaultCommands are the commands that open the vault: the front build runs
// them in VaultHelperName.
var vaultCommands = [...]struct{ name, summary string }{
	{"add", addSummary},
	{"backups", backupsSummary},
	{"restore", restoreSummary},
	{"favorite", favoriteSummary},
	{"icon", iconSummary},
	{"init", initSummary},
	{"list", listSummary},
	{"merge", mergeSummary},
	{"passwd", passwdSummary},
	{"remove", removeSummary},
	{"uri", uriSummary},
}

// The front build (authdesk-cli as make build makes it) runs help, code
// --uri and scan FILE itself, the vault's commands in VaultHelperName and
// the platform's in HelperName.
func init() {
	for _, c := range vaultCommands {
		register(c.name, c.summary, helperCommand(c.name, VaultHelperName))
	}
	for _, c := range platformCommands {
		register(c.name, c.summary, helperCommand(c.name, HelperName))
	}
}
