package hotkey

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"Ctrl+Alt+A", "Ctrl+Alt+A", ""},
		{"ctrl + alt + a", "Ctrl+Alt+A", ""},
		{"Alt+Ctrl+a", "Ctrl+Alt+A", ""},
		{"Super+Shift+F12", "Shift+Super+F12", ""},
		{"Cmd+Space", "Super+Space", ""},
		{"Control+7", "Ctrl+7", ""},
		{"Shift+A", "", "add Ctrl, Alt or Super"},
		{"A", "", "add Ctrl, Alt or Super"},
		{"Ctrl+Alt+F13", "", "not a key"},
		{"Ctrl+Alt+F05", "", "not a key"},
		{"Ctrl+Alt+", "", "not a key"},
		{"Hyper+A", "", "not a modifier"},
		{"", "", "not a key"},
		{"Ctrl+Alt+Ä", "", "not a key"},
	} {
		got, err := Parse(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Parse(%q) = %v, %v; want an error about %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got.String() != c.want {
			t.Errorf("Parse(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if Default.String() != "Ctrl+Alt+A" {
		t.Errorf("Default = %q", Default)
	}
}
