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
	w := pathWriter{d: d}
	w.b.Grow(len(d) + len(d)/4)
	for i := 0; i < len(d); {
		c := d[i]
		switch {
		case c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			if err := w.command(c, i); err != nil {
				return "", err
			}
			i++
		default:
			n, err := w.argument(i)
			if err != nil {
				return "", err
			}
			i += n
		}
	}
	return w.b.String(), nil
}

// pathWriter writes the expanded path: the current command and how many
// arguments it has had, for the arc's flags and its implicit repetitions.
type pathWriter struct {
	d   string
	b   strings.Builder
	cmd byte
	arg int
}

// command writes the path command c, found at d[i].
func (w *pathWriter) command(c byte, i int) error {
	if !strings.ContainsRune("MmLlHhVvCcSsQqTtAaZz", rune(c)) {
		return fmt.Errorf("unknown path command %q at %d", c, i)
	}
	if w.b.Len() > 0 {
		w.b.WriteByte(' ')
	}
	w.b.WriteByte(c)
	w.cmd, w.arg = c, 0
	return nil
}

// argument writes the current command's next argument, a number or an
// arc's flag, that starts at d[i], and returns its length.
func (w *pathWriter) argument(i int) (int, error) {
	c := w.d[i]
	arc := w.cmd == 'a' || w.cmd == 'A'
	n := 0
	if arc && (w.arg%7 == 3 || w.arg%7 == 4) {
		if c != '0' && c != '1' {
			return 0, fmt.Errorf("arc flag %q at %d", c, i)
		}
		n = 1
	} else if n = numberLen(w.d[i:]); n == 0 {
		return 0, fmt.Errorf("unexpected %q at %d", c, i)
	}
	if w.arg > 0 || w.b.Len() > 0 && w.b.String()[w.b.Len()-1] != w.cmd {
		w.b.WriteByte(' ')
	}
	if arc && w.arg > 0 && w.arg%7 == 0 {
		// oksvg drops an arc's implicit repetitions: name each.
		w.b.WriteByte(w.cmd)
	}
	w.b.WriteString(w.d[i : i+n])
	w.arg++
	return n, nil
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
