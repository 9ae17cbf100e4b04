package icons

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realPack is the pack `make icons` builds: $AUTHDESK_ICONS, or .cache/icons
// at the top of the module. Without one the test is skipped, unless
// AUTHDESK_REQUIRE_ICONS=1 (make test) makes that a failure.
func realPack(t testing.TB) *Set {
	t.Helper()
	dir := os.Getenv(EnvDir)
	if dir == "" {
		wd, _ := os.Getwd()
		for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				dir = filepath.Join(d, ".cache", "icons")
				break
			}
		}
	}
	l := NewLibrary([]string{dir})
	s, err := l.Set()
	if err != nil {
		t.Fatal(err)
	}
	if l.Dir() == "" {
		msg := "no icon pack in " + dir + ": run `make icons` first"
		if os.Getenv("AUTHDESK_REQUIRE_ICONS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return s
}

// TestMatchRealIssuers matches issuers as services write them (our
// fixtures, then common ones) against the real pack. "" is initials: a
// brand the pack lacks must never get another brand's logo.
func TestMatchRealIssuers(t *testing.T) {
	set := realPack(t)
	for _, c := range []struct{ issuer, slug string }{
		// Our fixtures and tests.
		{"GitHub", "github"},
		{" GitHub ", "github"},
		{"GitLab", "gitlab"},
		{"Google", "google"},
		{"Steam", "steam"},
		{"Mastodon", "mastodon"},
		{"Yubico", "yubico"},
		{"Zulip", "zulip"},
		{"AWS", ""},
		{"Acme", ""},
		{"ACME Co", ""},
		{"Acme Cloud", ""},
		{"Example Bank", ""},
		{"Authdesk Cloud", ""},
		{"S", ""},
		{"x", ""},
		{"Q?&=#%", ""},
		// Common services.
		{"Amazon Web Services", ""},
		{"Amazon", ""},
		{"Microsoft", ""},
		{"Microsoft Account", ""},
		{"Proton Mail", "protonmail"},
		{"ProtonMail", "protonmail"},
		{"Proton", "proton"},
		{"Discord", "discord"},
		{"Epic Games", "epicgames"},
		{"Binance", "binance"},
		{"Binance.com", "binance"},
		{"Dropbox", "dropbox"},
		{"github.com", "github"},
		{"Google (work)", "google"},
		{"accounts.google.com", ""},
		{"Facebook", "facebook"},
		{"Instagram", "instagram"},
		{"Reddit", "reddit"},
		{"PayPal", "paypal"},
		{"Stripe", "stripe"},
		{"Coinbase", "coinbase"},
		{"Bitwarden", "bitwarden"},
		{"1Password", "1password"},
		{"LastPass", "lastpass"},
		{"Nextcloud", "nextcloud"},
		{"Cloudflare", "cloudflare"},
		{"DigitalOcean", "digitalocean"},
		{"Docker Hub", ""},
		{"Docker", "docker"},
		{"npm", "npm"},
		{"PyPI", "pypi"},
		{"Atlassian", "atlassian"},
		{"Bitbucket", "bitbucket"},
		{"Twitch", "twitch"},
		{"TikTok", "tiktok"},
		{"Snapchat", "snapchat"},
		{"Apple", "apple"},
		{"iCloud", "icloud"},
		{"PlayStation", "playstation"},
		{"Ubisoft", "ubisoft"},
		{"Riot Games", "riotgames"},
		{"Roblox", "roblox"},
		{"Evernote", "evernote"},
		{"Notion", "notion"},
		{"Figma", "figma"},
		{"Shopify", "shopify"},
		{"WordPress.com", "wordpress"},
		{"GoDaddy", "godaddy"},
		{"Namecheap", "namecheap"},
		{"OVH", "ovh"},
		{"OVHcloud", ""},
		{"Hetzner", "hetzner"},
		{"Okta", "okta"},
		{"KuCoin", "kucoin"},
		{"Robinhood", "robinhood"},
		{"Revolut", "revolut"},
		{"eBay", "ebay"},
		{"Uber", "uber"},
		{"Tailscale", "tailscale"},
		{"Vercel", "vercel"},
		{"Sentry", "sentry"},
		{"Trello", "trello"},
		{"Kraken", ""},
		{"Slack", ""},
		{"LinkedIn", ""},
		{"Nintendo", ""},
		{"Heroku", ""},
		{"Fastmail", ""},
		{"Adobe", ""},
		{"Twilio", ""},
		{"HP", ""},
		{"EA", ""},
		{"X", ""},
	} {
		got := ""
		if ic, ok := set.Match(c.issuer); ok {
			got = ic.Slug
		}
		if got != c.slug {
			t.Errorf("Match(%q) = %q, want %q", c.issuer, got, c.slug)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"GitHub.com":     "github",
		"Google (work)":  "google",
		"Proton Mail":    "protonmail",
		"  Epic-Games! ": "epicgames",
		"1&1":            "11",
		"(x)":            "",
		"Ämazon":         "ämazon",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSearch(t *testing.T) {
	set := NewSet([]Icon{
		{Slug: "gitlab", Title: "GitLab", Hex: "FC6D26", Path: "M0 0"},
		{Slug: "github", Title: "GitHub", Hex: "181717", Path: "M0 0"},
		{Slug: "legit", Title: "Legit", Hex: "000000", Path: "M0 0"},
	})
	var got []string
	for _, ic := range set.Search("Git", 10) {
		got = append(got, ic.Slug)
	}
	if strings.Join(got, ",") != "github,gitlab,legit" {
		t.Errorf("Search(Git) = %v, want the prefixes first by title, then the rest", got)
	}
	if n := len(set.Search("git", 1)); n != 1 {
		t.Errorf("Search with max 1 gave %d", n)
	}
}

// TestLibraryWithoutPack: no pack anywhere is no error, and an empty set
// (every account shows initials).
func TestLibraryWithoutPack(t *testing.T) {
	l := NewLibrary([]string{filepath.Join(t.TempDir(), "none")})
	s, err := l.Set()
	if err != nil || s.Len() != 0 || l.Dir() != "" {
		t.Fatalf("Set() = %d icons, %v, dir %q; want none, no error", s.Len(), err, l.Dir())
	}
	if _, ok := s.Match("GitHub"); ok {
		t.Error("an empty set matched GitHub")
	}
}

func TestLibraryBadPack(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, PackFile), []byte("not a pack\n"), 0o644)
	if _, err := NewLibrary([]string{dir}).Set(); err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("a malformed pack: err %v, want one naming the file", err)
	}
}

func TestDirs(t *testing.T) {
	env := map[string]string{"HOME": "/home/u", "XDG_DATA_DIRS": "/usr/share:relative"}
	getenv := func(k string) string { return env[k] }
	got := Dirs(getenv, "/opt/authdesk/bin/authdesk")
	want := []string{"/home/u/.local/share/authdesk/icons", "/usr/share/authdesk/icons",
		"/opt/authdesk/bin/icons", "/opt/authdesk/share/authdesk/icons"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Dirs = %v\nwant %v", got, want)
	}
	env[EnvDir] = "/tmp/pack"
	if got := Dirs(getenv, "/x/authdesk"); len(got) != 1 || got[0] != "/tmp/pack" {
		t.Errorf("with %s: %v", EnvDir, got)
	}
}

// TestLibraryReady: the first call starts one read and reports not ready;
// after done, the set is there without another read.
func TestLibraryReady(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, PackFile), []byte("# authdesk icons v1 test\ngithub\tGitHub\t181717\tM0 0\n"), 0o644)
	l := NewLibrary([]string{dir})
	var spawned, done int
	sync := func(f func()) { spawned++; f() }
	deferred := []func(){}
	later := func(f func()) { spawned++; deferred = append(deferred, f) }
	if _, ok := l.Ready(later, func() { done++ }); ok {
		t.Fatal("ready before reading")
	}
	if _, ok := l.Ready(later, func() { done++ }); ok || spawned != 1 {
		t.Fatalf("second call: ready %v, %d reads started; want one", ok, spawned)
	}
	for _, f := range deferred {
		f()
	}
	s, ok := l.Ready(sync, func() { done++ })
	if !ok || done != 1 || spawned != 1 || s.Len() != 1 {
		t.Fatalf("after the read: ok %v, done %d, spawned %d, %d icons", ok, done, spawned, s.Len())
	}
}
