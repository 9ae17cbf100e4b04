package icons

import (
	"archive/zip"
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"authdesk/vault/icons/picture"
)

const packUUID = "7f0c6b3e-1d2a-4c5b-9e8f-0a1b2c3d4e5f"

var packSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M0 0h24v24H0z"/></svg>`

// makeZip packs files (name → content) into a ZIP, compressed.
func makeZip(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func packJSON(icons string) []byte {
	return []byte(`{"uuid":"` + packUUID + `","name":"Test pack","version":1,"icons":[` + icons + `]}`)
}

func TestReadAegisPack(t *testing.T) {
	good := makeZip(t, map[string][]byte{
		"pack.json": packJSON(`{"filename":"Services/Example.svg","name":"Example Corp","issuer":["example","examplecorp"]},
			{"filename":"Services/Huge.png","name":"Huge","issuer":["huge"]},
			{"filename":"../../etc/passwd","name":"Escape","issuer":["escape"]},
			{"filename":"Services/Script.svg","name":"Scripted","issuer":["scripted"]}`),
		"Services/Example.svg": []byte(packSVG),
		"Services/Huge.png":    widePNG(t),
		"Services/Script.svg":  []byte(`<svg><script>alert(1)</script></svg>`),
	})
	p, err := ReadAegisPack(good)
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != 1 || p.Skipped != 3 || p.Name != "Test pack" || p.UUID != packUUID {
		t.Fatalf("pack %q: %d icons, %d skipped", p.Name, p.Len(), p.Skipped)
	}
	for issuer, want := range map[string]bool{"Example": true, "example.com": true, "Example Corp": true, "Huge": false, "Escape": false, "EX": false} {
		if _, ok := p.Match(issuer); ok != want {
			t.Errorf("Match(%q) = %v, want %v", issuer, ok, want)
		}
	}

	// A ZIP bomb: a 48 MiB file of zeros compressed to a few KiB, listed
	// 40 times. It must be refused after reading a bounded amount.
	bomb := makeZip(t, map[string][]byte{
		"pack.json": packJSON(strings.TrimSuffix(strings.Repeat(`{"filename":"bomb.svg","name":"Bomb","issuer":["bomb"]},`, 40), ",")),
		"bomb.svg":  make([]byte, 48<<20),
	})
	jsonBomb := makeZip(t, map[string][]byte{"pack.json": append([]byte(`{"uuid":"`+packUUID+`","name":"`), make([]byte, 8<<20)...)})
	for _, c := range []struct {
		name string
		data []byte
		why  string
	}{
		{"zip bomb", bomb, "none of its 40 icons"},
		{"pack.json bomb", jsonBomb, "pack.json: larger than"},
		{"not a zip", []byte("PK but not really"), "not a ZIP file"},
		{"no pack.json", makeZip(t, map[string][]byte{"a.svg": []byte(packSVG)}), "pack.json: missing"},
		{"bad uuid", makeZip(t, map[string][]byte{"pack.json": []byte(`{"uuid":"../x","icons":[]}`)}), "no valid uuid"},
		{"too large", make([]byte, MaxPackBytes+1), "larger than 32 MiB"},
	} {
		_, err := ReadAegisPack(c.data)
		if err == nil || !errors.Is(err, ErrBadIconPack) || !strings.Contains(err.Error(), c.why) {
			t.Errorf("%s: %v, want ErrBadIconPack saying %q", c.name, err, c.why)
		}
	}
}

// TestAddAegisPack: a good pack is kept (0600 in a 0700 folder) and loads
// again; a refused one leaves the folder as it was.
func TestAddAegisPack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "iconpacks")
	good := makeZip(t, map[string][]byte{
		"pack.json": packJSON(`{"filename":"e.svg","name":"Example Corp","issuer":["example"]}`),
		"e.svg":     []byte(packSVG),
	})
	if _, err := AddAegisPack(dir, []byte("not a zip")); err == nil {
		t.Fatal("a bad pack was added")
	}
	if _, err := AddAegisPack(dir, good); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, packUUID+".zip"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("kept pack: %v %v", fi, err)
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v", di.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files in the folder, want the pack alone", len(entries))
	}
	ps, err := LoadUserPacks(dir)
	if err != nil || len(ps.Packs) != 1 {
		t.Fatalf("loaded %v, %v", ps, err)
	}
	if pic, ok := ps.Match("Example"); !ok || pic.MIME != picture.SVG || string(pic.Data) != packSVG {
		t.Errorf("Match(Example) = %v %v", pic.MIME, ok)
	}
}

func BenchmarkReadAegisPack(b *testing.B) {
	data := makeZip(b, map[string][]byte{
		"pack.json": packJSON(`{"filename":"e.svg","name":"Example","issuer":["example"]}`),
		"e.svg":     []byte(packSVG),
	})
	for b.Loop() {
		if _, err := ReadAegisPack(data); err != nil {
			b.Fatal(err)
		}
	}
}

// widePNG is a real PNG one pixel wider than picture.MaxImagePixels.
func widePNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, picture.MaxImagePixels+1, 1))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
