package vault

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"authdesk/vault/keychain"
)

var testSVG = []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M0 0h24v24H0z"/></svg>`)

// TestSetIconSavesAndReopens: each kind of choice survives a reopen, and
// back to automatic (nil).
func TestSetIconSavesAndReopens(t *testing.T) {
	kc := &keychain.Memory{}
	v, path := newVault(t, kc, testAccount(1))
	id := v.Accounts()[0].ID
	for _, ic := range []*Icon{{Slug: "github"}, {MIME: "image/svg+xml", Data: testSVG}, {Initials: true}, nil} {
		if err := v.SetIcon(id, ic); err != nil {
			t.Fatalf("SetIcon(%+v): %v", ic, err)
		}
		v2, err := Open(path, Options{Keychain: kc})
		if err != nil {
			t.Fatal(err)
		}
		got := v2.Accounts()[0].Icon
		v2.Close()
		switch {
		case ic == nil && got != nil, ic != nil && got == nil:
			t.Fatalf("set %+v, reopened %+v", ic, got)
		case ic != nil && (got.Slug != ic.Slug || got.MIME != ic.MIME || !bytes.Equal(got.Data, ic.Data) || got.Initials != ic.Initials):
			t.Fatalf("set %+v, reopened %+v", ic, got)
		}
	}
}

// TestSetIconRefusesBadIcons: nothing is stored, the vault keeps the
// previous choice.
func TestSetIconRefusesBadIcons(t *testing.T) {
	v, _ := newVault(t, &keychain.Memory{}, testAccount(1))
	id := v.Accounts()[0].ID
	if err := v.SetIcon(id, &Icon{Slug: "gitlab"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		icon *Icon
		why  string
	}{
		{&Icon{}, "exactly one"},
		{&Icon{Slug: "github", Initials: true}, "exactly one"},
		{&Icon{Slug: "../etc/passwd"}, "not an icon name"},
		{&Icon{MIME: "image/png", Data: testSVG}, "not a PNG"},
		{&Icon{MIME: "image/svg+xml", Data: append(bytes.Clone(testSVG), make([]byte, 65<<10)...)}, "larger than 64 KiB"},
		{&Icon{MIME: "image/svg+xml", Data: []byte("<svg>" + strings.Repeat("<g/>", 10000) + "</svg>")}, "more than 2000 elements"},
	} {
		err := v.SetIcon(id, c.icon)
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("SetIcon(%+v): %v, want an error saying %q", c.icon, err, c.why)
		}
	}
	if got := v.Accounts()[0].Icon; got == nil || got.Slug != "gitlab" {
		t.Errorf("after refusals the icon is %+v, want gitlab", got)
	}
	if err := v.SetIcon("nope", nil); !errors.Is(err, ErrNoMatch) {
		t.Errorf("unknown ID: %v", err)
	}
}

// TestIconIsCopied: changing the Data a caller holds changes nothing in
// the vault.
func TestIconIsCopied(t *testing.T) {
	v, _ := newVault(t, &keychain.Memory{}, testAccount(1))
	id := v.Accounts()[0].ID
	data := bytes.Clone(testSVG)
	v.SetIcon(id, &Icon{MIME: "image/svg+xml", Data: data})
	data[1] = 'X'
	got := v.Accounts()[0]
	got.Icon.Data[2] = 'Y'
	if !bytes.Equal(v.Accounts()[0].Icon.Data, testSVG) {
		t.Error("the vault's icon changed with a caller's copy")
	}
}
