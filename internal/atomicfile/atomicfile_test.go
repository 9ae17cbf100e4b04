package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.json")
	for _, content := range []string{"one", "two, longer"} {
		if err := WriteFile(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil || string(b) != content {
			t.Fatalf("read %q, %v; want %q", b, err, content)
		}
		if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", fi.Mode().Perm())
		}
	}
	// A failed write leaves the old file and no temporary one.
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error { w.Write([]byte("half")); return boom }, Options{})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two, longer" {
		t.Errorf("a failed write changed the file: %q", b)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, TempPattern(path))); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
	// BeforeRename sees the complete file and can stop the write.
	err = Write(path, func(w io.Writer) error { _, err := w.Write([]byte("three")); return err }, Options{
		BeforeRename: func(tmp string) error {
			if b, _ := os.ReadFile(tmp); string(b) != "three" {
				t.Errorf("BeforeRename saw %q", b)
			}
			return boom
		}})
	if !errors.Is(err, boom) {
		t.Fatalf("Write with BeforeRename = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two, longer" {
		t.Errorf("a stopped write changed the file: %q", b)
	}
}

// TestKeep: with Keep, a file that exists is kept and no error is given.
func TestKeep(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key")
	write := func(s string) error {
		return Write(path, func(w io.Writer) error { _, err := io.WriteString(w, s); return err }, Options{Keep: true})
	}
	if err := write("first"); err != nil {
		t.Fatal(err)
	}
	if err := write("second"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Errorf("Keep replaced the file: %q", b)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, TempPattern(path))); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

// TestOthersCannotRead: the file is 0600 even with a permissive umask,
// and replacing a 0644 file leaves a 0600 one.
func TestOthersCannotRead(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	path := filepath.Join(t.TempDir(), "export.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("secret")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}
