// Package icons holds the brand icons Authdesk shows beside accounts: the
// built-in pack (simple-icons, made by `make icons`, never committed), the
// issuer → icon matching, the checks on an icon file a user picks and the
// Aegis icon packs a user adds. It knows nothing of Fyne.
//
// # The pack file
//
// PackFile is text, one icon a line, fields separated by tabs:
//
//	# authdesk icons v1 simple-icons 16.37.0
//	github<TAB>GitHub<TAB>181717<TAB>M12 .297c-6.63 …<TAB>alias<TAB>alias…
//
// slug, title, brand colour (six hex digits), the SVG path in a 24×24 view
// box, then any aliases. A pack is read once, the first time an account
// asks for its icon (Library), so an app that never shows icons never reads
// it.
package icons

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// PackFile is the name of the pack in a pack folder; THIRD_PARTY_ICONS
// beside it names the source package, its version and each icon's licence.
const PackFile = "simple-icons.tsv"

// NoticeFile is the licence notice written beside PackFile.
const NoticeFile = "THIRD_PARTY_ICONS"

const packHeader = "# authdesk icons v1 "

// maxPackLine caps one line of a pack: the largest simple-icons path is
// under 64 KiB.
const maxPackLine = 256 << 10

// Icon is one brand icon: a single SVG path drawn in a 24×24 box.
type Icon struct {
	Slug    string   // simple-icons' name for it, e.g. "github"
	Title   string   // the brand, e.g. "GitHub"
	Hex     string   // brand colour, six hex digits without '#'
	Path    string   // SVG path data
	Aliases []string // other names of the brand
}

// SVG is the icon as an SVG document, its path filled with fill (an SVG
// colour such as "#181717").
func (ic Icon) SVG(fill string) []byte {
	return fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="%s" d="%s"/></svg>`, fill, ic.Path)
}

// WritePack writes icons as a pack file; source names where they came
// from ("simple-icons 16.37.0").
func WritePack(w io.Writer, source string, icons []Icon) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s%s\n", packHeader, source)
	for _, ic := range icons {
		fields := append([]string{ic.Slug, ic.Title, ic.Hex, ic.Path}, ic.Aliases...)
		for _, f := range fields {
			if f == "" || strings.ContainsAny(f, "\t\r\n") {
				return fmt.Errorf("icon %q: field %q is empty or holds a tab or line break", ic.Slug, f)
			}
		}
		bw.WriteString(strings.Join(fields, "\t"))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// ErrBadPack is wrapped by every error about a malformed pack file.
var ErrBadPack = errors.New("malformed icon pack")

// ReadPack reads a pack file written by WritePack.
func ReadPack(r io.Reader) (*Set, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxPackLine)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), packHeader) {
		return nil, fmt.Errorf("%w: the first line is not %q", ErrBadPack, strings.TrimSpace(packHeader))
	}
	var icons []Icon
	for n := 2; sc.Scan(); n++ {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 4 || !validHex(f[2]) {
			return nil, fmt.Errorf("%w: line %d", ErrBadPack, n)
		}
		icons = append(icons, Icon{Slug: f[0], Title: f[1], Hex: f[2], Path: f[3], Aliases: f[4:]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadPack, err)
	}
	return NewSet(icons), nil
}

func validHex(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}
