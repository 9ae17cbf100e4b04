// Package journey walks the simulated platform's MFA journey the way a tester
// would with Authdesk beside a browser, as ten scenarios (scenario.go): the
// first setup, the manual key, an invited user, wrong and replayed codes,
// lockout, recovery codes, an admin reset, a remembered device, re-enrolment
// on day 30 and an expired setup. Each step checks the platform's answer,
// body included, and the runs end in JSON, Markdown and JUnit reports.
//
// The GUI's workbench and authdesk-cli journey run them; the package knows
// nothing of Fyne.
package journey

// User is the test identity the journey registers.
type User struct {
	Company, Name, Email, Password string
}
