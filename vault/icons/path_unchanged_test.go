package icons

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// expandPathBefore is ExpandPath as it was before it was split into
// pathWriter's steps (cyclomatic complexity 27), kept to show that the
// split changed no output and no error.
func expandPathBefore(d string) (string, error) {
	var b strings.Builder
	b.Grow(len(d) + len(d)/4)
	var cmd byte
	arg := 0
	for i := 0; i < len(d); {
		c := d[i]
		switch {
		case c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			if !strings.ContainsRune("MmLlHhVvCcSsQqTtAaZz", rune(c)) {
				return "", fmt.Errorf("unknown path command %q at %d", c, i)
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteByte(c)
			cmd, arg = c, 0
			i++
		default:
			n := 0
			if (cmd == 'a' || cmd == 'A') && (arg%7 == 3 || arg%7 == 4) {
				if c != '0' && c != '1' {
					return "", fmt.Errorf("arc flag %q at %d", c, i)
				}
				n = 1
			} else if n = numberLen(d[i:]); n == 0 {
				return "", fmt.Errorf("unexpected %q at %d", c, i)
			}
			if arg > 0 || b.Len() > 0 && b.String()[b.Len()-1] != cmd {
				b.WriteByte(' ')
			}
			if (cmd == 'a' || cmd == 'A') && arg > 0 && arg%7 == 0 {
				// oksvg drops an arc's implicit repetitions: name each.
				b.WriteByte(cmd)
			}
			b.WriteString(d[i : i+n])
			arg++
			i += n
		}
	}
	return b.String(), nil
}

// samePath fails when ExpandPath and expandPathBefore differ on d, in
// their output or their error.
func samePath(t *testing.T, d string) {
	t.Helper()
	got, gotErr := ExpandPath(d)
	want, wantErr := expandPathBefore(d)
	if got != want || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Fatalf("ExpandPath(%q) = %q, %v; before the split: %q, %v", d, got, gotErr, want, wantErr)
	}
}

// TestExpandPathUnchanged compares the split ExpandPath with the one before
// on hand-picked paths (arcs with implicit repetitions, flags written
// together, exponents, every error) and on 50,000 random ones drawn from
// the characters of path data.
func TestExpandPathUnchanged(t *testing.T) {
	for _, d := range []string{
		"", " ", "M", "z", "5", "M0 0 X1", "M0 0a1 1 0 21 1 1", "M0 0 ...", "M0 0 a1 1 0 1",
		"M20.317 4.3698a19.7913 19.7913 0 00-4.8851-1.5152.0741.0741 0 00-.0785.0371",
		"M0 0h24v24H0z", "m1.5.5-1e-3 2E+2L3,4", "A1 1 0 1112 12",
		"a1 1 0 0 0 2 2 1 1 0 1 1 3 3 1 1 0 10 4 4", "a1 1 0 00-1-1 1 1 0 11.5.5",
		"M1e 2", "M1e+ 2", "M-.5-.5", "M+1+1", "M1..2", "M\t1\n2\r3,4", "Mé1",
		"M0 0c1 2 3 4 5 6s7 8 9 10q1 1 2 2t3 3", "A1 1 0 0 0 1 1A", "aa", "M0 0 a1 1 0 0 x",
	} {
		samePath(t, d)
	}
	const alphabet = "MmLlHhVvCcSsQqTtAaZzXe0123456789011-+., \t"
	r := rand.New(rand.NewPCG(19, 25))
	for range 50000 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		samePath(t, b.String())
	}
}

// FuzzExpandPathUnchanged: the split ExpandPath answers every input as the
// one before did.
func FuzzExpandPathUnchanged(f *testing.F) {
	f.Add("M20.317 4.3698a19.7913 19.7913 0 00-4.8851-1.5152.0741.0741 0 00-.0785.0371")
	f.Add("a1 1 0 0 0 2 2 1 1 0 1 1 3 3 1 1 0 10 4 4")
	f.Add("M0 0 X1")
	f.Fuzz(samePath)
}
