//go:build unix

// Command benchcli measures authdesk-cli's start-up beside oathtool, and
// authdesk-cli scan on a 640×480 photo beside ZXingReader, in one run:
// the median wall time (process start to exit) of -runs runs each, the
// commands interleaved so they share the machine's state, with the median
// CPU time (user + system). It builds authdesk-cli as make
// build does (-tags lean, and authdesk-cli-platform beside it) and the
// full build, for comparison.
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
	"strings"
	"time"

	"authdesk/app/cli"
)

type bench struct {
	name  string
	argv  []string
	stdin string
}

type sample struct{ wall, cpu time.Duration }

func main() {
	runs := flag.Int("runs", 50, "runs per command")
	photo := flag.String("photo", "scanner/testdata/photos/photo-000-otpauth.jpg", "a 640×480 photo for scan")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "authdesk-benchcli-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	lean := build(tmp, "authdesk-cli", "lean")
	build(tmp, cli.HelperName, "")
	full := build(filepath.Join(tmp, "full"), "authdesk-cli", "")
	const uri = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example\n"
	benches := []bench{
		{"authdesk-cli help", []string{lean, "help"}, ""},
		{"authdesk-cli code --uri -", []string{lean, "code", "--uri", "-"}, uri},
		{"oathtool --totp", []string{"oathtool", "--totp", "-b", "JBSWY3DPEHPK3PXP"}, ""},
		{"full build: help", []string{full, "help"}, ""},
		{"full build: code --uri -", []string{full, "code", "--uri", "-"}, uri},
		{"authdesk-cli scan (photo)", []string{lean, "scan", *photo}, ""},
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
	fmt.Printf("%d runs each, interleaved; %s\n\n", *runs, *photo)
	fmt.Printf("| %-28s | %-12s | %-12s | %-12s |\n", "command", "median wall", "p90 wall", "median CPU")
	fmt.Printf("|%s|%s|%s|%s|\n", strings.Repeat("-", 30), strings.Repeat("-", 14), strings.Repeat("-", 14), strings.Repeat("-", 14))
	for i, b := range benches {
		walls, cpus := make([]time.Duration, 0, *runs), make([]time.Duration, 0, *runs)
		for _, s := range res[i] {
			walls, cpus = append(walls, s.wall), append(cpus, s.cpu)
		}
		slices.Sort(walls)
		slices.Sort(cpus)
		fmt.Printf("| %-28s | %9.2f ms | %9.2f ms | %9.2f ms |\n", b.name,
			ms(walls[len(walls)/2]), ms(walls[len(walls)*9/10]), ms(cpus[len(cpus)/2]))
	}
}

// build compiles ./cmd/authdesk-cli with tags into dir/name.
func build(dir, name, tags string) string {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Fatal(err)
	}
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-trimpath", "-tags", tags, "-o", out, "./cmd/authdesk-cli")
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
	return sample{wall: wall, cpu: ps.UserTime() + ps.SystemTime()}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
