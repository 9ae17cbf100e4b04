package keychain

import (
	"errors"
	"fmt"
	"testing"
)

// TestMemoryBehavesLikeSystem checks the answers callers branch on: a
// missing entry is ErrNotFound for Get and Delete, and a failing keychain
// answers every call with its error but keeps its entries.
func TestMemoryBehavesLikeSystem(t *testing.T) {
	var k Memory // the zero value is ready
	if _, err := k.Get("v1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a missing entry: %v, want ErrNotFound", err)
	}
	if err := k.Delete("v1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Delete of a missing entry: %v, want ErrNotFound", err)
	}
	for _, s := range []string{"first", "second"} {
		if err := k.Set("v1", s); err != nil {
			t.Fatal(err)
		}
		if got, err := k.Get("v1"); err != nil || got != s {
			t.Fatalf("Get after Set(%q) = %q, %v", s, got, err)
		}
	}
	down := fmt.Errorf("%w: no D-Bus session bus", ErrUnavailable)
	k.Fail(down)
	for name, err := range map[string]error{
		"Get":    func() error { _, err := k.Get("v1"); return err }(),
		"Set":    k.Set("v2", "x"),
		"Delete": k.Delete("v1"),
	} {
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s on a failing keychain: %v, want ErrUnavailable", name, err)
		}
	}
	k.Fail(nil)
	if got, err := k.Get("v1"); err != nil || got != "second" {
		t.Fatalf("entry lost while failing: %q, %v", got, err)
	}
	if _, err := k.Get("v2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Set while failing stored the entry: %v", err)
	}
	if err := k.Delete("v1"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get("v1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
}
