package cli

// Go runs the initialisation of every package linked into a program before
// main, so in one binary every command pays for every other command's
// packages: `authdesk-cli help` paid for SQLite (modernc's C library
// translated to Go), net/http and html/template (platform, journey),
// gozxing's Reed–Solomon tables, x/text's charset index and x/image's
// decoders (scan, import), protobuf, which hashes the executable at start-up
// (import, export), and fsnotify with the replica's patterns (sync).
//
// Built with -tags lean (make build), authdesk-cli links only the vault,
// the scanner and the commands that need nothing more (help, code, list,
// add, scan FILE, ...), and runs the commands in helperCommands (and scan
// --screen and --clipboard, whose X11 and D-Bus clients it leaves out) by
// executing authdesk-cli-platform, the full build, installed beside it.
// The scanner is in since a scan in the helper paid for two process
// start-ups, while its initialisation (gozxing's Reed–Solomon tables,
// x/text's charset index) costs every other command about 65 page faults
// (docs/benchmarks.md, authdesk-cli start-up). A plain `go build` still makes the
// full program that needs no helper. cmd/authdesk-cli's TestLeanDeps
// keeps the heavy packages out of the lean build.

// The summaries of the commands the lean build leaves to the helper, shared
// by the full build's registrations and the lean build's stand-ins.
const (
	platformSummary = "run the simulated MFA platform: platform serve [--addr A] [--db PATH] [--issuer NAME] [--test-clock]"
	journeySummary  = "run the MFA journey scenarios: journey [--url URL] [--scenario NAME]... [--report DIR] [--list]"
	scanSummary     = "print the QR code payloads in image FILEs (- for stdin), on the screen (--screen) or the clipboard (--clipboard)"
	importSummary   = "import accounts from FILE or - (stdin): otpauth:// lists, Google Authenticator, Aegis, 2FAS, andOTP, Bitwarden"
	exportSummary   = "export every account, secrets included: otpauth URIs, Aegis, Google Authenticator (--format)"
	followSummary   = "follow a phone's Aegis or 2FAS backups one way: --folder DIR [--once] [--apply] [--import-password-file F] [--remember-password]"
	syncSummary     = "keep the vault in step with its replica in a synced folder: --folder DIR [--once]; joins from the replica when there is no vault yet"
)

// HelperName is the program the lean build runs for the commands in
// helperCommands (lazy_lean.go): a full authdesk-cli build under that name, beside
// authdesk-cli.
const HelperName = "authdesk-cli-platform"
