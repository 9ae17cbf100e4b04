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
	corpus := flag.String("corpus", "scanner/testdata/corpus", "corpus directory with manifest.json")
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

	all, err := manifest.Read(*corpus)
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
		log.Fatalf("no file in %s matches %q", *corpus, *match)
	}
	tmp, err := os.MkdirTemp("", "authdesk-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	build := func(name string, tags string) string {
		bin := filepath.Join(tmp, name)
		if out, err := exec.Command("go", "build", "-tags", tags, "-o", bin, "./cmd/authdesk-cli").CombinedOutput(); err != nil {
			log.Fatalf("build authdesk-cli -tags %q: %v\n%s", tags, err, out)
		}
		return bin
	}
	cli := build("authdesk-cli", "")
	tools := []tool{
		{"authdesk-cli scan", func(f string) []string { return []string{cli, "scan", f} }, lines},
		{"ZXingReader", func(f string) []string { return []string{"ZXingReader", "-format", "QRCode", f} }, func(b []byte) []string {
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
		}},
		{"zbarimg", func(f string) []string {
			return []string{"zbarimg", "-q", "--raw", "--nodbus", "-Sdisable", "-Sqrcode.enable", f}
		}, lines},
	}
	if *tags != "" {
		tagged := build("authdesk-cli-tagged", *tags)
		tools = slices.Insert(tools, 1, tool{"ours -tags " + *tags, func(f string) []string { return []string{tagged, "scan", f} }, lines})
	}
	tools = slices.DeleteFunc(tools, func(t tool) bool {
		return slices.Contains(strings.Split(*skip, ","), strings.Fields(t.name)[0])
	})
	res := make([][][]sample, len(tools)) // tool, file, run
	for t := range tools {
		res[t] = make([][]sample, len(es))
	}
	for i, e := range es {
		path := filepath.Join(*corpus, e.File)
		for r := 0; r < *runs; r++ {
			for t, tl := range tools {
				res[t][i] = append(res[t][i], run(tl, path, e.Payloads))
			}
		}
	}

	size := func(e manifest.Entry) string {
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
	fmt.Printf("corpus %s: %d files, %d runs each\n\n", *corpus, len(es), *runs)
	if *verbose {
		for i, e := range es {
			fmt.Printf("%-36s %-7s", e.File, size(e))
			for t, tl := range tools {
				fmt.Printf("  %s %6.1f ms (CPU %6.1f ms)", tl.name, ms(medianOf(res[t][i])), ms(medianCPU(res[t][i])))
			}
			fmt.Println()
		}
		fmt.Println()
	}
	fmt.Printf("| %-18s | %-9s | %-14s | %-12s | %-12s | %-12s | %-13s |\n", "tool", "decoded", "median (all)", "median ≤1080p", "median 1440p", "median 4K", "peak RSS max")
	fmt.Printf("|%s|%s|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 20), strings.Repeat("-", 11), strings.Repeat("-", 16), strings.Repeat("-", 14), strings.Repeat("-", 14), strings.Repeat("-", 14), strings.Repeat("-", 15))
	for t, tl := range tools {
		ok := 0
		var all []time.Duration
		bySize := map[string][]time.Duration{}
		var maxRSS int64
		for i, e := range es {
			if res[t][i][0].ok {
				ok++
			}
			med := medianOf(res[t][i])
			all = append(all, med)
			bySize[size(e)] = append(bySize[size(e)], med)
			for _, s := range res[t][i] {
				maxRSS = max(maxRSS, s.rss)
			}
		}
		fmt.Printf("| %-18s | %4d/%-4d | %11.1f ms | %9.1f ms | %9.1f ms | %9.1f ms | %9.1f MiB |\n", tl.name, ok, len(es),
			ms(median(all)), ms(median(bySize["≤1080p"])), ms(median(bySize["1440p"])), ms(median(bySize["4K"])), float64(maxRSS)/1024)
	}

	// CPU time (user + system) per file: what the tools cost when the
	// machine is shared and wall times say more about the neighbours.
	fmt.Println()
	for t, tl := range tools {
		bySize := map[string][]time.Duration{}
		for i, e := range es {
			bySize[size(e)] = append(bySize[size(e)], medianCPU(res[t][i]))
		}
		fmt.Printf("median CPU time, %s: ≤1080p %.1f ms, 1440p %.1f ms, 4K %.1f ms\n", tl.name,
			ms(median(bySize["≤1080p"])), ms(median(bySize["1440p"])), ms(median(bySize["4K"])))
	}

	// Peak RSS on 4K files only, the acceptance figure.
	fmt.Println()
	for t, tl := range tools {
		var m int64
		for i, e := range es {
			if size(e) == "4K" {
				for _, s := range res[t][i] {
					m = max(m, s.rss)
				}
			}
		}
		fmt.Printf("peak RSS on 4K files, %s: %.1f MiB\n", tl.name, float64(m)/1024)
	}

	// Decode rate per category.
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
	// Files a tool missed, for the curious.
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
