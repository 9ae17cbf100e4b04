package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"authdesk/vault/icons"
)

// fixtureTgz packs testdata/package as `npm pack` would: a gzipped tar
// whose members start with package/.
func fixtureTgz(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	err := filepath.WalkDir("testdata/package", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		name := "package/" + filepath.ToSlash(strings.TrimPrefix(p, "testdata/package/"))
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func TestLicenceFilter(t *testing.T) {
	p, err := readPackage(bytes.NewReader(fixtureTgz(t)))
	if err != nil {
		t.Fatal(err)
	}
	keep, excluded := p.filter()
	dir := t.TempDir()
	if err := write(dir, p, keep, excluded); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, icons.PackFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := icons.ReadPack(f)
	if err != nil {
		t.Fatal(err)
	}
	for slug, want := range map[string]bool{
		"squareco": true, "circlemit": true, "triapache": true, "zero": true,
		"copyleftgpl": false, "sharealike": false, "customterms": false,
	} {
		if _, got := set.Lookup(slug); got != want {
			t.Errorf("%s in the pack: %v, want %v", slug, got, want)
		}
	}
	if set.Len() != 4 || len(excluded) != 3 {
		t.Errorf("kept %d, excluded %d; want 4 and 3", set.Len(), len(excluded))
	}
	sq, _ := set.Lookup("squareco")
	if sq.Path != "M0 0 h24 v24 H0 z" || sq.Hex != "112233" || strings.Join(sq.Aliases, ",") != "SqCo,スクエア" {
		t.Errorf("squareco = %+v", sq)
	}
	if c, _ := set.Lookup("circlemit"); c.Hex != "AB00CD" {
		t.Errorf("circlemit colour %q, want upper case AB00CD", c.Hex)
	}
	notice, err := os.ReadFile(filepath.Join(dir, icons.NoticeFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"simple-icons 0.0.1-fixture", "Kept 4 icons", "excluded 3",
		"squareco\tSquare Co\tCC0-1.0\n", "circlemit\tCircle MIT\tMIT\n", "triapache\tTri Apache\tApache-2.0 https://example.org/LICENSE\n"} {
		if !strings.Contains(string(notice), want) {
			t.Errorf("THIRD_PARTY_ICONS lacks %q", want)
		}
	}
	if strings.Contains(string(notice), "copyleftgpl") || strings.Contains(string(notice), "GPL") {
		t.Error("THIRD_PARTY_ICONS names the GPL icon it dropped")
	}
}

func TestReadPackageRefusesOtherArchives(t *testing.T) {
	for name, data := range map[string][]byte{
		"not gzip": []byte("hello"),
		"empty":    nil,
	} {
		if _, err := readPackage(bytes.NewReader(data)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
