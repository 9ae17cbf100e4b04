package platform

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The store is the only door to SQL, and handlers ask the service, never
// its keys (issue 19, "Layers behind their doors").
func TestLayersBehindDoors(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == "database/sql" && name != "store.go" {
				t.Errorf("%s imports database/sql; only store.go speaks SQL", name)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "keys" && sel.Sel.Name != "store" {
				return true
			}
			if inner, ok := sel.X.(*ast.SelectorExpr); ok && inner.Sel.Name == "svc" {
				t.Errorf("%s: %s reaches into the service's %s", name, fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
