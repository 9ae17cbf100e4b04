package desktop

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// maxFileLines is the most lines a non-test Go file in app/desktop (and
// its subpackages) may have: past it, a file holds more than one job
// (issue #19).
const maxFileLines = 450

// maxUIFields is the most fields the UI struct may have: state that belongs
// together lives in a small type of its own, with its own methods.
const maxUIFields = 25

// TestDesktopFileSizes keeps every non-test Go file of the desktop app
// under maxFileLines lines.
func TestDesktopFileSizes(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if n := fset.File(f.Pos()).LineCount(); n > maxFileLines {
			t.Errorf("%s has %d lines, more than %d: split it by job", filepath.Join("app/desktop", path), n, maxFileLines)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestUIFields keeps the UI struct at maxUIFields fields or fewer.
func TestUIFields(t *testing.T) {
	ui := reflect.TypeFor[UI]()
	if n := ui.NumField(); n > maxUIFields {
		var names []string
		for i := range n {
			names = append(names, ui.Field(i).Name)
		}
		t.Errorf("UI has %d fields, more than %d: group related ones into a small type that owns their job\n%s",
			n, maxUIFields, strings.Join(names, ", "))
	}
}
