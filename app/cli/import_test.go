package cli

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseImport(t *testing.T) {
	tests := []struct {
		name, in string
		accounts []int    // line of each account found
		reports  []string // "line: message substring"
		err      string
	}{
		{"empty", "", nil, nil, ""},
		{"comments and blanks", "# a comment\n\n   \n\t# another\n", nil, nil, ""},
		{"one URI", "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP\n", []int{1}, nil, ""},
		{"CRLF and spaces", "  otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP  \r\n", []int{1}, nil, ""},
		{"no final newline", "# x\notpauth://totp/a?secret=MZXW6", []int{2}, nil, ""},
		{"bad line among good", "otpauth://totp/a?secret=MZXW6\nhello\notpauth://totp/b?secret=MFRGG\n", []int{1, 3},
			[]string{"2: not an otpauth URI"}, ""},
		{"bad secret", "otpauth://totp/a?secret=MZXW1\n", nil, []string{"1: invalid base32 secret"}, ""},
		{"export", "otpauth-migration://offline?data=CjYKEExyJfPiZeroMa/MdF%2BnkTISE2pvaG5kb2VAZXhhbXBsZS5jb20aB0Rpc2NvcmQgASgBMAIQARgBIAA%3D\n",
			[]int{1}, nil, ""},
		{"bad export", "otpauth-migration://offline?data=!!!\n", nil, []string{"1: data parameter is not valid base64"}, ""},
		{"line too long", "otpauth://totp/a?secret=" + strings.Repeat("A", maxImportLine) + "\n", nil, nil,
			fmt.Sprintf("line 1 is longer than %d bytes", maxImportLine)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reports []string
			accts, bad, err := parseImport(strings.NewReader(tt.in), func(n int, msg string) {
				reports = append(reports, fmt.Sprintf("%d: %s", n, msg))
			})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var lines []int
			for _, a := range accts {
				lines = append(lines, a.line)
			}
			if fmt.Sprint(lines) != fmt.Sprint(tt.accounts) {
				t.Errorf("accounts on lines %v, want %v", lines, tt.accounts)
			}
			if bad != len(tt.reports) || len(reports) != len(tt.reports) {
				t.Fatalf("bad = %d, reports %q; want %q", bad, reports, tt.reports)
			}
			for i, want := range tt.reports {
				if !strings.HasPrefix(reports[i], want) {
					t.Errorf("report %q, want %q", reports[i], want)
				}
			}
		})
	}
}

// FuzzImportLines: reading an import file never panics, returns only valid
// accounts, and no report quotes a secret parameter.
func FuzzImportLines(f *testing.F) {
	f.Add("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP\n# c\n\nhello\n")
	f.Add("otpauth://totp/a?secret=JBSW%ZZY3DP\r\notpauth://hotp/b?secret=MZXW6&counter=x\n")
	f.Add("otpauth-migration://offline?data=CjYKEExyJfPiZeroMa/MdF%2BnkTISE2pvaG5kb2VAZXhhbXBsZS5jb20aB0Rpc2NvcmQgASgBMAIQARgBIAA%3D\n")
	f.Add("otpauth-migration://offline?data=%zz\notpauth://steam/Steam:x?secret=abc-def-ghij\n")
	f.Fuzz(func(t *testing.T, in string) {
		var reports []string
		accts, bad, err := parseImport(strings.NewReader(in), func(n int, msg string) {
			if n < 1 || strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("report on line %d: %q", n, msg)
			}
			reports = append(reports, msg)
		})
		if err != nil {
			return
		}
		if bad != len(reports) {
			t.Fatalf("bad = %d, %d reports", bad, len(reports))
		}
		for _, a := range accts {
			if err := a.a.Validate(); err != nil {
				t.Fatalf("invalid account from line %d: %v", a.line, err)
			}
		}
		for line := range strings.Lines(in) {
			_, s, ok := strings.Cut(line, "secret=")
			if !ok {
				continue
			}
			s, _, _ = strings.Cut(s, "&")
			s = strings.TrimSpace(s)
			// Windows of 16 letters and digits: long enough that no fixed
			// text of a message holds one, short enough to catch a quote.
			for i := 0; i+16 <= len(s); i++ {
				w := s[i : i+16]
				if strings.ContainsFunc(w, func(r rune) bool {
					return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
				}) {
					continue
				}
				if strings.Count(line, w) > strings.Count(s, w) {
					continue // the same text is also in the label: it may be quoted as such
				}
				for _, r := range reports {
					if strings.Contains(r, w) {
						t.Fatalf("report %q quotes the secret %q", r, s)
					}
				}
			}
		}
	})
}
