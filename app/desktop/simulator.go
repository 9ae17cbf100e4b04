package desktop

import (
	"authdesk/app/desktop/workbench"
	"authdesk/vault"
)

// showPlatform opens the platform simulator's window (Ctrl+P), the tester's
// workbench, or brings it to the front when it is open. Scenarios that enrol
// into the user's own vault refresh the list when they finish.
func (u *UI) showPlatform() {
	if u.tester != nil {
		u.tester.Show()
		return
	}
	u.tester = workbench.Open(workbench.Config{
		App:        u.app,
		VaultPath:  u.cfg.VaultPath,
		Options:    u.cfg.Options,
		PlatformDB: u.cfg.platformDB,
		Decode:     u.cfg.scanner.Bytes,
		UserVault:  func() *vault.Vault { return u.v },
		Enrolled: func() {
			if u.state == stateCodes && u.list != nil {
				u.list.reload("")
			}
		},
		Closed:    func() { u.tester = nil },
		Spawn:     u.cfg.spawn,
		AfterFunc: u.cfg.afterFunc,
	})
}
