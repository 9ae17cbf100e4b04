package cli

// Go runs the initialisation of every package linked into a program before
// main, so in one binary every command pays for every other command's
// packages: `authdesk-cli help` paid for SQLite (modernc's C library
// translated to Go), net/http and html/template (platform, journey),
// protobuf, which hashes the executable at start-up (import, export),
// fsnotify (sync), and for the vault's age, scrypt, Argon2 and the
// keychain's D-Bus client, none of which help needs.
//
// So make build makes three programs from this package:
//
//   - authdesk-cli, with -tags front: help, code --uri (without
//     --next-unused) and scan FILE, which need only vault/account,
//     vault/otpauth and the scanner; it runs every other command in one of
//     the two below, installed beside it (helper.go, lazy_front.go).
//   - authdesk-cli-vault (VaultHelperName), with -tags lean: the vault's
//     commands (code NAME, list, add, init, passwd, merge, backups, icon…)
//     and scan FILE; the platform's in the full build (lazy_lean.go).
//   - authdesk-cli-platform (HelperName), the full build: everything.
//
// A plain `go build` makes the full program, which needs no helper.
// Measured in docs/benchmarks.md (authdesk-cli start-up);
// cmd/authdesk-cli's TestLeanDeps keeps each build free of what it must
// not link, and TestLeanBuild checks that all three answer alike.

// The summaries of the commands, shared by each build's registrations and
// the stand-ins of the builds that run a command in a helper.
const (
	addSummary      = "add an account: --uri URI, or --issuer I --account A --secret KEY [...]; \"-\" reads URI or KEY from stdin"
	backupsSummary  = "list the vault's automatic backups, newest first"
	codeSummary     = "print the current code of account NAME, or of --uri URI|- [--at UNIXSECONDS] [--min-left SECONDS] [--next-unused]"
	favoriteSummary = "star account NAME (--off: unstar it); starred accounts come first in quick access"
	iconSummary     = "print account NAME's icon (auto SLUG, slug SLUG, file MIME BYTES or initials); --slug SLUG, --file FILE, --none or --auto set it"
	initSummary     = "create the vault (password on the terminal or with --password-stdin)"
	listSummary     = "list the accounts: issuer, account and type, tab-separated (no secrets)"
	mergeSummary    = "merge another Authdesk vault FILE into this one (FILE's password on stdin when its key differs)"
	passwdSummary   = "change the vault password and retire the old one (with --password-stdin: current, then new, one per line)"
	removeSummary   = "remove account NAME from the vault"
	restoreSummary  = "replace a damaged vault with BACKUP (see authdesk-cli backups)"
	uriSummary      = "print the otpauth URI of account NAME (secret redacted unless --show-secret)"

	platformSummary = "run the simulated MFA platform: platform serve [--addr A] [--db PATH] [--issuer NAME] [--test-clock]"
	journeySummary  = "run the MFA journey scenarios: journey [--url URL] [--scenario NAME]... [--report DIR] [--list]"
	scanSummary     = "print the QR code payloads in image FILEs (- for stdin), on the screen (--screen) or the clipboard (--clipboard)"
	importSummary   = "import accounts from FILE or - (stdin): otpauth:// lists, Google Authenticator, Aegis, 2FAS, andOTP, Bitwarden"
	exportSummary   = "export every account, secrets included: otpauth URIs, Aegis, Google Authenticator (--format)"
	followSummary   = "follow a phone's Aegis or 2FAS backups one way: --folder DIR [--once] [--apply] [--import-password-file F] [--remember-password]"
	syncSummary     = "keep the vault in step with its replica in a synced folder: --folder DIR [--once]; joins from the replica when there is no vault yet"
)

// HelperName is the program the lean and front builds run for the
// commands in platformCommands (helper.go): a full authdesk-cli build under
// that name, beside authdesk-cli.
const HelperName = "authdesk-cli-platform"

// VaultHelperName is the program the front build runs for the commands that
// open the vault (vaultCommands, lazy_front.go): the lean build under that
// name, beside authdesk-cli.
const VaultHelperName = "authdesk-cli-vault"
