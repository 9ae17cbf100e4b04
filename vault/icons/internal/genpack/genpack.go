package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"authdesk/vault/icons"
)

// allowed are the licences an icon may carry to be kept; an entry without
// a licence is under the package's (CC0-1.0).
var allowed = map[string]bool{"CC0-1.0": true, "MIT": true, "Apache-2.0": true}

// maxMember caps one file read from the archive.
const maxMember = 8 << 20

// entry is one icon of data/simple-icons.json.
type entry struct {
	Title   string `json:"title"`
	Slug    string `json:"slug"`
	Hex     string `json:"hex"`
	Source  string `json:"source"`
	License *struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"license"`
	Aliases struct {
		Aka []string                 `json:"aka"`
		Old []string                 `json:"old"`
		Dup []struct{ Title string } `json:"dup"`
		Loc map[string]string        `json:"loc"`
	} `json:"aliases"`
}

// licence is the entry's licence as THIRD_PARTY_ICONS names it.
func (e entry) licence(pkgLicence string) string {
	if e.License == nil {
		return pkgLicence
	}
	if e.License.URL != "" {
		return e.License.Type + " " + e.License.URL
	}
	return e.License.Type
}

func (e entry) aliases() []string {
	var out []string
	out = append(out, e.Aliases.Aka...)
	out = append(out, e.Aliases.Old...)
	for _, d := range e.Aliases.Dup {
		out = append(out, d.Title)
	}
	locs := make([]string, 0, len(e.Aliases.Loc))
	for _, l := range e.Aliases.Loc {
		locs = append(locs, l)
	}
	sort.Strings(locs)
	return append(out, locs...)
}

// pkg is what genpack reads of the package.
type pkg struct {
	Version, License string
	entries          []entry
	svgs             map[string][]byte // by slug
}

// readPackage reads package.json, data/simple-icons.json and icons/*.svg
// from the gzipped tar r.
func readPackage(r io.Reader) (*pkg, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("not a .tgz: %w", err)
	}
	tr := tar.NewReader(zr)
	p := &pkg{svgs: map[string][]byte{}}
	var data []byte
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the archive: %w", err)
		}
		name := strings.TrimPrefix(h.Name, "package/")
		if h.Typeflag != tar.TypeReg || !(name == "package.json" || name == "data/simple-icons.json" ||
			strings.HasPrefix(name, "icons/") && strings.HasSuffix(name, ".svg")) {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, maxMember+1))
		if err != nil || len(b) > maxMember {
			return nil, fmt.Errorf("%s: unreadable or over %d bytes", h.Name, maxMember)
		}
		switch name {
		case "package.json":
			if err := json.Unmarshal(b, p); err != nil {
				return nil, fmt.Errorf("package.json: %w", err)
			}
		case "data/simple-icons.json":
			data = b
		default:
			p.svgs[strings.TrimSuffix(strings.TrimPrefix(name, "icons/"), ".svg")] = b
		}
	}
	if p.Version == "" || data == nil {
		return nil, errors.New("no package.json version or no data/simple-icons.json: not the simple-icons package")
	}
	if err := json.Unmarshal(data, &p.entries); err != nil {
		return nil, fmt.Errorf("data/simple-icons.json: %w", err)
	}
	return p, nil
}

// kept is an icon that passed the filter, with its licence.
type kept struct {
	icon    icons.Icon
	licence string
}

// filter splits the entries into the icons kept and the entries excluded
// for their licence. An entry whose SVG is missing or unreadable is an
// error for the whole run rather than a silent gap.
func (p *pkg) filter() (keep []kept, excluded []entry) {
	for _, e := range p.entries {
		if e.License != nil && !allowed[e.License.Type] {
			excluded = append(excluded, e)
			continue
		}
		keep = append(keep, kept{icons.Icon{Slug: e.Slug, Title: e.Title, Hex: strings.ToUpper(e.Hex), Aliases: e.aliases()},
			e.licence(p.License)})
	}
	return keep, excluded
}

// svgPath is the d attribute of the single path of a simple-icons SVG.
func svgPath(svg []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		t, err := d.Token()
		if err != nil {
			return "", fmt.Errorf("no <path d=…>: %w", err)
		}
		if se, ok := t.(xml.StartElement); ok && se.Name.Local == "path" {
			for _, a := range se.Attr {
				if a.Name.Local == "d" && a.Value != "" {
					return a.Value, nil
				}
			}
		}
	}
}

// write makes the pack and the notice in dir.
func write(dir string, p *pkg, keep []kept, excluded []entry) error {
	list := make([]icons.Icon, len(keep))
	for i, k := range keep {
		svg, ok := p.svgs[k.icon.Slug]
		if !ok {
			return fmt.Errorf("icon %s (%s): no icons/%s.svg in the package", k.icon.Slug, k.icon.Title, k.icon.Slug)
		}
		path, err := svgPath(svg)
		if err == nil {
			path, err = icons.ExpandPath(path)
		}
		if err != nil {
			return fmt.Errorf("icons/%s.svg: %w", k.icon.Slug, err)
		}
		list[i] = k.icon
		list[i].Path = path
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var pack bytes.Buffer
	if err := icons.WritePack(&pack, "simple-icons "+p.Version, list); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, icons.PackFile), pack.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, icons.NoticeFile), notice(p, keep, excluded), 0o644)
}

func notice(p *pkg, keep []kept, excluded []entry) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Authdesk's built-in brand icons: simple-icons %s (npm package simple-icons@%s,\n", p.Version, p.Version)
	fmt.Fprintf(&b, "https://simpleicons.org), licensed %s unless an icon names its own licence.\n", p.License)
	fmt.Fprintf(&b, "Kept %d icons whose licence is CC0-1.0, MIT or Apache-2.0 (or none of their own);\n", len(keep))
	fmt.Fprintf(&b, "excluded %d under other licences. Brand names and logos are trademarks of their owners;\n", len(excluded))
	fmt.Fprintf(&b, "their use here implies no endorsement (see the package's DISCLAIMER.md).\n\n")
	fmt.Fprintf(&b, "slug\ttitle\tlicence\n")
	for _, k := range keep {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", k.icon.Slug, k.icon.Title, k.licence)
	}
	return b.Bytes()
}
