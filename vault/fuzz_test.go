package vault

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"filippo.io/age"
)

// fuzzIdentity is the key of the seed vaults in testdata/fuzz/FuzzReadVault
// (a test key, used nowhere else).
const fuzzIdentity = "AGE-SECRET-KEY-1TZW0F2VWTAZXR0JC0T2UE5Q0J6NELV0Z6WDYYDU3HFGKF0AY785SX8RST8"

// FuzzReadVault feeds arbitrary bytes to the vault file reader: splitting,
// the password block (at a tiny work factor cap so that the fuzzer stays
// fast) and the data block. It must never panic, and anything that is not a
// well-formed vault must be refused.
func FuzzReadVault(f *testing.F) {
	id, err := age.ParseX25519Identity(fuzzIdentity)
	if err != nil {
		f.Fatal(err)
	}
	// Seeds: a real vault sealed at work factor 2, plus what the seed
	// corpus directory holds.
	kb, _ := sealIdentity(id, []byte("pw"), 2)
	data, _ := encryptPayload(payload{Accounts: []Account{testAccount(1)}}, id.Recipient())
	f.Add(fileParts{id: "0123456789abcdef0123456789abcdef", keyBlock: kb, data: data}.bytes())
	f.Add([]byte(fileMagic + " id=0123456789abcdef0123456789abcdef\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseFile(b)
		if err != nil {
			return
		}
		if got, err := unsealIdentity(p.keyBlock, []byte("pw"), 4); err == nil && got == nil {
			t.Fatal("unsealIdentity returned no identity and no error")
		}
		content, err := decryptPayload(p.data, id)
		if err != nil {
			return
		}
		for _, a := range content.Accounts {
			a.Validate()
		}
	})
}

// TestWriteFuzzSeed regenerates the checked-in seed vault when
// AUTHDESK_WRITE_FUZZ_SEED=1.
func TestWriteFuzzSeed(t *testing.T) {
	if os.Getenv("AUTHDESK_WRITE_FUZZ_SEED") != "1" {
		t.Skip("set AUTHDESK_WRITE_FUZZ_SEED=1 to regenerate testdata/fuzz/FuzzReadVault/seed-vault")
	}
	id, _ := age.ParseX25519Identity(fuzzIdentity)
	kb, _ := sealIdentity(id, []byte("pw"), 2)
	data, _ := encryptPayload(payload{Accounts: []Account{testAccount(1), testAccount(2)}}, id.Recipient())
	b := fileParts{id: "0123456789abcdef0123456789abcdef", keyBlock: kb, data: data}.bytes()
	dir := filepath.Join("testdata", "fuzz", "FuzzReadVault")
	os.MkdirAll(dir, 0o755)
	for name, content := range map[string][]byte{
		"seed-vault":          b,
		"seed-truncated":      b[:len(b)*3/4],
		"seed-key-block-only": b[:len(fileParts{id: "0123456789abcdef0123456789abcdef", keyBlock: kb}.bytes())],
		"seed-trailing-data":  append(bytes.Clone(b), "x\n"...),
	} {
		c := "go test fuzz v1\n[]byte(" + strconv.Quote(string(content)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
