package capture

import (
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"authdesk/scanner"

	"github.com/godbus/dbus/v5"
	qrcode "github.com/skip2/go-qrcode"
)

// Tests here need a desktop: an X display, a D-Bus session bus, xclip and
// ImageMagick's display. Run them with
//
//	.ci/desktop-session go test ./scanner/...
//
// Without one they skip, unless AUTHDESK_REQUIRE_DESKTOP=1 makes them fail.

func needDesktop(t *testing.T, env ...string) {
	t.Helper()
	for _, e := range env {
		if os.Getenv(e) == "" {
			if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
				t.Fatalf("%s is not set and AUTHDESK_REQUIRE_DESKTOP=1: run under .ci/desktop-session", e)
			}
			t.Skipf("%s is not set: run under .ci/desktop-session (AUTHDESK_REQUIRE_DESKTOP=1 makes this fail)", e)
		}
	}
}

func needBinary(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
			t.Fatalf("%s is not installed and AUTHDESK_REQUIRE_DESKTOP=1", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

// writeQR writes a PNG of payload, size pixels a side, to dir.
func writeQR(t *testing.T, dir, payload string, size int) string {
	t.Helper()
	b, err := qrcode.Encode(payload, qrcode.Medium, size)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "qr.png")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestScreenX11 shows a QR code in a real X window (ImageMagick's display)
// and reads it back from a capture of the screen.
func TestScreenX11(t *testing.T) {
	needDesktop(t, "DISPLAY")
	if isWayland(os.Getenv) {
		t.Skip("Wayland session: X11 capture is not used there")
	}
	holdDisplay(t, os.Getenv("DISPLAY"))
	display := needBinary(t, "display")
	const payload = "otpauth://totp/Xvfb:screen@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Xvfb"
	path := writeQR(t, t.TempDir(), payload, 330)
	cmd := exec.Command(display, "-geometry", "+300+200", "-title", "authdesk-scan-test", path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	// The window takes a moment to map; poll the real capture.
	deadline := time.Now().Add(15 * time.Second)
	var (
		got []string
		err error
	)
	for time.Now().Before(deadline) {
		got, err = Screen()
		if err == nil {
			break
		}
		if !errors.Is(err, scanner.ErrNoQRCode) {
			t.Fatalf("Screen: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("Screen after 15s: %v", err)
	}
	// Other packages' tests share the X screen under make test, and their
	// windows may show QR codes of their own: ours must be among the codes.
	if !slices.Contains(got, payload) {
		t.Fatalf("Screen = %q, want it to hold %q", got, payload)
	}
}

// TestScreenUnavailable: without a display the error says what to do.
func TestScreenUnavailable(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	_, err := captureScreens(getenv)
	if !errors.Is(err, ErrScreenUnavailable) {
		t.Fatalf("no display: err = %v, want ErrScreenUnavailable", err)
	}
	if !strings.Contains(err.Error(), "open a screenshot") {
		t.Errorf("message %q does not say what to do instead", err)
	}
}

// TestClipboard puts a PNG on the real X clipboard with xclip and reads it
// through the library and through the xclip fallback.
func TestClipboard(t *testing.T) {
	needDesktop(t, "DISPLAY")
	if isWayland(os.Getenv) {
		t.Skip("Wayland session: this test drives the X11 clipboard")
	}
	xclip := needBinary(t, "xclip")
	const payload = "otpauth://totp/Clip:board@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Clip"
	path := writeQR(t, t.TempDir(), payload, 256)
	serveClipboard(t, xclip, "image/png", path, "")

	noLib := func() ([]byte, error) { return nil, errors.New("library disabled for this test") }
	tests := []struct {
		name string
		lib  func() ([]byte, error)
	}{
		{"library", libClipboardImage},
		{"xclip fallback", noLib},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := clipboardImage(os.Getenv, tt.lib)
			if err != nil {
				t.Fatalf("clipboardImage: %v", err)
			}
			got, err := scanner.Bytes(b)
			if err != nil {
				t.Fatalf("Bytes: %v", err)
			}
			if !slices.Equal(got, []string{payload}) {
				t.Fatalf("got %q, want %q", got, payload)
			}
		})
	}
	got, err := Clipboard()
	if err != nil || !slices.Equal(got, []string{payload}) {
		t.Fatalf("Clipboard() = %q, %v", got, err)
	}
}

// serveClipboard makes xclip own the clipboard with the file (or text) as
// mime, and waits until the X server says so: -quiet keeps xclip in the
// foreground, so the test owns the process and stops it. A fresh xclip
// sometimes loses the selection right after a previous owner was killed,
// so it is started again until the clipboard offers the type.
func serveClipboard(t *testing.T, xclip, mime, file, text string) {
	t.Helper()
	for attempt := 0; attempt < 5; attempt++ {
		args := []string{"-quiet", "-selection", "clipboard", "-t", mime}
		if file != "" {
			args = append(args, "-i", file)
		}
		cmd := exec.Command(xclip, args...)
		cmd.Stdin = strings.NewReader(text)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		for i := 0; i < 20; i++ {
			out, _ := exec.Command(xclip, "-selection", "clipboard", "-t", "TARGETS", "-o").Output()
			if strings.Contains(string(out), mime) {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		_ = cmd.Process.Kill()
	}
	t.Fatalf("xclip could not take the clipboard with %s", mime)
}

// TestClipboardText: text on the clipboard is not an image.
func TestClipboardText(t *testing.T) {
	needDesktop(t, "DISPLAY")
	if isWayland(os.Getenv) {
		t.Skip("Wayland session")
	}
	xclip := needBinary(t, "xclip")
	serveClipboard(t, xclip, "UTF8_STRING", "", "just some text")
	_, err := Clipboard()
	if !errors.Is(err, ErrClipboardNoImage) {
		t.Fatalf("Clipboard() error = %v, want ErrClipboardNoImage", err)
	}
}

// fakePortal is an org.freedesktop.portal.Screenshot on the real session
// bus: it writes a PNG and answers with the Request.Response signal, as
// xdg-desktop-portal does.
type fakePortal struct {
	conn *dbus.Conn
	png  []byte
	dir  string
	path chan string
}

func (p *fakePortal) Screenshot(sender dbus.Sender, parent string, opts map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	token, _ := opts["handle_token"].Value().(string)
	s := strings.ReplaceAll(strings.TrimPrefix(string(sender), ":"), ".", "_")
	req := dbus.ObjectPath("/org/freedesktop/portal/desktop/request/" + s + "/" + token)
	file := filepath.Join(p.dir, "Screenshot.png")
	if err := os.WriteFile(file, p.png, 0o600); err != nil {
		return "", dbus.MakeFailedError(err)
	}
	p.path <- file
	go func() {
		time.Sleep(50 * time.Millisecond)
		_ = p.conn.Emit(req, "org.freedesktop.portal.Request.Response", uint32(0),
			map[string]dbus.Variant{"uri": dbus.MakeVariant("file://" + file)})
	}()
	return req, nil
}

func TestPortalScreenshot(t *testing.T) {
	needDesktop(t, "DBUS_SESSION_BUS_ADDRESS")
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("session bus: %v", err)
	}
	defer conn.Close()
	reply, err := conn.RequestName("org.freedesktop.portal.Desktop", dbus.NameFlagDoNotQueue)
	if err != nil {
		t.Fatal(err)
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		t.Skip("a real xdg-desktop-portal owns the name on this bus")
	}
	const payload = "otpauth://totp/Portal:wayland@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Portal"
	dir := t.TempDir()
	qr, err := qrcode.Encode(payload, qrcode.Medium, 300)
	if err != nil {
		t.Fatal(err)
	}
	p := &fakePortal{conn: conn, png: qr, dir: dir, path: make(chan string, 1)}
	if err := conn.Export(p, "/org/freedesktop/portal/desktop", "org.freedesktop.portal.Screenshot"); err != nil {
		t.Fatal(err)
	}
	img, err := portalScreenshot()
	if err != nil {
		t.Fatalf("portalScreenshot: %v", err)
	}
	got, err := scanner.Image(img)
	if err != nil || !slices.Equal(got, []string{payload}) {
		t.Fatalf("Image = %q, %v", got, err)
	}
	if _, err := os.Stat(<-p.path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the portal's screenshot file was left behind (stat: %v)", err)
	}
}

// TestPortalResult covers the answers a portal may give.
func TestPortalResult(t *testing.T) {
	dir := t.TempDir()
	notPNG := filepath.Join(dir, "x.png")
	if err := os.WriteFile(notPNG, []byte("nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.png")
	f, err := os.Create(good)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 50, 50))
	img.SetGray(1, 1, color.Gray{})
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	uri := func(s string) map[string]dbus.Variant { return map[string]dbus.Variant{"uri": dbus.MakeVariant(s)} }
	tests := []struct {
		name string
		body []any
		want string // substring of the error; "" for success
	}{
		{"ok", []any{uint32(0), uri("file://" + good)}, ""},
		{"cancelled", []any{uint32(1), uri("")}, "cancelled"},
		{"refused", []any{uint32(2), uri("")}, "refused"},
		{"short body", []any{uint32(0)}, "malformed"},
		{"http uri", []any{uint32(0), uri("http://example.com/x.png")}, "not a file URI"},
		{"no uri", []any{uint32(0), map[string]dbus.Variant{}}, "not a file URI"},
		{"not an image", []any{uint32(0), uri("file://" + notPNG)}, "unsupported or corrupt image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := portalResult(tt.body)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestPickImageType(t *testing.T) {
	tests := []struct{ list, want string }{
		{"TARGETS\nUTF8_STRING\nimage/png\nimage/bmp\n", "image/png"},
		{"image/jpeg\nimage/bmp", "image/bmp"},
		{"text/plain\nUTF8_STRING", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := pickImageType(tt.list); got != tt.want {
			t.Errorf("pickImageType(%q) = %q, want %q", tt.list, got, tt.want)
		}
	}
}
