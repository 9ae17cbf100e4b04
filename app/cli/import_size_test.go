//go:build !front

package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"authdesk/vault/transfer"
)

// TestImportTooLarge: a 33 MiB file (and the same on standard input) is
// refused with exit 2 and transfer's one message, the one the desktop app
// shows too; the vault is untouched.
func TestImportTooLarge(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(dir, "no-bus"))
	vaultPath := filepath.Join(dir, "vault.age")
	if code := Main([]string{"--vault", vaultPath, "--password-stdin", "init"},
		&Env{Stdin: strings.NewReader("correct horse battery\n"), Stdout: io.Discard, Stderr: io.Discard}); code != 0 {
		t.Fatalf("init exited %d", code)
	}
	// A real otpauth list padded to 33 MiB: no size would make it bad
	// input but its size.
	big := []byte("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP\n")
	big = append(big, bytes.Repeat([]byte("#\n"), (33<<20-len(big))/2)...)
	file := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(file, big, 0o600); err != nil {
		t.Fatal(err)
	}
	const want = "authdesk-cli import: too large: the file is larger than 32 MiB, the most Authdesk reads; an export or a screenshot is far smaller\n"
	for _, tt := range []struct {
		name  string
		args  []string
		stdin io.Reader
	}{
		{"file", []string{"import", file}, strings.NewReader("correct horse battery\n")},
		{"stdin", []string{"import", "-"}, io.MultiReader(strings.NewReader("correct horse battery\n"), bytes.NewReader(big))},
	} {
		var stderr bytes.Buffer
		code := Main(append([]string{"--vault", vaultPath, "--password-stdin"}, tt.args...),
			&Env{Stdin: tt.stdin, Stdout: io.Discard, Stderr: &stderr})
		// The stdin case opens the vault first, which may add a keychain note.
		if code != 2 || !strings.HasSuffix(stderr.String(), "\n"+want) && stderr.String() != want {
			t.Errorf("%s: exit %d, stderr %q; want 2, %q", tt.name, code, stderr.String(), want)
		}
	}
	if !strings.Contains(want, "too large: the file is larger than 32 MiB") || transfer.MaxSize != 32<<20 {
		t.Fatal("the limit moved: update this test")
	}
	var out bytes.Buffer
	if code := Main([]string{"--vault", vaultPath, "--password-stdin", "list"},
		&Env{Stdin: strings.NewReader("correct horse battery\n"), Stdout: &out, Stderr: io.Discard}); code != 0 || out.Len() != 0 {
		t.Errorf("the vault changed: exit %d, %q", code, out.String())
	}
}
