package follow

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// The fixtures in testdata/ are written by this file's code, never copied
// from the apps: go test ./vault/follow -run TestFixtures -update.
var update = flag.Bool("update", false, "rewrite testdata/ from the fixture generators")

// phoneEntry is one entry of a made-up phone backup.
type phoneEntry struct {
	UUID, Issuer, Name string
	Secret             string // base32
	Type               string // "" is totp
	Counter            uint64
	Note               string
}

// secretN is a made-up base32 secret, different for each n.
func secretN(n int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "follow fixture secret %d", n))
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:20])
}

// aegisPlain is an unencrypted Aegis backup of entries, in the layout of
// Aegis's file version 1, content version 3.
func aegisPlain(entries []phoneEntry) []byte {
	type info struct {
		Secret  string  `json:"secret"`
		Algo    string  `json:"algo"`
		Digits  int     `json:"digits"`
		Period  int     `json:"period,omitempty"`
		Counter *uint64 `json:"counter,omitempty"`
	}
	type entry struct {
		Type   string   `json:"type"`
		UUID   string   `json:"uuid"`
		Name   string   `json:"name"`
		Issuer string   `json:"issuer"`
		Note   string   `json:"note"`
		Icon   *string  `json:"icon"`
		Fav    bool     `json:"favorite"`
		Info   info     `json:"info"`
		Groups []string `json:"groups"`
	}
	var es []entry
	for _, p := range entries {
		e := entry{Type: "totp", UUID: p.UUID, Name: p.Name, Issuer: p.Issuer, Note: p.Note, Groups: []string{},
			Info: info{Secret: p.Secret, Algo: "SHA1", Digits: 6, Period: 30}}
		if p.Type == "hotp" {
			c := p.Counter
			e.Type, e.Info.Period, e.Info.Counter = "hotp", 0, &c
		}
		es = append(es, e)
	}
	if es == nil {
		es = []entry{}
	}
	b, _ := json.MarshalIndent(map[string]any{
		"version": 1,
		"header":  map[string]any{"slots": nil, "params": nil},
		"db":      map[string]any{"version": 3, "entries": es, "groups": []any{}},
	}, "", "  ")
	return b
}

// twofasFile is a 2FAS backup of entries (schema 4), encrypted when
// password is not empty, the way 2FAS does: PBKDF2-SHA256, 10,000
// iterations, AES-256-GCM, "ciphertext:salt:iv" in base64.
func twofasFile(entries []phoneEntry, password string) []byte {
	type otp struct {
		Account   string `json:"account"`
		Issuer    string `json:"issuer"`
		Digits    int    `json:"digits"`
		Period    int    `json:"period"`
		Algorithm string `json:"algorithm"`
		Counter   uint64 `json:"counter"`
		TokenType string `json:"tokenType"`
	}
	type service struct {
		Name   string `json:"name"`
		Secret string `json:"secret"`
		OTP    otp    `json:"otp"`
	}
	svcs := []service{}
	for _, p := range entries {
		t := "TOTP"
		if p.Type == "hotp" {
			t = "HOTP"
		}
		svcs = append(svcs, service{Name: p.Issuer, Secret: p.Secret, OTP: otp{Account: p.Name, Issuer: p.Issuer, Digits: 6, Period: 30, Algorithm: "SHA1", Counter: p.Counter, TokenType: t}})
	}
	f := map[string]any{"schemaVersion": 4, "groups": []any{}, "appOrigin": "android"}
	if password == "" {
		f["services"] = svcs
	} else {
		plain, _ := json.Marshal(svcs)
		salt := sha256.Sum256([]byte("fixture salt " + password))
		key, err := pbkdf2.Key(sha256.New, password, salt[:], 10_000, 32)
		if err != nil {
			panic(err)
		}
		seal := func(plain []byte, nonce byte) string {
			blk, _ := aes.NewCipher(key)
			g, _ := cipher.NewGCM(blk)
			iv := make([]byte, 12)
			iv[0] = nonce
			b64 := base64.StdEncoding.EncodeToString
			return b64(g.Seal(nil, iv, plain, nil)) + ":" + b64(salt[:]) + ":" + b64(iv)
		}
		f["services"] = []any{}
		f["servicesEncrypted"] = seal(plain, 1)
		f["reference"] = seal([]byte("reference"), 2)
	}
	b, _ := json.MarshalIndent(f, "", "  ")
	return b
}

// fixtureEntries are the phone's entries in the stored fixtures: a first
// backup, and a second with one new, one changed and one removed.
var fixtureEntries = [2][]phoneEntry{
	{
		{UUID: "0c9a3e1e-1111-4c4c-9a9a-000000000001", Issuer: "Forge", Name: "ana@example.org", Secret: secretN(1)},
		{UUID: "0c9a3e1e-1111-4c4c-9a9a-000000000002", Issuer: "Mailbox", Name: "ana", Secret: secretN(2)},
		{UUID: "0c9a3e1e-1111-4c4c-9a9a-000000000003", Issuer: "Bank", Name: "ana", Secret: secretN(3), Type: "hotp", Counter: 4},
	},
	{
		{UUID: "0c9a3e1e-1111-4c4c-9a9a-000000000001", Issuer: "Forge", Name: "ana@example.org", Secret: secretN(1)},
		{UUID: "0c9a3e1e-1111-4c4c-9a9a-000000000002", Issuer: "Mailbox", Name: "ana.b", Secret: secretN(2)},
		{UUID: "0c9a3e1e-1111-4c4c-9a9a-000000000004", Issuer: "Chat", Name: "ana", Secret: secretN(4)},
	},
}

// fixtures are the files of testdata/, by name.
func fixtures() map[string][]byte {
	return map[string][]byte{
		"aegis-backup-20261201-080000.json": aegisPlain(fixtureEntries[0]),
		"aegis-backup-20261202-080000.json": aegisPlain(fixtureEntries[1]),
		"first.2fas":                        twofasFile(fixtureEntries[0], ""),
		"second-encrypted.2fas":             twofasFile(fixtureEntries[1], "phone pass"),
	}
}

// TestFixtures checks that testdata/ is what the generators write, and
// rewrites it with -update.
func TestFixtures(t *testing.T) {
	for name, b := range fixtures() {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != string(b) {
			t.Errorf("testdata/%s is not what the generator writes (go test -run TestFixtures -update): %v", name, err)
		}
	}
}

// readFixture is a stored fixture.
func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
