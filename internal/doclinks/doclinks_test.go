package doclinks

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// root is the repository, two folders up from this package.
const root = "../.."

// linkRE matches an inline Markdown link or image: [text](target "title").
var linkRE = regexp.MustCompile(`\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)

// docs are the Markdown files whose links are checked.
func docs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{filepath.Join(root, "README.md")}, files...)
}

// prose returns the lines of a Markdown file outside fenced code blocks,
// with inline code spans blanked, so code is never read as links or headings.
func prose(text string) []string {
	var out []string
	fenced := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			out = append(out, "")
			continue
		}
		if fenced {
			out = append(out, "")
			continue
		}
		out = append(out, line)
	}
	return out
}

var codeSpanRE = regexp.MustCompile("`[^`]*`")

// slug is GitHub's anchor for a heading: lower case, letters, digits,
// spaces, hyphens and underscores kept, spaces turned into hyphens.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// anchors are the heading anchors of a Markdown file, with GitHub's -1,
// -2, … for repeated headings.
func anchors(text string) map[string]bool {
	seen := map[string]int{}
	out := map[string]bool{}
	for _, line := range prose(text) {
		trimmed := strings.TrimLeft(line, "#")
		if len(trimmed) == len(line) || len(line)-len(trimmed) > 6 || !strings.HasPrefix(trimmed, " ") {
			continue
		}
		s := slug(strings.TrimSpace(trimmed))
		if n := seen[s]; n > 0 {
			out[s+"-"+itoa(n)] = true
		} else {
			out[s] = true
		}
		seen[s]++
	}
	return out
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + itoa(n%10)
}

// links are the relative link targets of a Markdown file's prose.
func links(text string) []string {
	var out []string
	for _, line := range prose(text) {
		line = codeSpanRE.ReplaceAllString(line, "")
		for _, m := range linkRE.FindAllStringSubmatch(line, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			out = append(out, target)
		}
	}
	return out
}

func TestSlug(t *testing.T) {
	for heading, want := range map[string]string{
		"Quick start":                                  "quick-start",
		"Vault — `make bench-vault`":                   "vault--make-bench-vault",
		"`authdesk-cli journey`":                       "authdesk-cli-journey",
		"Fyne's idle event loop (`.ci/x`)":             "fynes-idle-event-loop-cix",
		"Recovering the vault with the age tool alone": "recovering-the-vault-with-the-age-tool-alone",
	} {
		if got := slug(strings.ReplaceAll(heading, "`", "")); got != want {
			t.Errorf("slug(%q) = %q, want %q", heading, got, want)
		}
	}
}

func TestAnchorsSkipCodeAndCountRepeats(t *testing.T) {
	text := "# A\n```sh\n# Not a heading\n```\n## A\n#nospace\n"
	got := anchors(text)
	for _, want := range []string{"a", "a-1"} {
		if !got[want] {
			t.Errorf("anchors lack %q: %v", want, got)
		}
	}
	if got["not-a-heading"] || got["nospace"] || len(got) != 2 {
		t.Errorf("anchors = %v, want only a and a-1", got)
	}
}

// broken lists the relative links of the files that name a missing file or
// a heading their file does not have, each as "FILE: link …".
func broken(t *testing.T, base string, files []string) []string {
	t.Helper()
	var out []string
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		name, _ := filepath.Rel(base, file)
		for _, target := range links(string(body)) {
			path, frag, _ := strings.Cut(target, "#")
			dest := file
			if path != "" {
				dest = filepath.Join(filepath.Dir(file), filepath.FromSlash(path))
				if _, err := os.Stat(dest); err != nil {
					out = append(out, name+": link "+target+": no such file")
					continue
				}
			}
			if frag == "" || !strings.HasSuffix(dest, ".md") {
				continue
			}
			destBody, err := os.ReadFile(dest)
			if err != nil {
				t.Fatal(err)
			}
			if !anchors(string(destBody))[frag] {
				out = append(out, name+": link "+target+": no heading #"+frag)
			}
		}
	}
	return out
}

// TestLinksResolve fails on a relative link in README.md or docs/*.md to a
// missing file or to a heading its file does not have.
func TestLinksResolve(t *testing.T) {
	files := docs(t)
	if len(files) < 2 {
		t.Fatalf("found %v: README.md and docs/*.md expected", files)
	}
	for _, p := range broken(t, root, files) {
		t.Error(p)
	}
}

// TestBrokenLinksFound runs the check on testdata/: a missing file, a
// missing heading in another file and in the same file are reported; the
// good links, code and web addresses are not.
func TestBrokenLinksFound(t *testing.T) {
	got := broken(t, "testdata", []string{filepath.Join("testdata", "a.md")})
	want := []string{
		"a.md: link missing.md: no such file",
		"a.md: link b.md#nowhere: no heading #nowhere",
		"a.md: link #gone: no heading #gone",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("broken links:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
