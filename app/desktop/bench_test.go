package desktop

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"authdesk/vault"
	"authdesk/vault/keychain"
)

// manyAccounts returns n distinct TOTP accounts.
func manyAccounts(n int) []vault.Account {
	accts := make([]vault.Account, n)
	for i := range accts {
		accts[i] = vault.Account{Issuer: fmt.Sprintf("Issuer %d", i%37), Name: fmt.Sprintf("user%03d@example.com", i),
			Secret: []byte(fmt.Sprintf("secret-%08d-xxxxxx", i)), Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30}
	}
	return accts
}

// benchVault creates a keychain-backed vault holding n accounts.
func benchVault(b *testing.B, n int) (string, vault.Options, *vault.Vault) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "vault.age")
	opts := vault.Options{WorkFactor: 10, Keychain: &keychain.Memory{}}
	v, err := vault.Create(path, []byte(testPassword), opts)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := v.Add(manyAccounts(n)...); err != nil {
		b.Fatal(err)
	}
	return path, opts, v
}

// BenchmarkShowCodes500 measures building the codes screen for 500 accounts
// and drawing its first frame (software painter).
func BenchmarkShowCodes500(b *testing.B) {
	path, opts, v := benchVault(b, 500)
	v.Close()
	a := test.NewTempApp(b)
	w := a.NewWindow("bench")
	u := New(a, w, Config{VaultPath: path, Options: opts, noTicker: true,
		spawn: func(f func()) { f() }, afterFunc: func(time.Duration, func()) func() { return func() {} }})
	b.ResetTimer()
	for b.Loop() {
		v, err := vault.Open(path, opts)
		if err != nil {
			b.Fatal(err)
		}
		u.showCodes(v)
		w.Canvas().Capture()
		u.state = stateStarting
		v.Close()
	}
}

// BenchmarkTick measures the once-a-second refresh of the visible rows.
func BenchmarkTick(b *testing.B) {
	path, opts, v := benchVault(b, 200)
	a := test.NewTempApp(b)
	w := a.NewWindow("bench")
	now := t0
	u := New(a, w, Config{VaultPath: path, Options: opts, noTicker: true, now: func() time.Time { return now },
		spawn: func(f func()) { f() }, afterFunc: func(time.Duration, func()) func() { return func() {} }})
	u.showCodes(v)
	w.Canvas().Capture()
	b.ResetTimer()
	for b.Loop() {
		now = now.Add(time.Second)
		u.pace.lastUsed = now
		u.tick()
	}
	b.ReportMetric(float64(len(u.list.rows)), "rows")
}
