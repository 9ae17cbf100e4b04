package desktop

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"authdesk/vault"
	"authdesk/vault/icons"
	"authdesk/vault/icons/picture"
	"authdesk/vault/keychain"
)

// testPack writes a small icon pack (our own shapes, not simple-icons')
// and returns a library that reads it.
func testPack(t *testing.T) *icons.Library {
	t.Helper()
	dir := t.TempDir()
	pack := "# authdesk icons v1 test\n" +
		"github\tGitHub\t181717\tM12 0a12 12 0 1 0 0 24a12 12 0 1 0 0-24z\n" +
		"steam\tSteam\t000000\tM0 0h24v24H0z\n" +
		"google\tGoogle\t4285F4\tM12 0L24 24H0z\n"
	if err := os.WriteFile(filepath.Join(dir, icons.PackFile), []byte(pack), 0o644); err != nil {
		t.Fatal(err)
	}
	return icons.NewLibrary([]string{dir})
}

// openWithIcons is openWith with the test pack.
func openWithIcons(t *testing.T, accts ...vault.Account) *harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.age")
	kc := &keychain.Memory{}
	newVault(t, path, kc, accts...)
	h := newHarness(t, path, kc, nil)
	h.u.cfg.Icons = testPack(t)
	h.u.start()
	if got := h.u.stateName(); got != "codes" {
		t.Fatalf("state after start = %q, want codes", got)
	}
	return h
}

func avatarPx(h *harness) int {
	return int(math.Ceil(float64(avatarSize * h.w.Canvas().Scale())))
}

// TestRowsShowBrandIcons: a matched issuer shows its brand icon, a chosen
// slug its icon, a chosen "initials" and an unmatched issuer their
// initials; every one is drawn once, and ticking, refreshing and
// re-binding draw none again.
func TestRowsShowBrandIcons(t *testing.T) {
	accts := sampleAccounts(t)
	accts[1].Icon = &vault.Icon{Initials: true} // Google, which the pack has
	accts[3].Icon = &vault.Icon{Slug: "steam"}  // Example Bank
	before := brandRasters.Load()
	h := openWithIcons(t, accts...)
	px := avatarPx(h)
	set, _ := h.u.cfg.Icons.Set()
	brand := func(slug string) image.Image {
		ic, ok := set.Lookup(slug)
		if !ok {
			t.Fatalf("no %s in the test pack", slug)
		}
		return h.u.avatars.brand(ic, px)
	}
	for _, c := range []struct {
		issuer string
		want   image.Image
	}{
		{"GitHub", brand("github")},
		{"Steam", brand("steam")},
		{"Example Bank", brand("steam")},
		{"Google", h.u.avatars.get("G", avatarColor(accts[1]), px)},
		{"AWS", h.u.avatars.get("A", avatarColor(accts[4]), px)},
	} {
		if got := h.rowFor(c.issuer).avatar.Image; got != c.want {
			t.Errorf("%s shows the wrong avatar", c.issuer)
		}
	}
	drawn := brandRasters.Load() - before
	if drawn != 2 {
		t.Errorf("drew %d brand icons, want 2 (github, steam)", drawn)
	}
	for range 5 {
		h.advance(30 * time.Second)
	}
	h.u.list.list.Refresh()
	h.u.list.reload("")
	if n := brandRasters.Load() - before; n != drawn {
		t.Errorf("ticks and refreshes drew %d more icons, want none", n-drawn)
	}
	// The logo is on a plate the size of the initials' disc, not a square.
	img := h.rowFor("GitHub").avatar.Image.(*image.NRGBA)
	if img.Bounds().Dx() != px || img.NRGBAAt(0, 0).A != 0 || img.NRGBAAt(px/2, px/2).A == 0 {
		t.Errorf("GitHub's icon: %v, corner %v, centre %v", img.Bounds(), img.NRGBAAt(0, 0), img.NRGBAAt(px/2, px/2))
	}
}

