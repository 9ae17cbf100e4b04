package scanner

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zqr "github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// drawModules draws a code's modules (true is dark) at px pixels a module
// with a four-module quiet zone, black on white.
func drawModules(mods [][]bool, px int) *image.Gray {
	n := len(mods) + 8
	img := image.NewGray(image.Rect(0, 0, n*px, n*px))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y, row := range mods {
		for x, on := range row {
			if !on {
				continue
			}
			for dy := 0; dy < px; dy++ {
				for dx := 0; dx < px; dx++ {
					img.Pix[((y+4)*px+dy)*img.Stride+(x+4)*px+dx] = 0
				}
			}
		}
	}
	return img
}

// rawByteCode is a code whose byte segment holds b as is, with no ECI:
// what an encoder that knows nothing of charsets writes.
func rawByteCode(t *testing.T, b []byte) [][]bool {
	t.Helper()
	q, err := qrcode.New(string(b), qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	q.DisableBorder = true
	return q.Bitmap()
}

// eciCode is a code whose byte segment is text in charset, with an ECI.
func eciCode(t *testing.T, text, charset string) [][]bool {
	t.Helper()
	hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_CHARACTER_SET: charset}
	q, err := encoder.Encoder_encode(text, zqr.ErrorCorrectionLevel_M, hints)
	if err != nil {
		t.Fatal(err)
	}
	m := q.GetMatrix()
	out := make([][]bool, m.GetHeight())
	for y := range out {
		out[y] = make([]bool, m.GetWidth())
		for x := range out[y] {
			out[y][x] = m.Get(x, y) == 1
		}
	}
	return out
}

func encodeWith(t *testing.T, enc interface{ Bytes([]byte) ([]byte, error) }, s string) []byte {
	t.Helper()
	b, err := enc.Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCharset: byte-mode text comes out as written. UTF-8 first, an ECI
// wins, and without one the charset is guessed as ZXing does, so
// Shift_JIS and Latin-1 text is not read as (garbled) UTF-8.
func TestCharset(t *testing.T) {
	const (
		jp    = "二段階認証の設定コード：山田太郎様"
		latin = "Zugangsdaten für Jürgen Müller, Köln"
		uri   = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"
	)
	cases := []struct {
		name string
		mods [][]bool
		want string
	}{
		{"ascii otpauth", rawByteCode(t, []byte(uri)), uri},
		{"utf-8 without ECI", rawByteCode(t, []byte(jp)), jp},
		{"utf-8 otpauth label", rawByteCode(t, []byte("otpauth://totp/Bäckerei:jörg?secret=JBSWY3DPEHPK3PXP")), "otpauth://totp/Bäckerei:jörg?secret=JBSWY3DPEHPK3PXP"},
		{"shift_jis without ECI", rawByteCode(t, encodeWith(t, japanese.ShiftJIS.NewEncoder(), jp)), jp},
		{"iso-8859-1 without ECI", rawByteCode(t, encodeWith(t, charmap.ISO8859_1.NewEncoder(), latin)), latin},
		{"shift_jis ECI", eciCode(t, "設定コード ABC-123 田中様", "Shift_JIS"), "設定コード ABC-123 田中様"},
		{"iso-8859-7 ECI", eciCode(t, "Κωδικός επαλήθευσης", "ISO-8859-7"), "Κωδικός επαλήθευσης"},
		{"windows-1251 ECI", eciCode(t, "Пароль для входа", "windows-1251"), "Пароль для входа"},
		{"utf-8 ECI", eciCode(t, "Код подтверждения 🔐", "UTF-8"), "Код подтверждения 🔐"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Image(drawModules(c.mods, 4))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0] != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
