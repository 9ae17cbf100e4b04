package cli

// The platform and journey commands carry the simulated platform: SQLite
// (modernc's C library translated to Go), net/http, html/template. Go runs
// the initialisation of every package linked into a program before main,
// so in one binary every command pays for them, `authdesk-cli help` and
// `code` included: about half of the start-up (README, CLI start-up).
// Built with -tags lean (make build), authdesk-cli leaves them out and
// runs these two commands by executing authdesk-cli-platform, the full
// build, installed beside it; a plain `go build` still makes the full
// program that needs no helper.

// The summaries of the two commands, shared by the full build's
// registrations and the lean build's stand-ins.
const (
	platformSummary = "run the simulated MFA platform: platform serve [--addr A] [--db PATH] [--issuer NAME] [--test-clock]"
	journeySummary  = "run the MFA journey scenarios: journey [--url URL] [--scenario NAME]... [--report DIR] [--list]"
)

// HelperName is the program the lean build runs for platform and journey:
// a full authdesk-cli build under that name, beside authdesk-cli.
const HelperName = "authdesk-cli-platform"
