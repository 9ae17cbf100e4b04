package icons

import (
	"bytes"
	"strings"
	"testing"

	"authdesk/vault/icons/picture"
)

// FuzzReadAegisPack: any bytes give a pack or an ErrBadIconPack error,
// never a panic, and every icon kept passes picture.CheckImage.
func FuzzReadAegisPack(f *testing.F) {
	f.Add(makeZip(f, map[string][]byte{
		"pack.json": packJSON(`{"filename":"e.svg","name":"Example","issuer":["example"]}`),
		"e.svg":     []byte(packSVG),
	}))
	f.Add(makeZip(f, map[string][]byte{"pack.json": []byte(`{"uuid":"x"}`)}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadAegisPack(data)
		if err != nil {
			return
		}
		for _, pic := range p.pictures {
			if picture.CheckImage(pic.Data, pic.MIME) != nil {
				t.Fatalf("kept an icon picture.CheckImage refuses")
			}
		}
	})
}

// FuzzExpandPath: the expanded path has the same numbers and commands
// (expanding it again changes nothing).
func FuzzExpandPath(f *testing.F) {
	for _, s := range []string{"M20.317 4.3698a19.7913 19.7913 0 00-4.8851-1.5152.0741.0741 0 00-.0785.0371", "M0 0h24v24H0z", "m1.5.5-1e-3 2E+2L3,4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d string) {
		once, err := ExpandPath(d)
		if err != nil {
			return
		}
		twice, err := ExpandPath(once)
		if err != nil || twice != once {
			t.Fatalf("ExpandPath(%q) = %q, again %q, %v", d, once, twice, err)
		}
	})
}

// FuzzReadPack: a malformed pack file is an error, never a panic.
func FuzzReadPack(f *testing.F) {
	f.Add([]byte("# authdesk icons v1 test\ngithub\tGitHub\t181717\tM0 0h24v24H0z\talias\n"))
	f.Add([]byte("# authdesk icons v1 test\nx\ty\tzz\tM0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ReadPack(bytes.NewReader(data))
		if err == nil {
			s.Match(strings.Repeat("a", 3))
		}
	})
}
