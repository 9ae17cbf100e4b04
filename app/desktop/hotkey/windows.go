//go:build windows

package hotkey

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32                 = windows.NewLazySystemDLL("user32.dll")
	procRegisterHotKey     = user32.NewProc("RegisterHotKey")
	procUnregisterHotKey   = user32.NewProc("UnregisterHotKey")
	procGetMessageW        = user32.NewProc("GetMessageW")
	procPostThreadMessageW = user32.NewProc("PostThreadMessageW")
)

const (
	modAlt      = 0x1
	modControl  = 0x2
	modShift    = 0x4
	modWin      = 0x8
	modNoRepeat = 0x4000
	wmHotkey    = 0x0312
	wmQuit      = 0x0012
	hotkeyID    = 1

	errHotkeyAlreadyRegistered = windows.Errno(1409)
)

// msg is Win32's MSG.
type msg struct {
	hwnd    uintptr
	message uint32
	wParam  uintptr
	lParam  uintptr
	time    uint32
	pt      struct{ x, y int32 }
	private uint32
}

// winGrab is a shortcut registered with RegisterHotKey on a thread of its
// own, whose message loop receives WM_HOTKEY.
type winGrab struct {
	s    Shortcut
	tid  uint32
	done chan struct{}
}

// Register registers s with RegisterHotKey and calls fire, on the
// shortcut's own thread, at each press.
func Register(s Shortcut, fire func()) (Listener, error) {
	vk, ok := virtualKey(s.Key)
	if !ok {
		return nil, fmt.Errorf("key %q: %w", s.Key, ErrUnsupported)
	}
	var mods uintptr = modNoRepeat
	for _, m := range []struct {
		m   Modifier
		win uintptr
	}{{Ctrl, modControl}, {Alt, modAlt}, {Shift, modShift}, {Super, modWin}} {
		if s.Mods&m.m != 0 {
			mods |= m.win
		}
	}
	g := &winGrab{s: s, done: make(chan struct{})}
	res := make(chan error, 1)
	go func() {
		// The hotkey belongs to this thread: its messages come to this
		// thread's queue, and only it may unregister it.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		defer close(g.done)
		g.tid = windows.GetCurrentThreadId()
		if r, _, err := procRegisterHotKey.Call(0, hotkeyID, mods, vk); r == 0 {
			if errors.Is(err, errHotkeyAlreadyRegistered) {
				res <- fmt.Errorf("%s: %w", s, ErrTaken)
			} else {
				res <- fmt.Errorf("RegisterHotKey %s: %w", s, err)
			}
			return
		}
		res <- nil
		var m msg
		for {
			r, _, _ := procGetMessageW.Call(uintptr(unsafe.Pointer(&m)), 0, 0, 0)
			if int32(r) <= 0 {
				break
			}
			if m.message == wmHotkey && m.wParam == hotkeyID {
				fire()
			}
		}
		procUnregisterHotKey.Call(0, hotkeyID)
	}()
	if err := <-res; err != nil {
		return nil, err
	}
	return g, nil
}

// Trigger is the shortcut registered.
func (g *winGrab) Trigger() string { return g.s.String() }

// Close ends the thread's message loop, which unregisters the hotkey.
func (g *winGrab) Close() error {
	procPostThreadMessageW.Call(uintptr(g.tid), wmQuit, 0, 0)
	<-g.done
	return nil
}

// virtualKey is the Windows virtual-key code of a key name.
func virtualKey(key string) (uintptr, bool) {
	switch {
	case key == "Space":
		return 0x20, true
	case len(key) == 1:
		return uintptr(key[0]), true // VK_A..VK_Z, VK_0..VK_9 are the ASCII codes
	case key[0] == 'F':
		var n int
		if _, err := fmt.Sscanf(key[1:], "%d", &n); err == nil && n >= 1 && n <= 12 {
			return uintptr(0x70 + n - 1), true // VK_F1...
		}
	}
	return 0, false
}
