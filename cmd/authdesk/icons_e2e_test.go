//go:build e2e

package main_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestBrandIconsInRealWindow runs Authdesk in a real window with the brand
// icon pack that make icons builds, on the accounts of README's picture:
// the five that simple-icons has show their logos (each drawn once, and
// never again while the codes tick), Microsoft and Example Bank their
// initials. The window is saved as readme-codes.png; make screenshots
// makes it README's picture (assets/screenshot.png).
func TestBrandIconsInRealWindow(t *testing.T) {
	e := newEnv(t)
	pack, err := filepath.Abs(filepath.Join("..", "..", ".cache", "icons"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(pack, "simple-icons.tsv")); err != nil {
		if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
			t.Fatalf("no icon pack (run make icons): %v", err)
		}
		t.Skipf("no icon pack (run make icons): %v", err)
	}
	e.extraEnv = append(e.extraEnv, "AUTHDESK_ICONS="+pack)
	e.runCLI("e2e password\n", "--password-stdin", "init")
	for _, a := range [][]string{
		{"--issuer", "GitHub", "--account", "alice@example.com", "--secret", "JBSWY3DPEHPK3PXP"},
		{"--issuer", "Google", "--account", "alice.liddell@gmail.com", "--secret", "GEZDGNBVGY3TQOJQ"},
		{"--issuer", "Proton Mail", "--account", "alice@proton.me", "--secret", "MFRGGZDFMZTWQ2LK"},
		{"--issuer", "Microsoft", "--account", "alice@outlook.com", "--secret", "KRSXG5CTMVRXEZLU", "--digits", "8"},
		{"--issuer", "Steam", "--account", "alice_gamer", "--secret", "ONSWG4TFOQYTEMZU", "--type", "steam"},
		{"--issuer", "Example Bank", "--account", "card 4242", "--secret", "GEZDGNBVGY3TQOJR", "--type", "hotp", "--counter", "7"},
		{"--issuer", "Hetzner", "--account", "ops@acme.example", "--secret", "NBSWY3DPO5XXE3DE"},
	} {
		e.runCLI("", append([]string{"add"}, a...)...)
	}
	a := e.start()
	a.waitReady(t)
	time.Sleep(time.Second) // the rows drawn
	drawn := a.brandRasters(t)
	if drawn != 5 {
		t.Errorf("drew %d brand icons, want 5 (GitHub, Google, Proton Mail, Steam, Hetzner)", drawn)
	}
	time.Sleep(3 * time.Second) // three ticks of the countdown
	if again := a.brandRasters(t) - drawn; again != 0 {
		t.Errorf("the ticking codes drew %d icons again, want 0", again)
	}
	e.shootWindow(a.wid, "readme-codes")
}
