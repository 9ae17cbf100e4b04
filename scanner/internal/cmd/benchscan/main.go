//go:build unix

// Command bench compares authdesk-cli scan with zbarimg (zbar-tools) and
// ZXingReader (zxing-cpp-tools) on a screenshot corpus written by
// ../gencorpus: decode rate, median wall time and peak RSS per tool, overall and
// per screen size, and the decode rate per category.
//
//	go run ./scanner/internal/cmd/benchscan [-corpus DIR] [-runs N] [-match REGEXP] [-tags TAGS] [-skip TOOLS] [-v]
//
// -match keeps the files whose name matches (`\.jpg$`: the JPEG
// screenshots); -tags adds a second authdesk-cli built with those build
// tags, to measure what a fast path behind a tag buys; -skip leaves out
// tools by name (zbarimg); -v prints each file's median wall and CPU time.
//
// Each file is run -runs times per tool, tools interleaved so they share
// the machine's state; a file counts as decoded when the tool printed
// exactly the expected set of payloads. Wall time includes process start,
// as a user experiences it; peak RSS is the child's ru_maxrss, which makes
// this a Unix-only program.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"authdesk/internal/loadavg"
	"authdesk/scanner/internal/manifest"
)

type tool struct {
	name  string
	args  func(file string) []string
	parse func(stdout []byte) []string
}

type sample struct {
	ok   bool
	wall time.Duration
	cpu  time.Duration // user + system, less disturbed than wall time on a busy machine
	rss  int64         // KiB
}

