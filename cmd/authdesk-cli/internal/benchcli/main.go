//go:build unix

// Command benchcli measures authdesk-cli's start-up beside oathtool and an
// empty Go program (the floor of any Go command on this machine), and
// authdesk-cli scan on a 640×480 photo beside ZXingReader, in one run: the
// median wall time (process start to exit) of -runs runs each, the
// commands interleaved so they share the machine's state, with the median
// CPU time (user + system) and peak RSS. It builds authdesk-cli's three
// programs as make build does (CGO_ENABLED=0: authdesk-cli with -tags
// front, which runs help, code --uri and scan FILE itself;
// authdesk-cli-vault with -tags lean, which it runs for the vault's
// commands; authdesk-cli-platform, the full build, for the platform's),
// and the front again with -tags nohugeheap (its heap in 4 KiB pages: what
// internal/hugeheap buys), and prints the machine's load average before and
// after, since a loaded machine stretches every figure. A vault command's
// cost through the front is shown by list on a missing vault (one start-up
// of each program, then an error).
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
	exit  int // the exit status the command must end with
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
	front := build(tmp, "authdesk-cli", "front")
	lean := build(tmp, cli.VaultHelperName, "lean")
	full := build(tmp, cli.HelperName, "")
	// The front without internal/hugeheap, for what huge pages buy.
	small := build(filepath.Join(tmp, "nohuge"), "authdesk-cli", "front,nohugeheap")
	noVault := []string{"--vault", filepath.Join(tmp, "missing.age"), "list"}
	hello := buildHello(filepath.Join(tmp, "hello"))
	const uri = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example\n"
	benches := []bench{
		{"authdesk-cli help", []string{front, "help"}, "", 0},
		{"authdesk-cli code --uri -", []string{front, "code", "--uri", "-"}, uri, 0},
		{"oathtool --totp", []string{"oathtool", "--totp", "-b", "JBSWY3DPEHPK3PXP"}, "", 0},
		{"Go hello world", []string{hello}, "", 0},
		{"authdesk-cli-vault help", []string{lean, "help"}, "", 0},
		{"full build: help", []string{full, "help"}, "", 0},
		{"full build: code --uri -", []string{full, "code", "--uri", "-"}, uri, 0},
		{"authdesk-cli list, no vault", append([]string{front}, noVault...), "", 1},
		{"authdesk-cli-vault list, no vault", append([]string{lean}, noVault...), "", 1},
		{"authdesk-cli scan (photo)", []string{front, "scan", *photo}, "", 0},
		{"full build: scan (photo)", []string{full, "scan", *photo}, "", 0},
		{"no huge pages: help", []string{small, "help"}, "", 0},
		{"no huge pages: scan (photo)", []string{small, "scan", *photo}, "", 0},
		{"ZXingReader (photo)", []string{"ZXingReader", "-format", "QRCode", *photo}, "", 0},
	}
	res := make([][]sample, len(benches))
	for r := -5; r < *runs; r++ { // five warm-up rounds
		for i, b := range benches {
			s := run(tmp, b)
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
		if _ = cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != b.exit {
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

// run runs b once; an unexpected exit status ends the benchmark, since a
// failing command measures nothing. Its standard streams are files (stdin
// and its output in dir), not pipes: with pipes, os/exec copies them in
// goroutines of this program, which compete for the two cores with the
// program measured.
func run(dir string, b bench) sample {
	in, out := filepath.Join(dir, "stdin"), filepath.Join(dir, "output")
	if err := os.WriteFile(in, []byte(b.stdin), 0o600); err != nil {
		log.Fatal(err)
	}
	stdin, err := os.Open(in)
	if err != nil {
		log.Fatal(err)
	}
	defer stdin.Close()
	output, err := os.Create(out)
	if err != nil {
		log.Fatal(err)
	}
	defer output.Close()
	cmd := exec.Command(b.argv[0], b.argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, output, output
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	ps := cmd.ProcessState
	if ps == nil || ps.ExitCode() != b.exit {
		text, _ := os.ReadFile(out)
		log.Fatalf("%s: %v, want exit status %d\n%s", b.name, err, b.exit, text)
	}
	s := sample{wall: wall, cpu: ps.UserTime() + ps.SystemTime()}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		s.faults = ru.Minflt
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
