package journey

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"authdesk/internal/atomicfile"
)

// Save writes report.json, report.md and junit.xml into dir
// (created 0700 if missing). Each file is written to a temporary file in
// dir and renamed, so a reader never sees half a report.
func (r *Report) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("report folder: %w", err)
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer, *Report) error
	}{
		{reportFiles[0], writeJSON},
		{reportFiles[1], writeMarkdown},
		{reportFiles[2], writeJUnit},
	} {
		if err := writeFile(filepath.Join(dir, f.name), func(w io.Writer) error { return f.write(w, r) }); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	return atomicfile.Write(path, write, atomicfile.Options{})
}

// writeJSON writes the report as report.json holds it.
func writeJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeMarkdown writes the report for a ticket: a summary, then each
// scenario's steps as a table.
func writeMarkdown(w io.Writer, r *Report) error {
	p, f, s := r.Counts()
	var b strings.Builder
	fmt.Fprintf(&b, "# MFA journey report\n\n")
	fmt.Fprintf(&b, "- Platform: %s\n- Started: %s\n- Took: %s\n", r.Platform, r.Started.Format(time.RFC3339), time.Duration(r.MS)*time.Millisecond)
	fmt.Fprintf(&b, "- Result: **%d passed, %d failed, %d skipped**\n", p, f, s)
	fmt.Fprintf(&b, "- Clock: the platform's Date header is %s from this machine's clock", offsetText(r.ClockOffsetMS))
	if abs(r.ClockOffsetMS) > 10_000 {
		b.WriteString(" — **too far: codes may be refused**")
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "- Test clock: %v; policy (%s): %d digits, %ds, %s, skew %d, re-enrol after %s, remember for %s, lock after %d wrong codes\n\n",
		yesNo(r.TestClock), r.PolicySource, r.Policy.Digits, r.Policy.Period, r.Policy.Algorithm, r.Policy.Skew,
		seconds(r.Policy.ReenrolAfterSeconds), seconds(r.Policy.RememberForSeconds), r.Policy.MaxCodeFailures)
	for _, sc := range r.Scenarios {
		fmt.Fprintf(&b, "## %s %s — %s\n\n", mark(sc.Status), sc.Name, sc.Status)
		if sc.Reason != "" {
			fmt.Fprintf(&b, "%s\n\n", sc.Reason)
		}
		if len(sc.Steps) == 0 {
			continue
		}
		b.WriteString("| # | Step | Expected | Observed | ms |\n|---|---|---|---|---|\n")
		for i, st := range sc.Steps {
			fmt.Fprintf(&b, "| %d %s | %s | %s | %s | %d |\n", i+1, mark(st.Status), cell(st.Title), cell(st.Expected), cell(st.Observed), st.MS)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func offsetText(ms int64) string {
	d := time.Duration(abs(ms)) * time.Millisecond
	switch {
	case ms == 0:
		return "0 s"
	case ms > 0:
		return d.String() + " ahead"
	default:
		return d.String() + " behind"
	}
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func mark(status string) string {
	switch status {
	case Passed:
		return "✔"
	case Failed:
		return "✘"
	default:
		return "–"
	}
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", `\|`)
	return s
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes one testcase per scenario; a failed one carries a
// failure element naming the failed step.
func writeJUnit(w io.Writer, r *Report) error {
	_, f, s := r.Counts()
	suite := junitSuite{Name: "authdesk journey", Tests: len(r.Scenarios), Failures: f, Skipped: s,
		Time: secs(r.MS), Timestamp: r.Started.Format("2006-01-02T15:04:05")}
	for _, sc := range r.Scenarios {
		c := junitCase{Name: sc.Name, Classname: "journey", Time: secs(sc.MS)}
		var out strings.Builder
		for i, st := range sc.Steps {
			fmt.Fprintf(&out, "%d. [%s] %s (%d ms)\n   expected: %s\n   observed: %s\n", i+1, st.Status, st.Title, st.MS, st.Expected, st.Observed)
			if st.Status == Failed {
				c.Failure = &junitMessage{Message: fmt.Sprintf("step %d failed: %s", i+1, st.Title),
					Text: fmt.Sprintf("expected: %s\nobserved: %s", st.Expected, st.Observed)}
			}
		}
		if sc.Status == skipped {
			c.Skipped = &junitMessage{Message: sc.Reason}
		}
		c.SystemOut = out.String()
		suite.Cases = append(suite.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(junitSuites{Suites: []junitSuite{suite}}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func secs(ms int64) string { return fmt.Sprintf("%.3f", float64(ms)/1000) }

// reportFiles are the files Save writes into its folder.
var reportFiles = []string{"report.json", "report.md", "junit.xml"}

// ExistingReports lists the reportFiles already in dir, which Save
// would replace.
func ExistingReports(dir string) []string {
	var out []string
	for _, n := range reportFiles {
		if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
			out = append(out, n)
		}
	}
	return out
}
