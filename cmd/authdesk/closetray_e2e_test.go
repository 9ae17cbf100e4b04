//go:build e2e

package main_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// closeButton asks the window to close as a window manager's close button
// does: a WM_DELETE_WINDOW client message.
func closeButton(t *testing.T, wid string) {
	t.Helper()
	c, err := xgb.NewConn()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	atom := func(name string) xproto.Atom {
		r, err := xproto.InternAtom(c, false, uint16(len(name)), name).Reply()
		if err != nil {
			t.Fatal(err)
		}
		return r.Atom
	}
	id, err := strconv.ParseUint(wid, 10, 32)
	if err != nil {
		t.Fatal(err)
	}
	ev := xproto.ClientMessageEvent{Format: 32, Window: xproto.Window(id), Type: atom("WM_PROTOCOLS"),
		Data: xproto.ClientMessageDataUnionData32New([]uint32{uint32(atom("WM_DELETE_WINDOW")), 0, 0, 0, 0})}
	if err := xproto.SendEventChecked(c, false, xproto.Window(id), xproto.EventMaskNoEvent, string(ev.Bytes())).Check(); err != nil {
		t.Fatal(err)
	}
}

// exited waits up to d for authdesk to exit and reports whether it did,
// with its exit error.
func (a *app) exited(d time.Duration) (bool, error) {
	select {
	case <-a.done:
		return true, a.err
	case <-time.After(d):
		return false, nil
	}
}

// The close button quits Authdesk when no tray host is on the session bus
// (it would be lost hidden), and leaves it running in the tray when one is
// (issue #17 item 8).
func TestCloseButtonWithAndWithoutTray(t *testing.T) {
	t.Run("no tray host", func(t *testing.T) {
		e := newEnv(t)
		e.runCLI("e2e password\n", "--password-stdin", "init")
		a := e.start()
		a.waitReady(t)
		closeButton(t, a.wid)
		if ok, err := a.exited(30 * time.Second); !ok || err != nil {
			t.Fatalf("without a tray host the close button did not quit Authdesk within 30 s (exited %v: %v)", ok, err)
		}
	})
	t.Run("tray host", func(t *testing.T) {
		e := newEnv(t)
		w, _, _ := fakeDesktop(t)
		e.runCLI("e2e password\n", "--password-stdin", "init")
		a := e.start()
		a.waitReady(t)
		select {
		case <-w.added:
		case <-time.After(30 * time.Second):
			t.Fatal("Authdesk registered no tray item within 30 s")
		}
		closeButton(t, a.wid)
		if ok, err := a.exited(3 * time.Second); ok {
			t.Fatalf("with a tray host the close button quit Authdesk (%v)", err)
		}
	})
}