func lines(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if l := sc.Text(); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func main() {
	corpora := flag.String("corpus", "scanner/testdata/corpus", "comma-separated corpus directories, each with a manifest.json")
	runs := flag.Int("runs", 3, "runs per file and tool")
	match := flag.String("match", "", "only the files whose name matches this regular expression")
	tags := flag.String("tags", "", "also run an authdesk-cli built with these build tags")
	skip := flag.String("skip", "", "comma-separated tools to leave out (authdesk-cli, ZXingReader, zbarimg)")
	verbose := flag.Bool("v", false, "print each file's median wall time per tool")
	flag.Parse()
	re, err := regexp.Compile(*match)
	if err != nil {
		log.Fatalf("-match: %v", err)
	}
	tmp, err := os.MkdirTemp("", "authdesk-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	tools := makeTools(tmp, *tags, *skip)
	fmt.Printf("load average before: %s\n", loadavg.Read())
	defer func() { fmt.Printf("\nload average after: %s\n", loadavg.Read()) }()
	for i, dir := range strings.Split(*corpora, ",") {
		es := entries(dir, re)
		res := measure(tools, dir, es, *runs)
		if i > 0 {
			fmt.Println()
		}
		report(tools, dir, es, res, *runs, *verbose)
	}
}

// entries are the manifest entries of dir whose file name matches re.
func entries(dir string, re *regexp.Regexp) []manifest.Entry {
	all, err := manifest.Read(dir)
	if err != nil {
		log.Fatal(err)
	}
	var es []manifest.Entry
	for _, e := range all {
		if re.MatchString(e.File) {
			es = append(es, e)
		}
	}
	if len(es) == 0 {
		log.Fatalf("no file in %s matches %q", dir, re)
	}
	return es
}

// makeTools builds authdesk-cli as make build does (CGO_ENABLED=0,
// -trimpath, -tags front), and a second one with tags when asked, into tmp
// and lists the tools to run, less those in skip.
func makeTools(tmp, tags, skip string) []tool {
	build := func(name string, tags string) string {
		bin := filepath.Join(tmp, name)
		cmd := exec.Command("go", "build", "-trimpath", "-tags", tags, "-o", bin, "./cmd/authdesk-cli")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			log.Fatalf("build authdesk-cli -tags %q: %v\n%s", tags, err, out)
		}
		return bin
	}
	// The front build, as make build installs it: it scans files itself.
	cli := build("authdesk-cli", "front")
	tools := []tool{
		{"authdesk-cli scan", func(f string) []string { return []string{cli, "scan", f} }, lines},
		{"ZXingReader", func(f string) []string { return []string{"ZXingReader", "-format", "QRCode", f} }, zxingText},
		{"zbarimg", func(f string) []string {
			return []string{"zbarimg", "-q", "--raw", "--nodbus", "-Sdisable", "-Sqrcode.enable", f}
		}, lines},
	}
	if tags != "" {
		tagged := build("authdesk-cli-tagged", tags)
		tools = slices.Insert(tools, 1, tool{"ours -tags " + tags, func(f string) []string { return []string{tagged, "scan", f} }, lines})
	}
	return slices.DeleteFunc(tools, func(t tool) bool {
		return slices.Contains(strings.Split(skip, ","), strings.Fields(t.name)[0])
	})
}

// zxingText is the payloads of ZXingReader's "Text:" lines.
func zxingText(b []byte) []string {
	var out []string
	for _, l := range lines(b) {
		if rest, ok := strings.CutPrefix(l, "Text:"); ok {
			s := strings.TrimSpace(rest)
			if u, err := strconv.Unquote(s); err == nil {
				s = u
			} else {
				s = strings.TrimSuffix(strings.TrimPrefix(s, `"`), `"`)
			}
			out = append(out, s)
		}
	}
	return out
}

// measure runs every tool on every file runs times, the tools interleaved
// so that they share the machine's state: res[tool][file][run].
func measure(tools []tool, dir string, es []manifest.Entry, runs int) [][][]sample {
	res := make([][][]sample, len(tools))
	for t := range tools {
		res[t] = make([][]sample, len(es))
	}
	for i, e := range es {
		path := filepath.Join(dir, e.File)
		for r := 0; r < runs; r++ {
			for t, tl := range tools {
				res[t][i] = append(res[t][i], run(tl, path, e.Payloads))
			}
		}
	}
	return res
}

func sizeOf(e manifest.Entry) string {
	p := e.Width * e.Height
	switch {
	case p >= 3000*2000:
		return "4K"
	case p > 2000*1200:
		return "1440p"
	default:
		return "≤1080p"
	}
}

// report prints the tables of one corpus.
func report(tools []tool, dir string, es []manifest.Entry, res [][][]sample, runs int, verbose bool) {
	fmt.Printf("corpus %s: %d files, %d runs each\n\n", dir, len(es), runs)
	if verbose {
		for i, e := range es {
			fmt.Printf("%-36s %-7s", e.File, sizeOf(e))
			for t, tl := range tools {
				fmt.Printf("  %s %6.1f ms (CPU %6.1f ms)", tl.name, ms(medianOf(res[t][i])), ms(medianCPU(res[t][i])))
			}
			fmt.Println()
		}
		fmt.Println()
	}
	mainTable(tools, es, res)
	fmt.Println()
	for t, tl := range tools {
		bySize := map[string][]time.Duration{}
		var all []time.Duration
		for i, e := range es {
			bySize[sizeOf(e)] = append(bySize[sizeOf(e)], medianCPU(res[t][i]))
			all = append(all, medianCPU(res[t][i]))
		}
		fmt.Printf("median CPU time, %s: all %.1f ms, ≤1080p %.1f ms, 1440p %.1f ms, 4K %.1f ms\n", tl.name,
			ms(median(all)), ms(median(bySize["≤1080p"])), ms(median(bySize["1440p"])), ms(median(bySize["4K"])))
	}
	fmt.Println()
	for t, tl := range tools {
		var m int64
		for i, e := range es {
			if sizeOf(e) == "4K" {
				for _, s := range res[t][i] {
					m = max(m, s.rss)
				}
			}
		}
		if m > 0 {
			fmt.Printf("peak RSS on 4K files, %s: %.1f MiB\n", tl.name, float64(m)/1024)
		}
	}
	categoryTable(tools, es, res)
	misses(tools, es, res)
}

// mainTable is the decode rate, median wall time (overall, per size and
// beside ZXingReader's) and peak RSS per tool.
func mainTable(tools []tool, es []manifest.Entry, res [][][]sample) {
	medians := make([]time.Duration, len(tools))
	zx := -1
	for t, tl := range tools {
		var all []time.Duration
		for i := range es {
			all = append(all, medianOf(res[t][i]))
		}
		medians[t] = median(all)
		if tl.name == "ZXingReader" {
			zx = t
		}
	}
	fmt.Printf("| %-18s | %-9s | %-14s | %-9s | %-12s | %-12s | %-12s | %-13s |\n", "tool", "decoded", "median (all)", "× ZXing", "median ≤1080p", "median 1440p", "median 4K", "peak RSS max")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 20), strings.Repeat("-", 11), strings.Repeat("-", 16), strings.Repeat("-", 11), strings.Repeat("-", 14), strings.Repeat("-", 14), strings.Repeat("-", 14), strings.Repeat("-", 15))
	for t, tl := range tools {
		ok := 0
		bySize := map[string][]time.Duration{}
		var maxRSS int64
		for i, e := range es {
			if res[t][i][0].ok {
				ok++
			}
			bySize[sizeOf(e)] = append(bySize[sizeOf(e)], medianOf(res[t][i]))
			for _, s := range res[t][i] {
				maxRSS = max(maxRSS, s.rss)
			}
		}
		ratio := "—"
		if zx >= 0 && medians[zx] > 0 {
			ratio = fmt.Sprintf("%.2f×", float64(medians[t])/float64(medians[zx]))
		}
		fmt.Printf("| %-18s | %4d/%-4d | %11.1f ms | %9s | %9.1f ms | %9.1f ms | %9.1f ms | %9.1f MiB |\n", tl.name, ok, len(es),
			ms(medians[t]), ratio, ms(median(bySize["≤1080p"])), ms(median(bySize["1440p"])), ms(median(bySize["4K"])), float64(maxRSS)/1024)
	}
}

