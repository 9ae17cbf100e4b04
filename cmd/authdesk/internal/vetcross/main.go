// Command vetcross runs go vet's analyzers over packages that import Fyne,
// as macOS or Windows sees them, without a C toolchain for either.
// `GOOS=darwin go vet` cannot: Fyne's OpenGL and GLFW packages are cgo that
// needs Apple's SDK; for Windows it needs MinGW and minutes of C (make cross
// does that full build). So this loads the packages (with their tests) from
// source for darwin/arm64 or windows/amd64 with cgo off, where those Fyne
// packages lose their cgo files and fail to type-check; the packages named
// must type-check in full all the same (an error of their own fails the
// run), and get every analyzer of go vet (Go 1.26) that needs no facts from
// the broken packages. printf and lostcancel do (printf's facts of Fyne's
// functions, the control-flow graphs of its packages), so they are skipped
// and said so.
//
//	go run ./cmd/authdesk/internal/vetcross -goos windows [-tags e2e] ./app/desktop ./cmd/authdesk
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/suite/vet"
	"golang.org/x/tools/go/packages"
)

// goVet names the analyzers `go vet` runs (`go tool vet help`, Go 1.26).
var goVet = []string{"appends", "asmdecl", "assign", "atomic", "bools", "buildtag", "cgocall",
	"composites", "copylocks", "defers", "directive", "errorsas", "framepointer", "hostport",
	"httpresponse", "ifaceassert", "loopclosure", "lostcancel", "nilfunc", "printf", "shift",
	"sigchanyzer", "slog", "stdmethods", "stdversion", "stringintconv", "structtag",
	"testinggoroutine", "tests", "timeformat", "unmarshal", "unreachable", "unsafeptr",
	"unusedresult", "waitgroup"}

// needFacts are the analyzers that need results from Fyne's cgo packages.
var needFacts = []string{"printf", "lostcancel"}

func main() {
	goos := flag.String("goos", "darwin", "the system to check for: darwin or windows")
	tags := flag.String("tags", "", "build tags to load the packages with (as go build -tags)")
	flag.Parse()
	if err := run(*goos, *tags, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "vetcross:", err)
		os.Exit(1)
	}
}

// archOf is the architecture each system is checked for.
var archOf = map[string]string{"darwin": "arm64", "windows": "amd64"}

func run(goos, tags string, patterns []string) error {
	arch, ok := archOf[goos]
	if !ok {
		return fmt.Errorf("-goos %q: want darwin or windows", goos)
	}
	cfg := &packages.Config{Mode: packages.LoadAllSyntax, Tests: true,
		Env: append(os.Environ(), "GOOS="+goos, "GOARCH="+arch, "CGO_ENABLED=0", "GOFLAGS=")}
	if tags != "" {
		cfg.BuildFlags = []string{"-tags=" + tags}
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if len(pkgs) == 0 {
		return fmt.Errorf("no packages match %v", patterns)
	}
	failed := false
	for _, p := range pkgs {
		for _, e := range p.Errors {
			fmt.Fprintf(os.Stderr, "%s: %v\n", p.ID, e)
			failed = true
		}
	}
	if failed {
		return fmt.Errorf("the packages do not type-check for %s", goos)
	}
	// A package whose only errors are its dependencies' is analysed.
	packages.Visit(pkgs, nil, func(p *packages.Package) { p.IllTyped = len(p.Errors) > 0 })

	var analyzers []*analysis.Analyzer
	for _, a := range vet.Suite {
		if slices.Contains(goVet, a.Name) && !slices.Contains(needFacts, a.Name) {
			analyzers = append(analyzers, a)
		}
	}
	g, err := checker.Analyze(analyzers, pkgs, nil)
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	n := 0
	for _, act := range g.Roots {
		if act.Err != nil {
			return fmt.Errorf("%s: %s: %w", act.Package.ID, act.Analyzer.Name, act.Err)
		}
		for _, d := range act.Diagnostics {
			fmt.Printf("%s: %s (%s)\n", act.Package.Fset.Position(d.Pos), d.Message, act.Analyzer.Name)
			n++
		}
	}
	if n > 0 {
		return fmt.Errorf("%d findings", n)
	}
	fmt.Printf("vetcross: %d packages (with tests) for %s/%s clean under %d of go vet's %d analyzers; skipped: %v\n",
		len(pkgs), goos, arch, len(analyzers), len(goVet), needFacts)
	return nil
}
