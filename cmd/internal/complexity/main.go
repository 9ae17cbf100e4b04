// Command complexity is the complexity gate of make check: it prints every
// non-test function in the given folders (recursively; default ".") whose
// cyclomatic complexity is over -over, most complex first, and exits 1 when
// there is one.
//
// -except FILE:FUNC (repeatable) names a known exception: it is listed
// but does not fail the gate, and an exception no longer over the limit is
// named so that its line can go.
//
// It counts as gocyclo does: 1, plus one for each if, for, range, case
// and select case (default clauses excluded), and each && and ||,
// function literals counting towards the function that holds them.
//
//	go run ./cmd/internal/complexity -over 25 [-except scanner/pnggrey.go:pngGrey] .
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	over := flag.Int("over", 25, "report functions whose complexity is over this")
	var except []string
	flag.Func("except", "FILE:FUNC, a known exception that does not fail the gate (repeatable)", func(s string) error {
		if file, fn, ok := strings.Cut(s, ":"); !ok || file == "" || fn == "" {
			return fmt.Errorf("%q is not FILE:FUNC", s)
		}
		except = append(except, s)
		return nil
	})
	flag.Parse()
	roots := flag.Args()
	if len(roots) == 0 {
		roots = []string{"."}
	}
	n, err := run(os.Stdout, roots, *over, except)
	if err != nil {
		fmt.Fprintln(os.Stderr, "complexity:", err)
		os.Exit(2)
	}
	if n > 0 {
		fmt.Fprintf(os.Stderr, "%d function(s) over a cyclomatic complexity of %d: split them by step\n", n, *over)
		os.Exit(1)
	}
}

// stat is one function's complexity.
type stat struct {
	complexity int
	name       string // Recv.Func or Func
	pos        token.Position
}

// run reports the functions over the limit in roots and returns how many,
// not counting the exceptions (FILE:FUNC), which it marks as such.
func run(w io.Writer, roots []string, over int, except []string) (int, error) {
	fset := token.NewFileSet()
	var stats []stat
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != root && skipDir(d.Name()) {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			stats = append(stats, fileStats(fset, f)...)
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	sort.SliceStable(stats, func(i, j int) bool { return stats[i].complexity > stats[j].complexity })
	n := 0
	used := map[string]bool{}
	for _, s := range stats {
		if s.complexity <= over {
			continue
		}
		if e := exception(s, except); e != "" {
			used[e] = true
			fmt.Fprintf(w, "%d %s %s (known exception)\n", s.complexity, s.name, s.pos)
			continue
		}
		fmt.Fprintf(w, "%d %s %s\n", s.complexity, s.name, s.pos)
		n++
	}
	for _, e := range except {
		if !used[e] {
			fmt.Fprintf(w, "exception %s is not over %d: remove it\n", e, over)
		}
	}
	return n, nil
}

// exception is the entry of except (FILE:FUNC) that names s, or "".
func exception(s stat, except []string) string {
	for _, e := range except {
		file, fn, _ := strings.Cut(e, ":")
		name := filepath.ToSlash(s.pos.Filename)
		if fn == s.name && (name == file || strings.HasSuffix(name, "/"+file)) {
			return e
		}
	}
	return ""
}

// skipDir says which folders hold no code of ours: hidden ones (.git,
// .cache), testdata and vendor.
func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor"
}

// fileStats is the complexity of every function declared in f.
func fileStats(fset *token.FileSet, f *ast.File) []stat {
	var out []stat
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		out = append(out, stat{complexity: complexity(fn), name: funcName(fn), pos: fset.Position(fn.Pos())})
	}
	return out
}

// funcName is "Recv.Name" for a method, "Name" for a function.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + fn.Name.Name
		}
		return fn.Name.Name
	}
}

// complexity is fn's cyclomatic complexity.
func complexity(fn ast.Node) int {
	c := 1
	ast.Inspect(fn, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt:
			c++
		case *ast.CaseClause:
			if n.List != nil {
				c++
			}
		case *ast.CommClause:
			if n.Comm != nil {
				c++
			}
		case *ast.BinaryExpr:
			if n.Op == token.LAND || n.Op == token.LOR {
				c++
			}
		}
		return true
	})
	return c
}
