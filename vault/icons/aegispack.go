package icons

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"authdesk/internal/atomicfile"
	"authdesk/vault/icons/picture"
)

// Limits on an Aegis icon pack a user adds.
const (
	MaxPackBytes    = 32 << 20 // the ZIP file
	maxPackIcons    = 10000    // entries in pack.json
	maxPackJSON     = 4 << 20  // pack.json, uncompressed
	maxPackUnpacked = 64 << 20 // every icon file, uncompressed
)

// ErrBadIconPack is wrapped by every reason an icon pack is refused.
var ErrBadIconPack = errors.New("unusable icon pack")

// Picture is an icon from a user's pack: a checked picture.
type Picture struct {
	MIME string
	Data []byte
}

// aegisPackJSON is pack.json of an Aegis icon pack.
type aegisPackJSON struct {
	UUID    string `json:"uuid"`
	Name    string `json:"name"`
	Version int    `json:"version"`
	Icons   []struct {
		Filename string   `json:"filename"`
		Name     string   `json:"name"`
		Issuer   []string `json:"issuer"`
	} `json:"icons"`
}

// UserPack is one Aegis icon pack, read and checked.
type UserPack struct {
	UUID, Name string
	Skipped    int // icons left out: missing, too large, not a picture
	pictures   []Picture
	byKey      map[string]int
}

// Len is the number of usable icons in the pack.
func (p *UserPack) Len() int { return len(p.pictures) }

// ReadAegisPack reads an Aegis icon pack (a ZIP with pack.json and the
// icon files it lists) of at most MaxPackBytes. Every icon file is read
// with a limit (a ZIP's sizes are not trusted) and checked by picture.CheckImage;
// one that fails is skipped and counted. A pack with no usable icon is
// refused.
func ReadAegisPack(data []byte) (*UserPack, error) {
	if len(data) > MaxPackBytes {
		return nil, fmt.Errorf("%w: the file is larger than %d MiB", ErrBadIconPack, MaxPackBytes>>20)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: not a ZIP file: %v", ErrBadIconPack, err)
	}
	files := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		files[path.Clean(f.Name)] = f
	}
	raw, err := readZipFile(files["pack.json"], maxPackJSON)
	if err != nil {
		return nil, fmt.Errorf("%w: pack.json: %v", ErrBadIconPack, err)
	}
	var pj aegisPackJSON
	if err := json.Unmarshal(raw, &pj); err != nil {
		return nil, fmt.Errorf("%w: pack.json: %v", ErrBadIconPack, err)
	}
	if !validUUID(pj.UUID) || len(pj.Icons) > maxPackIcons {
		return nil, fmt.Errorf("%w: pack.json has no valid uuid or over %d icons", ErrBadIconPack, maxPackIcons)
	}
	p := &UserPack{UUID: strings.ToLower(pj.UUID), Name: printableName(pj.Name), byKey: map[string]int{}}
	budget := maxPackUnpacked
	for _, ic := range pj.Icons {
		if budget <= 0 {
			p.Skipped++
			continue
		}
		// Every read counts against the budget, refused ones too: a pack
		// of many bombs stops after maxPackUnpacked bytes.
		b, err := readZipFile(files[path.Clean(ic.Filename)], picture.MaxImageBytes)
		budget -= max(len(b), picture.MaxImageBytes*btoi(err != nil))
		mime := picture.SniffMIME(b)
		if err != nil || picture.CheckImage(b, mime) != nil {
			p.Skipped++
			continue
		}
		p.pictures = append(p.pictures, Picture{MIME: mime, Data: b})
		for _, n := range append([]string{ic.Name}, ic.Issuer...) {
			if k := squash(n); len(k) >= minKeyLen {
				if _, taken := p.byKey[k]; !taken {
					p.byKey[k] = len(p.pictures) - 1
				}
			}
		}
	}
	if len(p.pictures) == 0 {
		return nil, fmt.Errorf("%w: none of its %d icons is a PNG, JPEG or SVG picture of up to %d KiB", ErrBadIconPack, len(pj.Icons), picture.MaxImageBytes>>10)
	}
	return p, nil
}

// readZipFile reads f, refusing more than limit bytes whatever its header
// says.
func readZipFile(f *zip.File, limit int) ([]byte, error) {
	if f == nil {
		return nil, errors.New("missing")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(b) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return b, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		dash := i == 8 || i == 13 || i == 18 || i == 23
		if dash != (c == '-') || !dash && !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

func printableName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > 100 {
		s = s[:100]
	}
	return strings.ToValidUTF8(s, "")
}

// Match is the pack's icon for issuer, by the rules of Set.Match.
func (p *UserPack) Match(issuer string) (Picture, bool) {
	for _, k := range []string{squash(issuer), Normalize(issuer)} {
		if i, ok := p.byKey[k]; ok && len(k) >= minKeyLen {
			return p.pictures[i], true
		}
	}
	return Picture{}, false
}

// UserPacksDir is where added icon packs are kept: authdesk/iconpacks in
// the user's data directory.
func UserPacksDir(getenv func(string) string) string {
	if d := dataDirs(getenv); len(d) > 0 {
		return filepath.Join(d[0], "authdesk", "iconpacks")
	}
	return ""
}

// AddAegisPack checks the pack data and keeps it in dir (0700) as
// UUID.zip (0600), replacing an older version of the same pack.
func AddAegisPack(dir string, data []byte) (*UserPack, error) {
	p, err := ReadAegisPack(data)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	err = atomicfile.WriteFile(filepath.Join(dir, p.UUID+".zip"), data)
	if err != nil {
		return nil, fmt.Errorf("keeping the icon pack: %w", err)
	}
	return p, nil
}

// UserPacks are the packs kept in a folder, matched in name order before
// the built-in set.
type UserPacks struct{ Packs []*UserPack }

// LoadUserPacks reads every pack kept in dir; a pack that no longer reads
// is left out, and named in err (the others still load).
func LoadUserPacks(dir string) (*UserPacks, error) {
	names, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	sort.Strings(names)
	ps := &UserPacks{}
	var errs []error
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err == nil {
			var p *UserPack
			if p, err = ReadAegisPack(b); err == nil {
				ps.Packs = append(ps.Packs, p)
				continue
			}
		}
		errs = append(errs, fmt.Errorf("%s: %w", n, err))
	}
	return ps, errors.Join(errs...)
}

// Match is the first pack's icon for issuer.
func (ps *UserPacks) Match(issuer string) (Picture, bool) {
	if ps == nil {
		return Picture{}, false
	}
	for _, p := range ps.Packs {
		if pic, ok := p.Match(issuer); ok {
			return pic, true
		}
	}
	return Picture{}, false
}
