package transfer

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"authdesk/scanner"
	"authdesk/vault"
)

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestImportTooLarge: a file over MaxSize is refused with ErrTooLarge and
// the one message the desktop app and authdesk-cli both show.
func TestImportTooLarge(t *testing.T) {
	for _, n := range []int64{MaxSize + 1, 33 << 20} {
		_, err := Import(io.LimitReader(zeros{}, n), Options{Scan: scanner.Bytes})
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("%d bytes: %v, want ErrTooLarge", n, err)
		}
		const want = "too large: the file is larger than 32 MiB, the most Authdesk reads; an export or a screenshot is far smaller"
		if err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
	}
	if _, err := Import(io.LimitReader(zeros{}, MaxSize), Options{}); errors.Is(err, ErrTooLarge) {
		t.Errorf("exactly MaxSize bytes: %v", err)
	}
}

// TestImportImage: an image is scanned (with the real scanner) and each
// code read on its own; a stray code is listed in Unread, the others kept.
func TestImportImage(t *testing.T) {
	gh := vault.Account{Issuer: "GitHub", Name: "alice", Secret: []byte("hello world 12"), Type: vault.TOTP,
		Algorithm: vault.SHA1, Digits: 6, Period: 30}
	var list bytes.Buffer
	if _, err := Write(&list, OTPAuth, []vault.Account{gh}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	png, err := QRPNG(strings.TrimSpace(list.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !IsImage(png) {
		t.Fatal("IsImage(PNG) = false")
	}
	res, err := Import(bytes.NewReader(png), Options{Scan: scanner.Bytes})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Scanned || len(res.Accounts) != 1 || res.Accounts[0].Title() != "GitHub (alice)" {
		t.Fatalf("scanned %v, accounts %+v", res.Scanned, res.Accounts)
	}
	// The same account already in the vault is a duplicate.
	res, err = Import(bytes.NewReader(png), Options{Scan: scanner.Bytes, Existing: []vault.Account{gh}})
	if err != nil || len(res.Accounts) != 0 || len(res.Duplicates) != 1 {
		t.Fatalf("against the vault: %v, %d accounts, %d duplicates", err, len(res.Accounts), len(res.Duplicates))
	}

	// Without a scanner an image is not a known format.
	if _, err := Import(bytes.NewReader(png), Options{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("no Scan: %v", err)
	}
	// An image without a code.
	blank := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	if _, err := Import(bytes.NewReader(blank), Options{Scan: scanner.Bytes}); !errors.Is(err, ErrNoCodes) {
		t.Errorf("broken PNG: %v", err)
	}
	// Text that is neither an export nor an image.
	if _, err := Import(strings.NewReader("hello"), Options{Scan: scanner.Bytes}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("text: %v", err)
	}
}

// TestReadCodes: codes read one by one; a web link does not lose the
// account beside it; batches count over all codes.
func TestReadCodes(t *testing.T) {
	var accts []vault.Account
	for range 3 {
		accts = append(accts, gaAccounts(t)...)
	}
	for i := range accts {
		accts[i].Secret = append([]byte{byte(i)}, accts[i].Secret...) // no repeats
	}
	lines, _, err := Migration(accts, 7)
	if err != nil || len(lines) < 2 {
		t.Fatalf("need at least two batches: %d, %v", len(lines), err)
	}
	res := ReadCodes([]string{"https://example.com/", lines[0]}, Options{})
	if len(res.Unread) != 1 || !errors.Is(res.Unread[0].Err, ErrUnknownFormat) {
		t.Errorf("unread %+v", res.Unread)
	}
	if len(res.Accounts) != MigrationBatchSize || res.Format != GoogleMig {
		t.Errorf("%d accounts (%s), want %d", len(res.Accounts), res.Format, MigrationBatchSize)
	}
	if len(res.Missing) != len(lines)-1 || res.Missing[0].Index != 1 {
		t.Errorf("missing %v", res.Missing)
	}
	if res = ReadCodes(lines, Options{}); len(res.Missing) != 0 || len(res.Accounts) != len(accts) {
		t.Errorf("all batches: missing %v, %d accounts", res.Missing, len(res.Accounts))
	}
}

func TestBatchTracker(t *testing.T) {
	var tr BatchTracker
	steps := []struct {
		add  []Batch
		want []BatchProgress
	}{
		{[]Batch{{ID: 1, Index: 0, Size: 3}}, []BatchProgress{{1, 3, []int{2, 3}}}},
		{[]Batch{{ID: 9, Index: 0, Size: 1}}, nil},
		{[]Batch{{ID: 1, Index: 2, Size: 3}, {ID: 2, Index: 1, Size: 2}}, []BatchProgress{{1, 3, []int{2}}, {2, 2, []int{1}}}},
		{[]Batch{{ID: 1, Index: 1, Size: 3}}, []BatchProgress{{1, 3, nil}}},
	}
	for i, s := range steps {
		got := tr.Add(s.add)
		if !slices.EqualFunc(got, s.want, func(a, b BatchProgress) bool {
			return a.ID == b.ID && a.Size == b.Size && slices.Equal(a.Missing, b.Missing)
		}) {
			t.Errorf("step %d: %+v, want %+v", i+1, got, s.want)
		}
	}
	if m := tr.Missing(); len(m) != 1 || m[0].String() != "missing batch 1 of 2" {
		t.Errorf("Missing = %v", m)
	}
}

// TestWrite: the one way out writes every format, each line ending in a
// newline, says what it left out (as Skips did before), and refuses a
// password for an unencrypted format.
func TestWrite(t *testing.T) {
	all := fixtureAccounts(t)
	for _, f := range ExportFormats {
		var b bytes.Buffer
		w, err := Write(&b, f, all, WriteOptions{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
			t.Errorf("%s: the output does not end with a newline", f)
		}
		if !slices.Equal(w.Skipped, Skips(f, all)) || w.Count != len(all)-len(w.Skipped) {
			t.Errorf("%s: wrote %d, skipped %q; Skips said %q", f, w.Count, w.Skipped, Skips(f, all))
		}
		back, err := Read(b.Bytes(), Options{})
		if err != nil || len(back.Accounts) != w.Count {
			t.Errorf("%s: read back %v", f, err)
		}
	}
	if len(Skips(GoogleMig, all)) == 0 {
		t.Error("the fixtures hold no account Google's format cannot carry")
	}
	if _, err := Write(io.Discard, OTPAuth, all, WriteOptions{Password: []byte("secret password")}); err == nil {
		t.Error("a password for an otpauth export was accepted")
	}
	if _, err := Write(io.Discard, "bitwarden", all, WriteOptions{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("unknown format: %v", err)
	}
}