// TestBrandColoursLegible: a brand colour too close to the plate (GitHub's
// near-black on the dark theme, white on the light one) becomes the
// theme's foreground; a clear one stays.
func TestBrandColoursLegible(t *testing.T) {
	for _, c := range []struct {
		variant string
		hex     string
		keep    bool
	}{
		{"dark", "181717", false},
		{"light", "181717", true},
		{"light", "FFFFFF", false},
		{"dark", "FFFFFF", true},
		{"light", "4285F4", true},
		{"dark", "4285F4", true},
	} {
		h := newHarness(t, filepath.Join(t.TempDir(), "vault.age"), nil, nil)
		h.u.prefs.SetTheme(c.variant)
		h.u.applyTheme()
		plate, glyph := brandColours(c.hex)
		fg := toNRGBA(h.a.Settings().Theme().Color("foreground", h.a.Settings().ThemeVariant()))
		if kept := glyph != fg; kept != c.keep {
			t.Errorf("%s theme, #%s: glyph %v (foreground %v, plate %v), want kept %v", c.variant, c.hex, glyph, fg, plate, c.keep)
		}
		if contrast(glyph, plate) < 1.9 {
			t.Errorf("%s theme, #%s: contrast %.2f", c.variant, c.hex, contrast(glyph, plate))
		}
	}
}

// TestBrandPicker: Change icon… searches the pack, and a choice, a
// picture, initials and "Match the issuer" are saved; a hostile picture
// is refused with the reason and nothing is stored.
func TestBrandPicker(t *testing.T) {
	h := openWithIcons(t, sampleAccounts(t)...)
	id := h.rowFor("GitHub").acct.ID
	stored := func() *vault.Icon {
		a, _ := h.u.v.Account(id)
		return a.Icon
	}
	h.u.showRowMenu(id, h.rowFor("GitHub").more)
	h.tapMenuItem("Change icon…")
	if !strings.Contains(h.overlayText(), "A picture is a PNG, JPEG or SVG file of up to 64 KiB.") {
		t.Fatalf("the row menu's Change icon… shows %q", h.overlayText())
	}
	p := h.u.showBrandPicker(id)
	if len(p.results) != 1 || p.results[0].Slug != "github" {
		t.Fatalf("opened on %q with %v, want GitHub's icon", p.search.Text, p.results)
	}
	p.search.SetText("ste")
	if len(p.results) != 1 || p.results[0].Slug != "steam" {
		t.Fatalf("search ste: %v", p.results)
	}
	p.list.Select(0)
	if ic := stored(); ic == nil || ic.Slug != "steam" {
		t.Fatalf("after choosing Steam the vault holds %+v", ic)
	}
	if r := h.rowFor("GitHub"); r.avatar.Image != h.rowFor("Steam").avatar.Image {
		t.Error("the row does not show the chosen icon")
	}

	p = h.u.showBrandPicker(id)
	p.readPicture("huge.png", io.NopCloser(bytes.NewReader(pngHeader(60000, 60000))))
	if ic := stored(); ic == nil || ic.Slug != "steam" {
		t.Fatalf("a refused picture changed the icon to %+v", ic)
	}
	if !strings.Contains(h.overlayText(), "60000×60000 pixels") {
		t.Error("no message about the oversized picture")
	}
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#c00" d="M0 0h24v24H0z"/></svg>`)
	p.readPicture("logo.svg", io.NopCloser(bytes.NewReader(svg)))
	if ic := stored(); ic == nil || ic.MIME != picture.SVG || !bytes.Equal(ic.Data, svg) {
		t.Fatalf("after a picture the vault holds %+v", ic)
	}
	if img := h.rowFor("GitHub").avatar.Image.(*image.NRGBA); img.NRGBAAt(avatarPx(h)/2, avatarPx(h)/2).R < 0xb0 {
		t.Errorf("the row does not show the red picture: centre %v", img.NRGBAAt(avatarPx(h)/2, avatarPx(h)/2))
	}
	p.choose(&vault.Icon{Initials: true})
	if ic := stored(); ic == nil || !ic.Initials {
		t.Fatalf("after initials the vault holds %+v", ic)
	}
	p.choose(nil)
	if ic := stored(); ic != nil {
		t.Fatalf("after Match the issuer the vault holds %+v", ic)
	}
}

// pngHeader is a PNG signature and header claiming w×h pixels.
func pngHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32([]byte("IHDR"), w), h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	b := append([]byte("\x89PNG\r\n\x1a\n"), 0, 0, 0, 13)
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}

