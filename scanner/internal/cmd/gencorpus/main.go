// Command gen builds the scanner's screenshot corpus: HTML pages holding QR
// codes are rendered by headless Chromium at several screen sizes and device
// scales, then degraded with ImageMagick (JPEG, half size, blur, rotation,
// low contrast). It writes the images and manifest.json, which lists the
// exact payloads each image must yield.
//
//	go run ./scanner/internal/cmd/gencorpus                       # the committed corpus
//	go run ./scanner/internal/cmd/gencorpus -out /tmp/corpus -seed 7 -variants 3   # a bigger one for the benchmark
//
// Needs /usr/bin/chromium and ImageMagick's convert.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"html/template"
	"image"
	"image/color"
	_ "image/jpeg"
	"image/png"
	"log"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"authdesk/scanner/internal/manifest"

	qrcode "github.com/skip2/go-qrcode"
	"google.golang.org/protobuf/encoding/protowire"
)

// Code is one QR code on a page.
type Code struct {
	Payload  string
	Module   float64 // CSS pixels per module
	Style    string  // "", "inverted", "lowcontrast", "logo"
	Smooth   bool    // browser interpolates instead of pixelated scaling
	Level    qrcode.RecoveryLevel
	Label    string
	imageURL template.URL
	cssSize  float64
}

// Case is one corpus image.
type Case struct {
	Name       string
	Categories []string
	W, H       int     // screen size in device pixels
	Scale      float64 // device scale factor
	Dark       bool
	Codes      []Code
	Columns    int      // codes per row; 0: all in one row
	Degrade    []string // ImageMagick operators applied after rendering
	Ext        string   // png or jpg
}

func main() {
	out := flag.String("out", "scanner/testdata/corpus", "output directory")
	seed := flag.Uint64("seed", 1, "random seed for payloads and layouts")
	variants := flag.Int("variants", 1, "how many times to repeat the case list with fresh payloads")
	only := flag.String("only", "", "generate only cases whose name contains this")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(*seed, *seed*7919+1))
	var cases []Case
	for v := 0; v < *variants; v++ {
		for _, c := range cases1(rng) {
			if *variants > 1 {
				c.Name = fmt.Sprintf("%s-v%d", c.Name, v)
			}
			if *only == "" || strings.Contains(c.Name, *only) {
				cases = append(cases, c)
			}
		}
	}
	entries := make([]manifest.Entry, len(cases))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	var failed bool
	var mu sync.Mutex
	for i, c := range cases {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			e, err := build(c, *out)
			if err != nil {
				mu.Lock()
				failed = true
				mu.Unlock()
				log.Printf("%s: %v", c.Name, err)
				return
			}
			entries[i] = e
			log.Printf("%s: %dx%d", e.File, e.Width, e.Height)
		}()
	}
	wg.Wait()
	if failed {
		os.Exit(1)
	}
	if *only != "" {
		return
	}
	b, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, manifest.Name), append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

var issuers = []string{"GitHub", "Google", "Example Bank", "ACME Corp", "Fastmail", "Proton", "Dropbox", "Bäckerei Müller", "AWS", "Cloudflare", "Nextcloud", "Mastodon"}

