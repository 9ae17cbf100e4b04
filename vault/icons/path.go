package icons

import (
	"fmt"
	"strings"
)

// ExpandPath rewrites SVG path data with a space between every number.
// simple-icons minifies its paths, writing an arc's two flags and the next
// number together ("a1 1 0 00-4.8.2"), which the SVG grammar allows but
// some rasterisers (oksvg, Fyne's) misread, drawing nothing.
func ExpandPath(d string) (string, error) {
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

// numberLen is the length of the SVG number at the start of s: a sign,
// digits with at most one point, an exponent. A second point starts the
// next number (".5.5" is two).
func numberLen(s string) int {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits, point := 0, false
	for i < len(s) {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point:
			point = true
		default:
			goto exp
		}
		i++
	}
exp:
	if digits == 0 {
		return 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			i = k
		}
	}
	return i
}