// TestEveryBrandIconDraws draws every icon of the real pack (make icons):
// each must put ink on its plate. A path the rasteriser misreads (the
// minified arc flags of simple-icons) draws nothing.
func TestEveryBrandIconDraws(t *testing.T) {
	dir := os.Getenv(icons.EnvDir)
	if dir == "" {
		dir = filepath.Join("..", "..", ".cache", "icons")
	}
	lib := icons.NewLibrary([]string{dir})
	set, err := lib.Set()
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() == 0 {
		if os.Getenv("AUTHDESK_REQUIRE_ICONS") == "1" {
			t.Fatalf("no icon pack in %s", dir)
		}
		t.Skipf("no icon pack in %s: run make icons", dir)
	}
	test.NewTempApp(t)
	cache := avatarCache{}
	blank := 0
	for _, ic := range set.Search("", set.Len()) {
		img, ok := cache.brand(ic, 42).(*image.NRGBA)
		if !ok {
			t.Errorf("%s: not drawn", ic.Slug)
			continue
		}
		plate := img.NRGBAAt(21, 0)
		ink := 0
		for y := 8; y < 34; y++ {
			for x := 8; x < 34; x++ {
				if img.NRGBAAt(x, y) != plate {
					ink++
				}
			}
		}
		if ink < 4 {
			blank++
			if blank <= 20 {
				t.Errorf("%s (%s): %d pixels of ink", ic.Slug, ic.Title, ink)
			}
		}
	}
	if blank > 0 {
		t.Errorf("%d of %d icons draw nothing", blank, set.Len())
	}
}

// TestAddIconPack: Settings → Icons → Add icon pack… keeps an Aegis pack in
// the data directory, and its icons are matched before the built-in ones;
// a ZIP bomb is refused with the reason and nothing is kept.
func TestAddIconPack(t *testing.T) {
	userDir := filepath.Join(t.TempDir(), "iconpacks")
	h := openWithIcons(t, sampleAccounts(t)...)
	h.u.cfg.Icons.WithUserPacks(userDir)
	s := h.u.newBrandPackSection()
	zipOf := func(files map[string][]byte) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for n, d := range files {
			w, _ := zw.Create(n)
			w.Write(d)
		}
		zw.Close()
		return b.Bytes()
	}
	const uuid = "0b5c2f6e-3a4d-4e8f-9a1b-2c3d4e5f6a7b"
	bomb := zipOf(map[string][]byte{
		"pack.json": []byte(`{"uuid":"` + uuid + `","name":"Bomb","version":1,"icons":[{"filename":"b.svg","name":"GitHub","issuer":["github"]}]}`),
		"b.svg":     make([]byte, 32<<20),
	})
	s.read("bomb.zip", io.NopCloser(bytes.NewReader(bomb)))
	if !strings.Contains(h.overlayText(), "none of its 1 icons") {
		t.Errorf("a ZIP bomb: the dialog says %q", h.overlayText())
	}
	if entries, _ := os.ReadDir(userDir); len(entries) != 0 {
		t.Fatalf("a refused pack left %d files", len(entries))
	}
	red := []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#d00" d="M0 0h24v24H0z"/></svg>`)
	pack := zipOf(map[string][]byte{
		"pack.json":           []byte(`{"uuid":"` + uuid + `","name":"Mine","version":1,"icons":[{"filename":"Services/GitHub.svg","name":"GitHub","issuer":["github"]}]}`),
		"Services/GitHub.svg": red,
	})
	s.read("mine.zip", io.NopCloser(bytes.NewReader(pack)))
	if !strings.Contains(h.overlayText(), "Mine: 1 icon added.") || !strings.Contains(s.status.Text, "Mine (1 icon)") {
		t.Errorf("after adding: dialog %q, section %q", h.overlayText(), s.status.Text)
	}
	if _, err := os.Stat(filepath.Join(userDir, uuid+".zip")); err != nil {
		t.Fatal(err)
	}
	px := avatarPx(h)
	img := h.rowFor("GitHub").avatar.Image.(*image.NRGBA)
	if c := img.NRGBAAt(px/2, px/2); c.R < 0xb0 || c.G > 0x40 {
		t.Errorf("GitHub's row does not show the pack's red icon: centre %v", c)
	}
}