func secret(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

const b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

func base32(b []byte) string {
	var sb strings.Builder
	var acc, bits uint
	for _, c := range b {
		acc = acc<<8 | uint(c)
		bits += 8
		for bits >= 5 {
			sb.WriteByte(b32[(acc>>(bits-5))&31])
			bits -= 5
		}
	}
	if bits > 0 {
		sb.WriteByte(b32[(acc<<(5-bits))&31])
	}
	return sb.String()
}

// otpauth returns a realistic otpauth URI.
func otpauth(rng *rand.Rand) string {
	iss := issuers[rng.IntN(len(issuers))]
	user := fmt.Sprintf("user%d@example.com", rng.IntN(10000))
	v := url.Values{}
	v.Set("secret", base32(secret(rng, 10+rng.IntN(11))))
	v.Set("issuer", iss)
	if rng.IntN(3) == 0 {
		v.Set("digits", "8")
		v.Set("algorithm", "SHA256")
	}
	if rng.IntN(5) == 0 {
		v.Set("counter", fmt.Sprint(rng.IntN(1000)))
		return "otpauth://hotp/" + url.PathEscape(iss+":"+user) + "?" + v.Encode()
	}
	return "otpauth://totp/" + url.PathEscape(iss+":"+user) + "?" + v.Encode()
}

// migration returns a Google Authenticator export URI holding n accounts.
func migration(rng *rand.Rand, n, index, size int) string {
	var payload []byte
	for i := 0; i < n; i++ {
		var p []byte
		p = protowire.AppendTag(p, 1, protowire.BytesType)
		p = protowire.AppendBytes(p, secret(rng, 20))
		p = protowire.AppendTag(p, 2, protowire.BytesType)
		p = protowire.AppendString(p, fmt.Sprintf("user%d@example.com", rng.IntN(10000)))
		p = protowire.AppendTag(p, 3, protowire.BytesType)
		p = protowire.AppendString(p, issuers[rng.IntN(len(issuers))])
		p = protowire.AppendTag(p, 4, protowire.VarintType)
		p = protowire.AppendVarint(p, 1) // SHA1
		p = protowire.AppendTag(p, 5, protowire.VarintType)
		p = protowire.AppendVarint(p, 1) // six digits
		p = protowire.AppendTag(p, 6, protowire.VarintType)
		p = protowire.AppendVarint(p, 2) // TOTP
		payload = protowire.AppendTag(payload, 1, protowire.BytesType)
		payload = protowire.AppendBytes(payload, p)
	}
	for f, v := range []uint64{1, uint64(size), uint64(index), uint64(rng.Uint32() >> 1)} {
		payload = protowire.AppendTag(payload, protowire.Number(f+2), protowire.VarintType)
		payload = protowire.AppendVarint(payload, v)
	}
	return "otpauth-migration://offline?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(payload))
}

// cases1 is the case list: every acceptance category at least once.
func cases1(rng *rand.Rand) []Case {
	one := func(mod float64, style string) []Code {
		return []Code{{Payload: otpauth(rng), Module: mod, Style: style, Level: qrcode.Medium}}
	}
	var cs []Case
	add := func(c Case) {
		if c.Ext == "" {
			c.Ext = "png"
		}
		cs = append(cs, c)
	}
	// Device scales and screen sizes, light and dark pages.
	add(Case{Name: "s1-1080-light", Categories: []string{"scale1", "1080p", "light"}, W: 1920, H: 1080, Scale: 1, Codes: one(4, "")})
	add(Case{Name: "s125-1080-light-smooth", Categories: []string{"scale1.25", "1080p", "light"}, W: 1920, H: 1080, Scale: 1.25, Codes: []Code{{Payload: otpauth(rng), Module: 3.3, Smooth: true, Level: qrcode.Medium}}})
	add(Case{Name: "s15-1440-dark", Categories: []string{"scale1.5", "1440p", "dark"}, W: 2560, H: 1440, Scale: 1.5, Dark: true, Codes: one(3, "")})
	add(Case{Name: "s2-4k-light", Categories: []string{"scale2", "4k", "light"}, W: 3840, H: 2160, Scale: 2, Codes: one(4, "")})
	add(Case{Name: "s1-4k-dark", Categories: []string{"scale1", "4k", "dark"}, W: 3840, H: 2160, Scale: 1, Dark: true, Codes: one(5, "")})
	add(Case{Name: "s125-1440-light", Categories: []string{"scale1.25", "1440p", "light"}, W: 2560, H: 1440, Scale: 1.25, Codes: one(4, "")})
	add(Case{Name: "s15-4k-light", Categories: []string{"scale1.5", "4k", "light"}, W: 3840, H: 2160, Scale: 1.5, Codes: one(3, "")})
	// Two device pixels per module.
	add(Case{Name: "px2-1080", Categories: []string{"2px", "scale1", "1080p"}, W: 1920, H: 1080, Scale: 1, Codes: one(2, "")})
	add(Case{Name: "px2-4k", Categories: []string{"2px", "scale1", "4k"}, W: 3840, H: 2160, Scale: 1, Codes: one(2, "")})
	add(Case{Name: "px2-1440-dark", Categories: []string{"2px", "scale1", "1440p", "dark"}, W: 2560, H: 1440, Scale: 1, Dark: true, Codes: one(2, "")})
	// JPEG.
	add(Case{Name: "jpeg35-1080", Categories: []string{"jpeg", "1080p"}, W: 1920, H: 1080, Scale: 1, Codes: one(3, ""), Degrade: []string{"-quality", "35"}, Ext: "jpg"})
	add(Case{Name: "jpeg50-1440-s125", Categories: []string{"jpeg", "1440p", "scale1.25"}, W: 2560, H: 1440, Scale: 1.25, Codes: one(3, ""), Degrade: []string{"-quality", "50"}, Ext: "jpg"})
	add(Case{Name: "jpeg35-4k-s2", Categories: []string{"jpeg", "4k", "scale2"}, W: 3840, H: 2160, Scale: 2, Codes: one(3, ""), Degrade: []string{"-quality", "35"}, Ext: "jpg"})
	add(Case{Name: "jpeg40-1080-dark-inverted", Categories: []string{"jpeg", "1080p", "dark", "inverted"}, W: 1920, H: 1080, Scale: 1, Dark: true, Codes: one(4, "inverted"), Degrade: []string{"-quality", "40"}, Ext: "jpg"})
	// Scaled down by half.
	add(Case{Name: "half-4k-s2", Categories: []string{"half", "scale2"}, W: 3840, H: 2160, Scale: 2, Codes: one(3, ""), Degrade: []string{"-resize", "50%"}})
	add(Case{Name: "half-1440-s125", Categories: []string{"half", "scale1.25"}, W: 2560, H: 1440, Scale: 1.25, Codes: one(4, ""), Degrade: []string{"-resize", "50%"}})
	// Blur.
	add(Case{Name: "blur-1080", Categories: []string{"blur", "1080p"}, W: 1920, H: 1080, Scale: 1, Codes: one(4, ""), Degrade: []string{"-blur", "0x1"}})
	add(Case{Name: "blur-1440-s15", Categories: []string{"blur", "1440p", "scale1.5"}, W: 2560, H: 1440, Scale: 1.5, Codes: one(3, ""), Degrade: []string{"-blur", "0x1.2"}, Ext: "jpg"})
	// Rotation.
	add(Case{Name: "rot3-1080", Categories: []string{"rotate3", "1080p"}, W: 1920, H: 1080, Scale: 1, Codes: one(4, ""), Degrade: []string{"-background", "white", "-rotate", "3"}})
	add(Case{Name: "rot3-1440-dark", Categories: []string{"rotate3", "1440p", "dark"}, W: 2560, H: 1440, Scale: 1.25, Dark: true, Codes: one(3, ""), Degrade: []string{"-background", "#121212", "-rotate", "-3"}, Ext: "jpg"})
	add(Case{Name: "rot90-1080", Categories: []string{"rotate90", "1080p"}, W: 1920, H: 1080, Scale: 1, Codes: one(4, ""), Degrade: []string{"-rotate", "90"}})
	add(Case{Name: "rot90-4k-s2", Categories: []string{"rotate90", "4k", "scale2"}, W: 3840, H: 2160, Scale: 2, Codes: one(3, ""), Degrade: []string{"-rotate", "270"}, Ext: "jpg"})
	// Low contrast: drawn low-contrast codes, and whole screenshots squeezed with -level.
	add(Case{Name: "lowcontrast-1080", Categories: []string{"lowcontrast", "1080p"}, W: 1920, H: 1080, Scale: 1, Codes: one(4, "lowcontrast")})
	add(Case{Name: "lowcontrast-level-1440", Categories: []string{"lowcontrast", "1440p", "scale1.25"}, W: 2560, H: 1440, Scale: 1.25, Codes: one(3, ""), Degrade: []string{"+level", "35%,65%"}, Ext: "jpg"})
	add(Case{Name: "lowcontrast-dark-4k", Categories: []string{"lowcontrast", "4k", "dark", "scale2"}, W: 3840, H: 2160, Scale: 2, Dark: true, Codes: one(3, "lowcontrast")})
	// Inverted.
	add(Case{Name: "inverted-1080-dark", Categories: []string{"inverted", "1080p", "dark"}, W: 1920, H: 1080, Scale: 1, Dark: true, Codes: one(4, "inverted")})
	add(Case{Name: "inverted-1440-s15", Categories: []string{"inverted", "1440p", "scale1.5"}, W: 2560, H: 1440, Scale: 1.5, Dark: true, Codes: one(3, "inverted")})
	add(Case{Name: "inverted-4k-s2-light", Categories: []string{"inverted", "4k", "scale2", "light"}, W: 3840, H: 2160, Scale: 2, Codes: one(3, "inverted")})
	add(Case{Name: "inverted-px2-1080", Categories: []string{"inverted", "2px", "1080p"}, W: 1920, H: 1080, Scale: 1, Dark: true, Codes: one(2, "inverted")})
	// Logo over the centre.
	add(Case{Name: "logo-1080", Categories: []string{"logo", "1080p"}, W: 1920, H: 1080, Scale: 1, Codes: []Code{{Payload: otpauth(rng), Module: 5, Style: "logo", Level: qrcode.Highest}}})
	add(Case{Name: "logo-4k-s2-dark", Categories: []string{"logo", "4k", "scale2", "dark"}, W: 3840, H: 2160, Scale: 2, Dark: true, Codes: []Code{{Payload: otpauth(rng), Module: 4, Style: "logo", Level: qrcode.Highest}}, Ext: "jpg", Degrade: []string{"-quality", "60"}})
	// Google Authenticator exports: dense codes, several per page.
	add(Case{Name: "gaexport-1080-s1", Categories: []string{"gaexport", "1080p", "scale1"}, W: 1920, H: 1080, Scale: 1, Codes: []Code{{Payload: migration(rng, 8, 0, 1), Module: 3, Level: qrcode.Low}}})
	add(Case{Name: "gaexport-1440-s125-jpeg", Categories: []string{"gaexport", "1440p", "scale1.25", "jpeg"}, W: 2560, H: 1440, Scale: 1.25, Codes: []Code{{Payload: migration(rng, 10, 0, 1), Module: 3, Level: qrcode.Low}}, Degrade: []string{"-quality", "70"}, Ext: "jpg"})
	grid := func(n, size int, mod float64) []Code {
		var c []Code
		for i := 0; i < n; i++ {
			c = append(c, Code{Payload: migration(rng, 4, i, size), Module: mod, Level: qrcode.Low, Label: fmt.Sprintf("%d of %d", i+1, size)})
		}
		return c
	}
	add(Case{Name: "gaexport-grid-4k-s2", Categories: []string{"gaexport", "multi", "4k", "scale2"}, W: 3840, H: 2160, Scale: 2, Codes: grid(6, 6, 2.5), Columns: 3})
	add(Case{Name: "gaexport-grid-1080", Categories: []string{"gaexport", "multi", "1080p", "scale1"}, W: 1920, H: 1080, Scale: 1, Codes: grid(4, 4, 3), Columns: 4})
	// Several accounts on one page.
	add(Case{Name: "multi-two-1080", Categories: []string{"multi", "1080p"}, W: 1920, H: 1080, Scale: 1, Codes: append(one(4, ""), one(4, "")...)})
	add(Case{Name: "multi-grid-1440-dark", Categories: []string{"multi", "1440p", "dark", "scale1.25"}, W: 2560, H: 1440, Scale: 1.25, Dark: true, Codes: append(append(one(3, ""), one(3, "")...), append(one(3, ""), one(3, "")...)...), Columns: 2})
	return cs
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><style>
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; background: {{if .Dark}}#121212{{else}}#ffffff{{end}}; color: {{if .Dark}}#e0e0e0{{else}}#202124{{end}}; }
header { padding: 12px 32px; background: {{if .Dark}}#1f1f1f{{else}}#f1f3f4{{end}}; border-bottom: 1px solid #888; font-weight: 600; }
main { display: flex; gap: 48px; padding: 24px 32px; }
.text { max-width: 520px; }
.codes { display: grid; grid-template-columns: repeat({{.Columns}}, auto); gap: 40px; align-content: start; }
figure { margin: 0; text-align: center; }
.wrap { position: relative; display: inline-block; line-height: 0; }
.logo { position: absolute; left: 50%; top: 50%; transform: translate(-50%,-50%); background: #1a73e8; color: #fff; border: 4px solid #fff; border-radius: 12px; display: flex; align-items: center; justify-content: center; font: 700 24px sans-serif; line-height: 1; }
figcaption { font-size: 14px; margin-top: 6px; }
</style></head><body>
<header>Security settings — Two-factor authentication</header>
<main>
<div class="text">
<h2>Set up your authenticator app</h2>
<p>Scan the QR code with your authenticator app. If you cannot scan it, enter the setup key manually. Keep your recovery codes in a safe place: they are the only way into your account if you lose your phone.</p>
<ol><li>Open the app and choose "Add account".</li><li>Point the camera at the code or import a screenshot.</li><li>Enter the six-digit code to confirm.</li></ol>
<p style="opacity:.7">Lorem ipsum dolor sit amet, consectetur adipiscing elit. Integer nec odio. Praesent libero. Sed cursus ante dapibus diam. Sed nisi. Nulla quis sem at nibh elementum imperdiet.</p>
</div>
<div class="codes">
{{range .Codes}}<figure><div class="wrap"><img src="{{.ImageURL}}" style="width:{{.CSSSize}}px;height:{{.CSSSize}}px;{{if not .Smooth}}image-rendering:pixelated{{end}}">{{if eq .Style "logo"}}<div class="logo" style="width:{{.LogoSize}}px;height:{{.LogoSize}}px">A</div>{{end}}</div>{{if .Label}}<figcaption>{{.Label}}</figcaption>{{end}}</figure>
{{end}}</div>
</main></body></html>
`))

// ImageURL is the code as a data: URL, one pixel per module.
func (c Code) ImageURL() template.URL { return c.imageURL }

// CSSSize is the code's side in CSS pixels.
func (c Code) CSSSize() float64 { return c.cssSize }

// LogoSize is the side of the logo: about a fifth of the code.
func (c Code) LogoSize() int { return int(c.cssSize * 0.2) }

func codeImage(c *Code) error {
	q, err := qrcode.New(c.Payload, c.Level)
	if err != nil {
		return err
	}
	bm := q.Bitmap() // includes the 4-module quiet zone
	fg, bg := color.Gray{0}, color.Gray{255}
	switch c.Style {
	case "inverted":
		fg, bg = color.Gray{0xee}, color.Gray{0x18}
	case "lowcontrast":
		fg, bg = color.Gray{0x70}, color.Gray{0xb0}
	}
	n := len(bm)
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y, row := range bm {
		for x, on := range row {
			if on {
				img.SetGray(x, y, fg)
			} else {
				img.SetGray(x, y, bg)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	c.imageURL = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
	c.cssSize = float64(n) * c.Module
	return nil
}

func build(c Case, out string) (manifest.Entry, error) {
	tmp, err := os.MkdirTemp("", "authdesk-gen-")
	if err != nil {
		return manifest.Entry{}, err
	}
	defer os.RemoveAll(tmp)
	payloads := []string{}
	for i := range c.Codes {
		if err := codeImage(&c.Codes[i]); err != nil {
			return manifest.Entry{}, err
		}
		payloads = append(payloads, c.Codes[i].Payload)
	}
	if c.Columns == 0 {
		c.Columns = len(c.Codes)
	}
	htmlPath := filepath.Join(tmp, "page.html")
	var buf bytes.Buffer
	if err := page.Execute(&buf, c); err != nil {
		return manifest.Entry{}, err
	}
	if err := os.WriteFile(htmlPath, buf.Bytes(), 0o644); err != nil {
		return manifest.Entry{}, err
	}
	shot := filepath.Join(tmp, "shot.png")
	cssW := int(float64(c.W)/c.Scale + 0.5)
	cssH := int(float64(c.H)/c.Scale + 0.5)
	cmd := exec.Command("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir="+filepath.Join(tmp, "profile"),
		fmt.Sprintf("--force-device-scale-factor=%g", c.Scale),
		fmt.Sprintf("--window-size=%d,%d", cssW, cssH),
		"--screenshot="+shot, "file://"+htmlPath)
	if b, err := cmd.CombinedOutput(); err != nil {
		return manifest.Entry{}, fmt.Errorf("chromium: %v\n%s", err, b)
	}
	name := c.Name + "." + c.Ext
	args := []string{shot}
	args = append(args, c.Degrade...)
	if c.Ext == "png" {
		args = append(args, "-strip", "-define", "png:compression-level=9")
	} else if !contains(c.Degrade, "-quality") {
		args = append(args, "-quality", "85")
	}
	args = append(args, filepath.Join(out, name))
	if b, err := exec.Command("convert", args...).CombinedOutput(); err != nil {
		return manifest.Entry{}, fmt.Errorf("convert: %v\n%s", err, b)
	}
	f, err := os.Open(filepath.Join(out, name))
	if err != nil {
		return manifest.Entry{}, err
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil && c.Ext == "png" {
		return manifest.Entry{}, err
	}
	return manifest.Entry{File: name, Categories: c.Categories, Payloads: payloads, Width: cfg.Width, Height: cfg.Height}, nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
