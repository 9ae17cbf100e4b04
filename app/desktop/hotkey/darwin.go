//go:build darwin && cgo

package hotkey

/*
#cgo LDFLAGS: -framework Carbon
#include <Carbon/Carbon.h>
#include <dispatch/dispatch.h>
#include <pthread.h>

extern void authdeskHotKeyPressed(UInt32 id);

static OSStatus authdeskHotKeyHandler(EventHandlerCallRef next, EventRef ev, void *data) {
	EventHotKeyID hk;
	if (GetEventParameter(ev, kEventParamDirectObject, typeEventHotKeyID, NULL, sizeof(hk), NULL, &hk) == noErr) {
		authdeskHotKeyPressed(hk.id);
	}
	return noErr;
}

// authdeskRegister installs the handler once and registers the hot key, on
// the main thread, whose run loop delivers Carbon's events.
static void authdeskOnMain(dispatch_block_t b) {
	if (pthread_main_np()) {
		b();
	} else {
		dispatch_sync(dispatch_get_main_queue(), b);
	}
}

static OSStatus authdeskRegister(UInt32 code, UInt32 mods, UInt32 id, EventHotKeyRef *ref) {
	__block OSStatus st = noErr;
	authdeskOnMain(^{
		static int installed = 0;
		if (!installed) {
			EventTypeSpec spec = {kEventClassKeyboard, kEventHotKeyPressed};
			st = InstallApplicationEventHandler(NewEventHandlerUPP(authdeskHotKeyHandler), 1, &spec, NULL, NULL);
			if (st != noErr) {
				return;
			}
			installed = 1;
		}
		EventHotKeyID hk = {'ADSK', id};
		st = RegisterEventHotKey(code, mods, hk, GetApplicationEventTarget(), 0, ref);
	});
	return st;
}

static void authdeskUnregister(EventHotKeyRef ref) {
	authdeskOnMain(^{ UnregisterEventHotKey(ref); });
}
*/
import "C"

import (
	"fmt"
	"sync"
)

var (
	macMu    sync.Mutex
	macFires = map[C.UInt32]func(){}
	macNext  C.UInt32
)

//export authdeskHotKeyPressed
func authdeskHotKeyPressed(id C.UInt32) {
	macMu.Lock()
	f := macFires[id]
	macMu.Unlock()
	if f != nil {
		go f() // the main thread must not wait on the UI
	}
}

// macGrab is a shortcut registered with Carbon.
type macGrab struct {
	s   Shortcut
	id  C.UInt32
	ref C.EventHotKeyRef
}

// Register registers s with Carbon's RegisterEventHotKey (macOS has no
// other public API for a global shortcut) and calls fire at each press.
func Register(s Shortcut, fire func()) (Listener, error) {
	code, ok := macKeyCodes[s.Key]
	if !ok {
		return nil, fmt.Errorf("key %q: %w", s.Key, ErrUnsupported)
	}
	var mods C.UInt32
	if s.Mods&Ctrl != 0 {
		mods |= C.controlKey
	}
	if s.Mods&Alt != 0 {
		mods |= C.optionKey
	}
	if s.Mods&Shift != 0 {
		mods |= C.shiftKey
	}
	if s.Mods&Super != 0 {
		mods |= C.cmdKey
	}
	macMu.Lock()
	macNext++
	g := &macGrab{s: s, id: macNext}
	macFires[g.id] = fire
	macMu.Unlock()
	if st := C.authdeskRegister(C.UInt32(code), mods, g.id, &g.ref); st != C.noErr {
		macMu.Lock()
		delete(macFires, g.id)
		macMu.Unlock()
		if st == C.eventHotKeyExistsErr {
			return nil, fmt.Errorf("%s: %w", s, ErrTaken)
		}
		return nil, fmt.Errorf("RegisterEventHotKey %s: OSStatus %d", s, int(st))
	}
	return g, nil
}

// Trigger is the shortcut registered.
func (g *macGrab) Trigger() string { return g.s.String() }

// Close unregisters the shortcut.
func (g *macGrab) Close() error {
	C.authdeskUnregister(g.ref)
	macMu.Lock()
	delete(macFires, g.id)
	macMu.Unlock()
	return nil
}

// macKeyCodes are the ANSI virtual key codes (Events.h kVK_*).
var macKeyCodes = map[string]int{
	"A": 0x00, "S": 0x01, "D": 0x02, "F": 0x03, "H": 0x04, "G": 0x05, "Z": 0x06, "X": 0x07,
	"C": 0x08, "V": 0x09, "B": 0x0B, "Q": 0x0C, "W": 0x0D, "E": 0x0E, "R": 0x0F, "Y": 0x10,
	"T": 0x11, "1": 0x12, "2": 0x13, "3": 0x14, "4": 0x15, "6": 0x16, "5": 0x17, "9": 0x19,
	"7": 0x1A, "8": 0x1C, "0": 0x1D, "O": 0x1F, "U": 0x20, "I": 0x22, "P": 0x23, "L": 0x25,
	"J": 0x26, "K": 0x28, "N": 0x2D, "M": 0x2E, "Space": 0x31,
	"F1": 0x7A, "F2": 0x78, "F3": 0x63, "F4": 0x76, "F5": 0x60, "F6": 0x61,
	"F7": 0x62, "F8": 0x64, "F9": 0x65, "F10": 0x6D, "F11": 0x67, "F12": 0x6F,
}
