// Package app groups Authdesk's four programs-in-a-package, each a sibling
// with one job; this folder holds no code of its own:
//
//   - app/desktop: the Fyne desktop authenticator (the only one that imports
//     Fyne).
//   - app/cli: authdesk-cli, the headless companion.
//   - app/platform: the simulated SaaS platform whose MFA journey testers
//     walk, served on loopback.
//   - app/journey: the scenario runner that walks that journey through the
//     platform's JSON API.
//
// Dependencies point one way: cmd → app/* → vault, scanner.
package app
