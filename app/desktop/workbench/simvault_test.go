package workbench

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"authdesk/vault"
	"authdesk/vault/keychain"
)

// TestWorkbenchSimulatorVaultFile: the accounts a scenario enrols go to
// simulator.age beside the user's vault, a real vault file keyed in the
// same keychain that the CLI can open; the user's vault file is unchanged;
// the window names the file as the user knows it, ~/.config/…; a second
// run adds to the same file.
func TestWorkbenchSimulatorVaultFile(t *testing.T) {
	h, tr := openWorkbench(t)
	want := filepath.Join(filepath.Dir(h.cfg.VaultPath), "simulator.age")
	const shown = "~/.config/authdesk/simulator.age"
	if tr.sim.path != want || !strings.Contains(tr.simLabel.Text, shown) || strings.Contains(tr.simLabel.Text, h.cfg.Home) {
		t.Fatalf("simulator path %q, label %q; want %s shown as %s", tr.sim.path, tr.simLabel.Text, want, shown)
	}
	if _, err := os.Stat(want); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the Simulator vault exists before any enrolment: %v", err)
	}
	userBefore, err := os.ReadFile(h.cfg.VaultPath)
	if err != nil {
		t.Fatal(err)
	}

	tr.runScenarios([]string{"first-setup"})
	if r := rowsOf(tr, "first-setup"); len(r) == 0 || r[len(r)-1].status != "passed" {
		t.Fatalf("first-setup: %+v", r)
	}
	fi, err := os.Stat(want)
	if err != nil {
		t.Fatalf("no Simulator vault file: %v (%v)", err, tr.sim.err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("Simulator vault mode %v, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(tr.simLabel.Text, "1 account in "+shown) || !strings.Contains(tr.simLabel.Text, "authdesk-cli --vault "+shown) {
		t.Errorf("label %q", tr.simLabel.Text)
	}
	userAfter, err := os.ReadFile(h.cfg.VaultPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(userBefore, userAfter) {
		t.Error("the user's vault file changed")
	}

	// Another process (the CLI) opens it with the keychain alone.
	other, err := vault.Open(want, h.cfg.Options)
	if err != nil {
		t.Fatalf("open the Simulator vault as the CLI would: %v", err)
	}
	accts := other.Accounts()
	other.Close()
	if len(accts) != 1 || accts[0].Issuer == "" || len(accts[0].Secret) == 0 {
		t.Fatalf("Simulator vault holds %+v", accts)
	}
	if other.ID() == h.user.ID() {
		t.Error("the Simulator vault shares the user's vault ID (and keychain entry)")
	}

	tr.runScenarios([]string{"manual-key"})
	if n := len(tr.sim.v.Accounts()); n != 2 {
		t.Errorf("after a second run the Simulator vault holds %d accounts, want 2", n)
	}
	// Closed (as the window's close does), the file holds both.
	tr.sim.close()
	v, err := vault.Open(want, h.cfg.Options)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if n := len(v.Accounts()); n != 2 {
		t.Errorf("reopened Simulator vault holds %d accounts", n)
	}
}

// TestSimulatorVaultWithoutKeychain: a Simulator vault whose key the
// keychain will not hold would be unopenable (its password is kept
// nowhere): none is left behind, and the caller is told why.
func TestSimulatorVaultWithoutKeychain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "simulator.age")
	v, err := openSimulatorVault(path, vault.Options{WorkFactor: 10, Keychain: brokenKeychain{}})
	if err == nil {
		v.Close()
		t.Fatal("a Simulator vault without a keychain was made")
	}
	if !errors.Is(err, keychain.ErrUnavailable) || !strings.Contains(err.Error(), "keychain") {
		t.Errorf("error %v does not say the keychain is unavailable", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an unopenable Simulator vault was left: %v", err)
	}
}

// TestSimulatorVaultUnopenable: an existing file that does not open is
// neither overwritten nor replaced.
func TestSimulatorVaultUnopenable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "simulator.age")
	newVault(t, path, nil) // its key is in no keychain
	before, _ := os.ReadFile(path)
	if _, err := openSimulatorVault(path, vault.Options{WorkFactor: 10, Keychain: &keychain.Memory{}}); !errors.Is(err, vault.ErrNeedPassword) {
		t.Errorf("error %v, want ErrNeedPassword", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the existing Simulator vault was changed")
	}
}

// TestHomeRelative: a path under the home directory is shown as ~/…, as a
// shell reads it; on Windows, and outside home, the path is unchanged.
func TestHomeRelative(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the table's home directories are Unix paths")
	}
	for _, tc := range []struct {
		path, home, goos, want string
	}{
		{"/home/alice/.config/authdesk/simulator.age", "/home/alice", "linux", "~/.config/authdesk/simulator.age"},
		{"/home/alice/.config/authdesk/simulator.age", "/home/alice/", "linux", "~/.config/authdesk/simulator.age"},
		{"/Users/alice/Library/Application Support/authdesk/simulator.age", "/Users/alice", "darwin", "~/Library/Application Support/authdesk/simulator.age"},
		{"/home/alicebob/simulator.age", "/home/alice", "linux", "/home/alicebob/simulator.age"},
		{"/srv/vaults/simulator.age", "/home/alice", "linux", "/srv/vaults/simulator.age"},
		{"/simulator.age", "/", "linux", "/simulator.age"},
		{"/home/alice/simulator.age", "", "linux", "/home/alice/simulator.age"},
		{"/home/alice/simulator.age", "home/alice", "linux", "/home/alice/simulator.age"},
		{`C:\Users\alice\AppData\Roaming\authdesk\simulator.age`, `C:\Users\alice`, "windows", `C:\Users\alice\AppData\Roaming\authdesk\simulator.age`},
	} {
		if got := homeRelative(tc.path, tc.home, tc.goos); got != tc.want {
			t.Errorf("homeRelative(%q, %q, %s) = %q, want %q", tc.path, tc.home, tc.goos, got, tc.want)
		}
	}
}
