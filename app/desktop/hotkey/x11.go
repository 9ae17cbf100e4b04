//go:build linux || freebsd || openbsd || netbsd

package hotkey

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strconv"
	"sync"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// Keysyms of the modifier keys, to find which modifier bit each is on.
const (
	xkNumLock = 0xff7f
	xkAltL    = 0xffe9
	xkAltR    = 0xffea
	xkSuperL  = 0xffeb
	xkSuperR  = 0xffec
)

// x11Grab is a shortcut grabbed on the root window of an X connection of
// its own; a goroutine waits for its presses and for keymap changes.
type x11Grab struct {
	c    *xgb.Conn
	root xproto.Window
	s    Shortcut
	fire func()

	mu     sync.Mutex
	codes  []xproto.Keycode
	mods   uint16 // the shortcut's modifier bits
	ignore uint16 // NumLock and CapsLock: grabbed in every combination
}

// registerX11 grabs s on the X display named by $DISPLAY.
func registerX11(s Shortcut, fire func()) (Listener, error) {
	if os.Getenv("DISPLAY") == "" {
		return nil, fmt.Errorf("no X display, DISPLAY is unset: %w", ErrUnsupported)
	}
	xgb.Logger = log.New(io.Discard, "", 0)
	c, err := xgb.NewConn()
	if err != nil {
		return nil, fmt.Errorf("connect to the X display: %w", err)
	}
	g := &x11Grab{c: c, root: xproto.Setup(c).DefaultScreen(c).Root, s: s, fire: fire}
	if err := g.grab(); err != nil {
		c.Close()
		return nil, err
	}
	go g.loop()
	return g, nil
}

// Trigger is the shortcut grabbed.
func (g *x11Grab) Trigger() string { return g.s.String() }

// Close ungrabs the shortcut and closes the connection, which ends loop.
func (g *x11Grab) Close() error {
	g.mu.Lock()
	g.ungrab()
	g.mu.Unlock()
	g.c.Close()
	return nil
}

// grab reads the keymap and grabs the shortcut's keycodes with every
// combination of NumLock and CapsLock. Another client's grab of any of them
// means the shortcut is taken: the ones made are released.
func (g *x11Grab) grab() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	codes, mods, ignore, err := g.keymap()
	if err != nil {
		return err
	}
	if len(codes) == 0 {
		return fmt.Errorf("the keyboard has no %s key: %w", g.s.Key, ErrUnsupported)
	}
	g.codes, g.mods, g.ignore = codes, mods, ignore
	var cookies []xproto.GrabKeyCookie
	for _, code := range codes {
		for _, extra := range variants(ignore) {
			cookies = append(cookies, xproto.GrabKeyChecked(g.c, true, g.root, mods|extra, code,
				xproto.GrabModeAsync, xproto.GrabModeAsync))
		}
	}
	var first error
	for _, ck := range cookies {
		if err := ck.Check(); err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		g.ungrab()
		var access xproto.AccessError
		if errors.As(first, &access) {
			return fmt.Errorf("%s: %w", g.s, ErrTaken)
		}
		return fmt.Errorf("grab %s: %w", g.s, first)
	}
	return nil
}

// ungrab releases every grab made; the caller holds mu.
func (g *x11Grab) ungrab() {
	for _, code := range g.codes {
		for _, extra := range variants(g.ignore) {
			xproto.UngrabKey(g.c, code, g.root, g.mods|extra)
		}
	}
	g.c.Sync()
}

// variants lists every combination of the bits in ignore.
func variants(ignore uint16) []uint16 {
	out := []uint16{0}
	for bit := uint16(1); bit != 0 && bit <= ignore; bit <<= 1 {
		if ignore&bit == 0 {
			continue
		}
		for _, v := range out {
			out = append(out, v|bit)
		}
	}
	return out
}

