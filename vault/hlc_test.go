package vault

import "testing"

func TestNewID(t *testing.T) {
	a, b := NewID(), NewID()
	if a == b || len(a) != 16 {
		t.Errorf("NewID gave %q and %q", a, b)
	}
}
