package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestComplexity(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      int
	}{
		{"straight", `func f() { println() }`, 1},
		{"if else", `func f(a bool) { if a { } else if !a { } }`, 3},
		{"loops", `func f(s []int) { for range s { }; for i := 0; i < 3; i++ { } }`, 3},
		{"switch without default", `func f(x int) { switch x { case 1: case 2, 3: default: } }`, 3},
		{"select", `func f(c chan int) { select { case <-c: default: } }`, 2},
		{"and or", `func f(a, b, c bool) bool { return a && b || c }`, 3},
		{"closure counts", `func f(a bool) func() { return func() { if a { } } }`, 2},
		{"type switch", `func f(v any) { switch v.(type) { case int: case string: } }`, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, "x.go", "package x\n"+tc.src, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := fileStats(fset, f)[0].complexity; got != tc.want {
				t.Errorf("complexity %d, want %d", got, tc.want)
			}
		})
	}
}

// The gate reports non-test functions over the limit, with their place,
// and skips test files, testdata and hidden folders.
func TestRunReportsOnlyNonTestCode(t *testing.T) {
	dir := t.TempDir()
	branchy := "package x\nfunc (s *T) Busy(a, b, c bool) {\n\tif a {}\n\tif b {}\n\tif c {}\n}\ntype T struct{}\n"
	for name, src := range map[string]string{
		"x.go":          branchy,
		"x_test.go":     strings.ReplaceAll(branchy, "Busy", "BusyTest"),
		"testdata/y.go": strings.ReplaceAll(branchy, "Busy", "Fixture"),
		".cache/z.go":   strings.ReplaceAll(branchy, "Busy", "Cached"),
		"simple/s.go":   "package simple\nfunc Calm() {}\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var out strings.Builder
	n, err := run(&out, []string{dir}, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || !strings.HasPrefix(out.String(), "4 T.Busy ") || !strings.Contains(out.String(), "x.go:2:1") {
		t.Fatalf("%d reported:\n%s", n, out.String())
	}
	if n, err := run(&out, []string{dir}, 4, nil); err != nil || n != 0 {
		t.Fatalf("at limit 4: %d reported, %v", n, err)
	}
}

// A known exception (FILE:FUNC) is listed but not counted; one that names
// nothing over the limit is named for removal; the same name in another
// file still counts.
func TestRunExceptions(t *testing.T) {
	dir := t.TempDir()
	branchy := "package x\nfunc Busy(a, b, c bool) {\n\tif a {}\n\tif b {}\n\tif c {}\n}\n"
	for name, src := range map[string]string{"x/x.go": branchy, "y/y.go": branchy} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var out strings.Builder
	n, err := run(&out, []string{dir}, 3, []string{"x/x.go:Busy", "z/z.go:Gone"})
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if n != 1 || !strings.Contains(got, "x.go:2:1 (known exception)") || strings.Contains(got, "y.go:2:1 (known") ||
		!strings.Contains(got, "exception z/z.go:Gone is not over 3: remove it") {
		t.Fatalf("%d counted:\n%s", n, got)
	}
}
