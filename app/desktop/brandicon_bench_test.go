package desktop

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"authdesk/vault"
	"authdesk/vault/icons"
	"authdesk/vault/keychain"
)

// brandIssuers are issuers the built-in pack has, for the benchmarks.
var brandIssuers = []string{"GitHub", "GitLab", "Google", "Steam", "Discord", "Dropbox", "Binance", "Epic Games",
	"Proton Mail", "Mastodon", "PayPal", "Reddit", "Bitwarden", "Cloudflare", "DigitalOcean", "Docker", "npm", "Twitch",
	"Coinbase", "Facebook", "Instagram", "Okta", "Shopify", "Tailscale", "Vercel", "Sentry", "Trello", "Figma",
	"Notion", "Evernote", "Uber", "eBay", "Robinhood", "Revolut", "KuCoin", "Namecheap", "Hetzner"}

// realIcons is the pack `make icons` builds, or a skip.
func realIcons(b *testing.B) *icons.Library {
	b.Helper()
	dir := os.Getenv(icons.EnvDir)
	if dir == "" {
		dir = filepath.Join("..", "..", ".cache", "icons")
	}
	lib := icons.NewLibrary([]string{dir})
	if set, err := lib.Set(); err != nil || set.Len() == 0 {
		b.Skipf("no icon pack in %s (%v): run make icons", dir, err)
	}
	return lib
}

// BenchmarkBrandRows500 builds the codes screen for 500 accounts with brand
// icons (37 brands, the real pack already read) and draws its first
// frame, then ticks it for a minute: rasters/op is the icons drawn for the
// screen (once per brand and size, on the first build only), tick-rasters
// those drawn by the 60 ticks (none).
func BenchmarkBrandRows500(b *testing.B) {
	lib := realIcons(b)
	path := filepath.Join(b.TempDir(), "vault.age")
	opts := vault.Options{WorkFactor: 10, Keychain: &keychain.Memory{}}
	v, err := vault.Create(path, []byte(testPassword), opts)
	if err != nil {
		b.Fatal(err)
	}
	accts := manyAccounts(500)
	for i := range accts {
		accts[i].Issuer = brandIssuers[i%len(brandIssuers)]
	}
	if _, err := v.Add(accts...); err != nil {
		b.Fatal(err)
	}
	v.Close()
	a := test.NewTempApp(b)
	w := a.NewWindow("bench")
	now := t0
	u := New(a, w, Config{VaultPath: path, Options: opts, noTicker: true, Icons: lib, now: func() time.Time { return now },
		spawn: func(f func()) { f() }, afterFunc: func(time.Duration, func()) func() { return func() {} }})
	start := brandRasters.Load()
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
	b.StopTimer()
	b.ReportMetric(float64(brandRasters.Load()-start)/float64(b.N), "rasters/op")
	v, _ = vault.Open(path, opts)
	defer v.Close()
	u.showCodes(v)
	w.Canvas().Capture()
	before := brandRasters.Load()
	for range 60 {
		now = now.Add(time.Second)
		u.pace.lastUsed = now
		u.tick()
		w.Canvas().Capture()
	}
	b.ReportMetric(float64(brandRasters.Load()-before), "tick-rasters")
	if n := brandRasters.Load() - before; n != 0 {
		b.Errorf("60 ticks drew %d icons, want none", n)
	}
}

// BenchmarkReadPack is reading the real pack, as the app does once, off
// the UI goroutine, the first time a row asks for an icon.
func BenchmarkReadPack(b *testing.B) {
	lib := realIcons(b)
	dir := lib.Dir()
	for b.Loop() {
		if _, err := icons.NewLibrary([]string{dir}).Set(); err != nil {
			b.Fatal(err)
		}
	}
}