// keymap finds the keycodes of the shortcut's key and the modifier bits of
// its modifiers, of NumLock and of CapsLock in the current keymap.
func (g *x11Grab) keymap() (codes []xproto.Keycode, mods, ignore uint16, err error) {
	setup := xproto.Setup(g.c)
	lo, hi := setup.MinKeycode, setup.MaxKeycode
	km, err := xproto.GetKeyboardMapping(g.c, lo, byte(hi-lo+1)).Reply()
	if err != nil {
		return nil, 0, 0, fmt.Errorf("read the X keymap: %w", err)
	}
	mm, err := xproto.GetModifierMapping(g.c).Reply()
	if err != nil {
		return nil, 0, 0, fmt.Errorf("read the X modifier map: %w", err)
	}
	per := int(km.KeysymsPerKeycode)
	symsOf := func(code xproto.Keycode) []xproto.Keysym {
		i := int(code-lo) * per
		if code < lo || i+per > len(km.Keysyms) {
			return nil
		}
		return km.Keysyms[i : i+per]
	}
	want := keysyms(g.s.Key)
	for code := int(lo); code <= int(hi); code++ {
		for _, sym := range symsOf(xproto.Keycode(code)) {
			if want[sym] {
				codes = append(codes, xproto.Keycode(code))
				break
			}
		}
	}
	// The modifier bit whose keys include one of syms.
	bitOf := func(syms ...xproto.Keysym) uint16 {
		n := int(mm.KeycodesPerModifier)
		for m := 0; m < 8; m++ {
			for _, code := range mm.Keycodes[m*n : (m+1)*n] {
				for _, s := range symsOf(code) {
					for _, w := range syms {
						if code != 0 && s == w {
							return 1 << m
						}
					}
				}
			}
		}
		return 0
	}
	if g.s.Mods&Ctrl != 0 {
		mods |= xproto.ModMaskControl
	}
	if g.s.Mods&Shift != 0 {
		mods |= xproto.ModMaskShift
	}
	if g.s.Mods&Alt != 0 {
		mods |= cmp.Or(bitOf(xkAltL, xkAltR), xproto.ModMask1)
	}
	if g.s.Mods&Super != 0 {
		mods |= cmp.Or(bitOf(xkSuperL, xkSuperR), xproto.ModMask4)
	}
	ignore = (xproto.ModMaskLock | bitOf(xkNumLock)) &^ mods
	return codes, mods, ignore, nil
}

// keysyms are the X keysyms of a key name (both cases of a letter).
func keysyms(key string) map[xproto.Keysym]bool {
	switch {
	case key == "Space":
		return map[xproto.Keysym]bool{0x20: true}
	case len(key) == 1 && key[0] >= 'A' && key[0] <= 'Z':
		return map[xproto.Keysym]bool{xproto.Keysym(key[0]): true, xproto.Keysym(key[0] + 32): true}
	case len(key) == 1:
		return map[xproto.Keysym]bool{xproto.Keysym(key[0]): true}
	case key[0] == 'F':
		n, _ := strconv.Atoi(key[1:])
		return map[xproto.Keysym]bool{xproto.Keysym(0xffbe + n - 1): true}
	}
	return nil
}

// loop fires at each press of the shortcut and grabs it again when the
// keymap changes; it ends when the connection closes.
func (g *x11Grab) loop() {
	for {
		ev, err := g.c.WaitForEvent()
		if ev == nil && err == nil {
			return // closed
		}
		switch ev := ev.(type) {
		case xproto.KeyPressEvent:
			if g.matches(ev) {
				g.fire()
			}
		case xproto.MappingNotifyEvent:
			if ev.Request == xproto.MappingKeyboard || ev.Request == xproto.MappingModifier {
				g.mu.Lock()
				g.ungrab()
				g.mu.Unlock()
				_ = g.grab()
			}
		}
	}
}

func (g *x11Grab) matches(ev xproto.KeyPressEvent) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if ev.State&^g.ignore&0xff != g.mods {
		return false
	}
	for _, c := range g.codes {
		if c == ev.Detail {
			return true
		}
	}
	return false
}
