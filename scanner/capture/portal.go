package capture

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"net/url"
	"os"
	"strings"
	"time"

	"authdesk/scanner"

	"github.com/godbus/dbus/v5"
)

// portalTimeout bounds the wait for the portal's answer, which may include
// the user clicking "Share" in a desktop dialog.
const portalTimeout = 60 * time.Second

// portalScreenshot asks xdg-desktop-portal for a screenshot of the whole
// desktop over the D-Bus session bus (org.freedesktop.portal.Screenshot),
// reads the file it writes and deletes it: a screenshot of a page holding a
// TOTP secret must not be left in the user's Pictures folder.
func portalScreenshot() (image.Image, error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("connect to the session bus: %w", err)
	}
	defer conn.Close()
	return portalScreenshotOn(conn, portalTimeout)
}

func portalScreenshotOn(conn *dbus.Conn, timeout time.Duration) (image.Image, error) {
	var tok [8]byte
	if _, err := rand.Read(tok[:]); err != nil {
		return nil, err
	}
	token := "authdesk_" + hex.EncodeToString(tok[:])
	names := conn.Names()
	if len(names) == 0 {
		return nil, errors.New("no unique name on the session bus")
	}
	sender := strings.ReplaceAll(strings.TrimPrefix(names[0], ":"), ".", "_")
	request := dbus.ObjectPath("/org/freedesktop/portal/desktop/request/" + sender + "/" + token)

	// Subscribe before calling, so the response cannot be missed.
	if err := conn.AddMatchSignal(
		dbus.WithMatchObjectPath(request),
		dbus.WithMatchInterface("org.freedesktop.portal.Request"),
		dbus.WithMatchMember("Response"),
	); err != nil {
		return nil, fmt.Errorf("subscribe to the portal response: %w", err)
	}
	signals := make(chan *dbus.Signal, 4)
	conn.Signal(signals)
	defer conn.RemoveSignal(signals)

	obj := conn.Object("org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop")
	opts := map[string]dbus.Variant{
		"handle_token": dbus.MakeVariant(token),
		"interactive":  dbus.MakeVariant(false),
		"modal":        dbus.MakeVariant(false),
	}
	var handle dbus.ObjectPath
	if err := obj.Call("org.freedesktop.portal.Screenshot.Screenshot", 0, "", opts).Store(&handle); err != nil {
		return nil, fmt.Errorf("call Screenshot: %w", err)
	}
	if handle != request {
		// Old portals return a different handle; listen on that one too.
		_ = conn.AddMatchSignal(dbus.WithMatchObjectPath(handle),
			dbus.WithMatchInterface("org.freedesktop.portal.Request"), dbus.WithMatchMember("Response"))
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case <-timer.C:
			return nil, fmt.Errorf("no answer from the portal in %v", timeout)
		case sig, ok := <-signals:
			if !ok {
				return nil, errors.New("session bus closed")
			}
			if sig.Name != "org.freedesktop.portal.Request.Response" || (sig.Path != request && sig.Path != handle) {
				continue
			}
			return portalResult(sig.Body)
		}
	}
}

// portalResult reads the screenshot named in a Response signal's body.
func portalResult(body []any) (image.Image, error) {
	if len(body) != 2 {
		return nil, errors.New("malformed portal response")
	}
	code, _ := body[0].(uint32)
	switch code {
	case 0:
	case 1:
		return nil, errors.New("the screenshot was cancelled")
	default:
		return nil, fmt.Errorf("the portal refused the screenshot (response %d)", code)
	}
	results, _ := body[1].(map[string]dbus.Variant)
	uri, _ := results["uri"].Value().(string)
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || u.Path == "" {
		return nil, fmt.Errorf("the portal answered with %q, not a file URI", uri)
	}
	b, err := scanner.ReadFile(u.Path)
	_ = os.Remove(u.Path)
	if err != nil {
		return nil, err
	}
	g, err := scanner.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("portal screenshot: %w", err)
	}
	return g, nil
}
