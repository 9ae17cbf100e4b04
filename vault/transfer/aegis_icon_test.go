package transfer

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/png"
	"strings"
	"testing"

	"authdesk/vault"
)

func iconPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngClaiming is a PNG header claiming w×h pixels and nothing else.
func pngClaiming(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32([]byte("IHDR"), w), h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	b := append([]byte("\x89PNG\r\n\x1a\n"), 0, 0, 0, 13)
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}

// aegisWithIcons is a plain Aegis export whose entries carry the icons.
func aegisWithIcons(t *testing.T, icons ...[2]string) []byte {
	t.Helper()
	var entries []string
	for i, ic := range icons {
		entries = append(entries, `{"type":"totp","uuid":"01234567-89ab-4def-8123-45678901234`+string(rune('0'+i))+`","name":"user`+string(rune('a'+i))+`","issuer":"Example","note":"","icon":`+ic[0]+`,"icon_mime":`+ic[1]+`,"favorite":false,"info":{"secret":"JBSWY3DPEHPK3PX`+string(rune('A'+i))+`","algo":"SHA1","digits":6,"period":30},"groups":[]}`)
	}
	return []byte(`{"version":1,"header":{"slots":null,"params":null},"db":{"version":3,"entries":[` + strings.Join(entries, ",") + `],"groups":[]}}`)
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestAegisIconRoundTrip: the icon bytes and MIME type an Aegis export
// carries come back byte for byte in our own Aegis export, plain and
// encrypted, and a hostile icon is left out with a note while its account
// is imported.
func TestAegisIconRoundTrip(t *testing.T) {
	pic := iconPNG(t)
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M1 1h22v22H1z"/></svg>`)
	data := aegisWithIcons(t,
		[2]string{quote(base64.StdEncoding.EncodeToString(pic)), quote("image/png")},
		[2]string{quote(base64.StdEncoding.EncodeToString(svg)), quote("image/svg+xml")},
		[2]string{"null", "null"},
		[2]string{quote(base64.StdEncoding.EncodeToString(pngClaiming(60000, 60000))), quote("image/png")},
		[2]string{quote("not base64!"), quote("image/png")},
	)
	res, err := Read(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Accounts) != 5 {
		t.Fatalf("imported %d accounts, want 5 (a bad icon loses the icon, not the account)", len(res.Accounts))
	}
	check := func(stage string, accts []vault.Account) {
		t.Helper()
		want := []*vault.Icon{{MIME: "image/png", Data: pic}, {MIME: "image/svg+xml", Data: svg}, nil, nil, nil}
		for i, w := range want {
			got := accts[i].Icon
			if (got == nil) != (w == nil) || got != nil && (got.MIME != w.MIME || !bytes.Equal(got.Data, w.Data)) {
				t.Errorf("%s: account %d icon %+v, want %+v", stage, i+1, got, w)
			}
		}
	}
	check("import", res.Accounts)
	notes := strings.Join(res.Skipped, "\n")
	for _, want := range []string{"entry 4, Example (userd): imported without its icon: unusable icon: 60000×60000 pixels",
		"entry 5, Example (usere): imported without its icon: the icon is not base64"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q lack %q", notes, want)
		}
	}
	for _, password := range []string{"", "hunter2"} {
		var b bytes.Buffer
		if err := WriteAegis(&b, res.Accounts, []byte(password)); err != nil {
			t.Fatal(err)
		}
		if password == "" {
			var f struct {
				DB struct {
					Entries []struct {
						Icon     *string `json:"icon"`
						IconMime *string `json:"icon_mime"`
					} `json:"entries"`
				} `json:"db"`
			}
			if err := json.Unmarshal(b.Bytes(), &f); err != nil {
				t.Fatal(err)
			}
			e := f.DB.Entries
			if e[0].Icon == nil || *e[0].Icon != base64.StdEncoding.EncodeToString(pic) || *e[0].IconMime != "image/png" || e[2].Icon != nil {
				t.Errorf("exported JSON icons: %v %v / %v", e[0].Icon, e[0].IconMime, e[2].Icon)
			}
		}
		back, err := Read(b.Bytes(), Options{Password: pw(password)})
		if err != nil {
			t.Fatal(err)
		}
		check("export with password "+quote(password), back.Accounts)
	}
}
