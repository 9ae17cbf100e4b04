//go:build !front

package cli

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestImportPromptsOnTerminal: an encrypted export without
// --import-password-file asks for its password on the terminal, before the
// vault's, and imports.
func TestImportPromptsOnTerminal(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(dir, "no-bus")) // no keychain: the vault asks too
	vaultPath := filepath.Join(dir, "vault.age")
	if code := Main([]string{"--vault", vaultPath, "--password-stdin", "init"},
		&Env{Stdin: strings.NewReader("hunter2hunter2\n"), Stdout: io.Discard, Stderr: io.Discard}); code != 0 {
		t.Fatalf("init exited %d", code)
	}
	master, slave := openPTY(t)
	var (
		mu     sync.Mutex
		screen bytes.Buffer
	)
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := master.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	expect := func(s string) {
		t.Helper()
		for range 2000 {
			mu.Lock()
			ok := strings.Contains(screen.String(), s)
			mu.Unlock()
			if ok {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("terminal never showed %q; it shows %q", s, screen.String())
	}
	file := filepath.Join("..", "..", "vault", "transfer", "testdata", "aegis_encrypted.json")
	var out bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"--vault", vaultPath, "import", file}, &Env{Stdin: slave, Stdout: &out, Stderr: slave})
	}()
	expect("Password of " + file + ": ")
	master.Write([]byte("Passwört 1\n"))
	expect("Vault password: ")
	master.Write([]byte("hunter2hunter2\n"))
	select {
	case code := <-done:
		if code != 0 || out.String() != "imported 8, skipped 0 duplicates\nskipped entry 9, Yandex (ya): Yandex codes are not supported\n" {
			t.Fatalf("exit %d, stdout %q", code, out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("import did not finish")
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(screen.String(), "Passwört") {
		t.Error("the export password was echoed")
	}
}