// categoryTable is the decode rate per category and tool.
func categoryTable(tools []tool, es []manifest.Entry, res [][][]sample) {
	cats := map[string]bool{}
	for _, e := range es {
		for _, c := range e.Categories {
			cats[c] = true
		}
	}
	names := make([]string, 0, len(cats))
	for c := range cats {
		names = append(names, c)
	}
	slices.Sort(names)
	fmt.Printf("\n| %-12s |", "category")
	for _, tl := range tools {
		fmt.Printf(" %-18s |", tl.name)
	}
	fmt.Printf("\n|%s|", strings.Repeat("-", 14))
	for range tools {
		fmt.Printf("%s|", strings.Repeat("-", 20))
	}
	fmt.Println()
	for _, c := range names {
		fmt.Printf("| %-12s |", c)
		for t := range tools {
			ok, n := 0, 0
			for i, e := range es {
				if slices.Contains(e.Categories, c) {
					n++
					if res[t][i][0].ok {
						ok++
					}
				}
			}
			fmt.Printf(" %8d/%-9d |", ok, n)
		}
		fmt.Println()
	}
}

// misses lists the files each tool missed, for the curious.
func misses(tools []tool, es []manifest.Entry, res [][][]sample) {
	for t, tl := range tools {
		var miss []string
		for i, e := range es {
			if !res[t][i][0].ok {
				miss = append(miss, e.File)
			}
		}
		if len(miss) > 0 {
			fmt.Printf("\n%s missed: %s\n", tl.name, strings.Join(miss, " "))
		}
	}
}

func run(tl tool, path string, want []string) sample {
	args := tl.args(path)
	cmd := exec.Command(args[0], args[1:]...)
	var out bytes.Buffer
	cmd.Stdout = &out
	start := time.Now()
	_ = cmd.Run() // a non-zero exit is a miss, seen in the output
	wall := time.Since(start)
	var (
		rss int64
		cpu time.Duration
	)
	if ps := cmd.ProcessState; ps != nil {
		rss = peakRSS(ps)
		cpu = ps.UserTime() + ps.SystemTime()
	}
	got := tl.parse(out.Bytes())
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	g = slices.Compact(g)
	slices.Sort(w)
	return sample{ok: slices.Equal(g, w), wall: wall, cpu: cpu, rss: rss}
}

func medianOf(s []sample) time.Duration {
	d := make([]time.Duration, len(s))
	for i, x := range s {
		d[i] = x.wall
	}
	return median(d)
}

func medianCPU(s []sample) time.Duration {
	d := make([]time.Duration, len(s))
	for i, x := range s {
		d[i] = x.cpu
	}
	return median(d)
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	d = slices.Clone(d)
	slices.Sort(d)
	if len(d)%2 == 1 {
		return d[len(d)/2]
	}
	return (d[len(d)/2-1] + d[len(d)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
