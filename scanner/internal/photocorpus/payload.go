package photocorpus

import (
	"encoding/base32"
	"fmt"
	"math/rand/v2"
	"net/url"

	"github.com/makiuchi-d/gozxing"
	zqr "github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// payload is what one code holds: the text a reader must print, and how it
// is put into the symbol (the charset of its byte segment, and whether an
// ECI names that charset).
type payload struct {
	text    string
	kind    string // otpauth, utf8, sjis, latin1, eci
	charset string // for eci: the ECI's charset name
}

var issuers = []string{"GitHub", "Example Bank", "ACME Corp", "Fastmail", "Proton", "Bäckerei Müller", "Cloudflare", "Nextcloud"}

// otpauthURI is a realistic TOTP or HOTP setup URI.
func otpauthURI(rng *rand.Rand) string {
	iss := issuers[rng.IntN(len(issuers))]
	key := make([]byte, 10+rng.IntN(11))
	for i := range key {
		key[i] = byte(rng.UintN(256))
	}
	v := url.Values{}
	v.Set("secret", base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(key))
	v.Set("issuer", iss)
	kind := "totp"
	if rng.IntN(6) == 0 {
		kind = "hotp"
		v.Set("counter", fmt.Sprint(rng.IntN(1000)))
	}
	return "otpauth://" + kind + "/" + url.PathEscape(fmt.Sprintf("%s:user%d@example.com", iss, rng.IntN(10000))) + "?" + v.Encode()
}

// Texts for the non-ASCII payloads: notes people print beside a code.
var (
	japaneseTexts = []string{
		"二段階認証の設定コード：山田太郎様",
		"アカウント確認用のコードです。大切に保管してください",
		"ログイン用ワンタイムパスワード設定 東京支店",
		"認証アプリでこのコードを読み取ってください",
	}
	latin1Texts = []string{
		"Zugangsdaten für Jürgen Müller, Köln",
		"Señora Muñoz: código de verificación",
		"Bjørn Sørensen, Århus: nøglekort",
		"Crème brûlée für Günther, Straße 5",
	}
	eciTexts = []struct{ charset, text string }{
		{"UTF-8", "Код подтверждения: Иван Петров"},
		{"Shift_JIS", "設定コード ABC-123 田中様"},
		{"ISO-8859-7", "Κωδικός επαλήθευσης για τον Γιώργο"},
		{"windows-1251", "Пароль для входа: Мария Соколова"},
		{"ISO-8859-1", "Grüße aus Zürich, Fräulein Ärger"},
		{"UTF-8", "認証コード 🔐 user@example.com"},
	}
)

// pickPayload chooses the payload of case i: mostly otpauth URIs, and a
// fixed share of each charset case so that every corpus has them.
func pickPayload(rng *rand.Rand, i int) payload {
	switch i % 10 {
	case 3:
		return payload{text: japaneseTexts[rng.IntN(len(japaneseTexts))], kind: "sjis"}
	case 6:
		return payload{text: latin1Texts[rng.IntN(len(latin1Texts))], kind: "latin1"}
	case 8:
		e := eciTexts[rng.IntN(len(eciTexts))]
		return payload{text: e.text, kind: "eci", charset: e.charset}
	case 9:
		if i%20 == 9 {
			return payload{text: japaneseTexts[rng.IntN(len(japaneseTexts))] + " (UTF-8)", kind: "utf8"}
		}
	}
	return payload{text: otpauthURI(rng), kind: "otpauth"}
}

// modules returns the code's modules, without a quiet zone: true is dark.
// Byte segments without an ECI carry the raw bytes of the charset (as
// encoders that know nothing of ECI write them); with one, gozxing's
// encoder writes the ECI designator first.
func (p payload) modules() ([][]bool, error) {
	var raw []byte
	switch p.kind {
	case "eci":
		return eciModules(p.text, p.charset)
	case "sjis":
		b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(p.text))
		if err != nil {
			return nil, fmt.Errorf("shift_jis %q: %w", p.text, err)
		}
		raw = b
	case "latin1":
		b, err := charmap.ISO8859_1.NewEncoder().Bytes([]byte(p.text))
		if err != nil {
			return nil, fmt.Errorf("iso-8859-1 %q: %w", p.text, err)
		}
		raw = b
	default:
		raw = []byte(p.text)
	}
	q, err := qrcode.New(string(raw), qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("encode %q: %w", p.text, err)
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
}

// eciModules encodes text in charset with an ECI designator.
func eciModules(text, charset string) ([][]bool, error) {
	hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_CHARACTER_SET: charset}
	q, err := encoder.Encoder_encode(text, zqr.ErrorCorrectionLevel_M, hints)
	if err != nil {
		return nil, fmt.Errorf("encode %q with ECI %s: %w", text, charset, err)
	}
	m := q.GetMatrix()
	out := make([][]bool, m.GetHeight())
	for y := range out {
		out[y] = make([]bool, m.GetWidth())
		for x := range out[y] {
			out[y][x] = m.Get(x, y) == 1
		}
	}
	return out, nil
}
