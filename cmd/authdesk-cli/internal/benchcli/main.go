//go:build unix

// Command benchcli measures authdesk-cli's start-up beside oathtool and an
// empty Go program (the floor of any Go command on this machine), and
// authdesk-cli scan on a 640×480 photo beside ZXingReader, in one run: the
// median wall time (process start to exit) of -runs runs each, the
// commands interleaved so they share the machine's state, with the median
// CPU time (user + system) and peak RSS. It builds authdesk-cli as make
// build does (CGO_ENABLED=0, -tags lean, and the full build beside it as
// authdesk-cli-platform, which the lean one runs for import, export, sync,
// follow, platform, journey and scan --screen/--clipboard; it scans files
// itself), and the lean build again with -tags nohugeheap (its heap in
// 4 KiB pages: what internal/hugeheap buys), and prints the machine's load average
// before and after, since a loaded machine stretches every figure.
//
//	go run ./cmd/authdesk-cli/internal/benchcli [-runs 50] [-photo FILE]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"authdesk/app/cli"
	"authdesk/internal/loadavg"
)

type bench struct {
	name  string
	argv  []string
	stdin string
}

type sample struct {
	wall, cpu time.Duration
	faults    int64 // minor page faults: what start-up costs here, steady under load
}

func main() {
	runs := flag.Int("runs", 50, "runs per command")
	photo := flag.String("photo", "scanner/testdata/photos/photo-000-otpauth.jpg", "a 640×480 photo for scan")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "authdesk-benchcli-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	fmt.Printf("load average before: %s\n", loadavg.Read())
	lean := build(tmp, "authdesk-cli", "lean")
	full := build(tmp, cli.HelperName, "")
	// The lean build without internal/hugeheap, for what huge pages buy.
	small := build(filepath.Join(tmp, "nohuge"), "authdesk-cli", "lean,nohugeheap")
	hello := buildHello(filepath.Join(tmp, "hello"))
	const uri = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example\n"
	benches := []bench{
		{"authdesk-cli help", []string{lean, "help"}, ""},
		{"authdesk-cli code --uri -", []string{lean, "code", "--uri", "-"}, uri},
		{"oathtool --totp", []string{"oathtool", "--totp", "-b", "JBSWY3DPEHPK3PXP"}, ""},
		{"Go hello world", []string{hello}, ""},
		{"full build: help", []string{full, "help"}, ""},
		{"full build: code --uri -", []string{full, "code", "--uri", "-"}, uri},
		{"authdesk-cli scan (photo)", []string{lean, "scan", *photo}, ""},
		{"full build: scan (photo)", []string{full, "scan", *photo}, ""},
		{"no huge pages: help", []string{small, "help"}, ""},
		{"no huge pages: scan (photo)", []string{small, "scan", *photo}, ""},
		{"ZXingReader (photo)", []string{"ZXingReader", "-format", "QRCode", *photo}, ""},
	}
	res := make([][]sample, len(benches))
	for r := -5; r < *runs; r++ { // five warm-up rounds
		for i, b := range benches {
			s := run(b)
			if r >= 0 {
				res[i] = append(res[i], s)
			}
		}
	}
	fmt.Printf("load average after:  %s\n", loadavg.Read())
	fmt.Printf("%d runs each, interleaved; %s\n\n", *runs, *photo)
	fmt.Printf("| %-28s | %-12s | %-12s | %-12s | %-11s | %-9s |\n", "command", "median wall", "p90 wall", "median CPU", "page faults", "max RSS")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 30), strings.Repeat("-", 14), strings.Repeat("-", 14), strings.Repeat("-", 14), strings.Repeat("-", 13), strings.Repeat("-", 11))
	for i, b := range benches {
		walls, cpus, faults := make([]time.Duration, 0, *runs), make([]time.Duration, 0, *runs), make([]int64, 0, *runs)
		for _, s := range res[i] {
			walls, cpus, faults = append(walls, s.wall), append(cpus, s.cpu), append(faults, s.faults)
		}
		slices.Sort(walls)
		slices.Sort(cpus)
		slices.Sort(faults)
		fmt.Printf("| %-28s | %9.2f ms | %9.2f ms | %9.2f ms | %11d | %6.1f MB |\n", b.name,
			ms(walls[len(walls)/2]), ms(walls[len(walls)*9/10]), ms(cpus[len(cpus)/2]), faults[len(faults)/2], maxRSS(b))
	}
}

// maxRSS is the median peak resident set of five runs of b, in MB, as
// /usr/bin/time reports it (0 without it). Go's os/exec starts children
// with vfork, whose own rusage counts this program's memory.
func maxRSS(b bench) float64 {
	var kib []int
	for range 5 {
		cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M", "-o", "/dev/stderr"}, b.argv...)...)
		cmd.Stdin = strings.NewReader(b.stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return 0
		}
		lines := strings.Fields(stderr.String())
		if len(lines) == 0 {
			return 0
		}
		n, err := strconv.Atoi(lines[len(lines)-1])
		if err != nil {
			return 0
		}
		kib = append(kib, n)
	}
	slices.Sort(kib)
	return float64(kib[len(kib)/2]) / 1024
}

// buildHello compiles an empty Go program (it writes one line) into dir,
// the floor any Go command's start-up stands on.
func buildHello(dir string) string {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Fatal(err)
	}
	files := map[string]string{
		"go.mod":  "module hello\n\ngo 1.22\n",
		"main.go": "package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hello\\n\") }\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			log.Fatal(err)
		}
	}
	cmd := exec.Command("go", "build", "-trimpath", "-o", "hello", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		log.Fatalf("go build hello: %v\n%s", err, b)
	}
	return filepath.Join(dir, "hello")
}

// build compiles ./cmd/authdesk-cli with tags into dir/name.
func build(dir, name, tags string) string {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Fatal(err)
	}
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-trimpath", "-tags", tags, "-o", out, "./cmd/authdesk-cli")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		log.Fatalf("go build -tags %q: %v\n%s", tags, err, b)
	}
	return out
}

// run runs b once; a failure ends the benchmark, since a failing command
// measures nothing.
func run(b bench) sample {
	cmd := exec.Command(b.argv[0], b.argv[1:]...)
	cmd.Stdin = strings.NewReader(b.stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		log.Fatalf("%s: %v\n%s", b.name, err, out.Bytes())
	}
	ps := cmd.ProcessState
	s := sample{wall: wall, cpu: ps.UserTime() + ps.SystemTime()}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		s.faults = ru.Minflt
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
