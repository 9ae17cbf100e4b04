package transfer

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/scrypt"

	"authdesk/vault"
)

// TestRoundTrip: import → export → import gives the same accounts, for
// every export format.
func TestRoundTrip(t *testing.T) {
	all := fixtureAccounts(t)
	res, err := Read(readFixture(t, "aegis_plain.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sameAccounts(t, res.Accounts, all)

	t.Run("otpauth", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteOTPAuth(&b, res.Accounts); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "encoder=steam") {
			t.Errorf("no Steam URI in\n%s", b.String())
		}
		back, err := Read(b.Bytes(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		sameAccounts(t, back.Accounts, all)
	})
	for _, password := range []string{"", "Ünïcode pässword"} {
		t.Run("aegis password="+password, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteAegis(&b, res.Accounts, []byte(password)); err != nil {
				t.Fatal(err)
			}
			back, err := Read(b.Bytes(), Options{Password: pw(password)})
			if err != nil {
				t.Fatal(err)
			}
			sameAccounts(t, back.Accounts, all)
			if back.Encrypted != (password != "") || back.Accounts[0].Tags[0] != "Work" {
				t.Errorf("encrypted %v, tags %q", back.Encrypted, back.Accounts[0].Tags)
			}
		})
	}
	t.Run("ga-migration", func(t *testing.T) {
		lines, skipped, err := Migration(res.Accounts, 1234)
		if err != nil {
			t.Fatal(err)
		}
		if len(skipped) != 2 || !strings.Contains(skipped[0], "Example Corp") || !strings.Contains(skipped[1], "Steam") {
			t.Errorf("skipped %q, want the 60 s account and Steam", skipped)
		}
		back, err := Read([]byte(strings.Join(lines, "\n")), Options{})
		if err != nil {
			t.Fatal(err)
		}
		sameAccounts(t, back.Accounts, gaAccounts(t))
	})
}

// TestMigrationBatches: at most ten accounts a QR code, each numbered with
// the export's id; a missing one is named.
func TestMigrationBatches(t *testing.T) {
	var accts []vault.Account
	for i := range 23 {
		accts = append(accts, vault.Account{Issuer: "S", Name: strings.Repeat("n", i+1), Type: vault.TOTP,
			Algorithm: vault.SHA1, Digits: 6, Period: 30, Secret: []byte{byte(i), 1, 2, 3, 4, 5, 6, 7, 8, 9}})
	}
	lines, skipped, err := Migration(accts, 99)
	if err != nil || len(skipped) != 0 || len(lines) != 3 {
		t.Fatalf("%d lines, skipped %q, %v", len(lines), skipped, err)
	}
	for i, l := range lines {
		res, err := Read([]byte(l), Options{})
		if err != nil {
			t.Fatal(err)
		}
		b := res.Batches[0]
		if b.ID != 99 || b.Index != i || b.Size != 3 || len(res.Accounts) != min(10, 23-10*i) {
			t.Errorf("line %d: batch %+v with %d accounts", i, b, len(res.Accounts))
		}
	}
	res, err := Read([]byte(lines[0]+"\n"+lines[2]), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Missing) != 1 || res.Missing[0].String() != "missing batch 2 of 3" || len(res.Accounts) != 13 {
		t.Errorf("missing %v, %d accounts", res.Missing, len(res.Accounts))
	}
}

// TestAegisExportIndependentReader decrypts WriteAegis's output by the
// steps of Aegis's docs/vault.md, with none of the importer's code.
func TestAegisExportIndependentReader(t *testing.T) {
	all := fixtureAccounts(t)
	var b bytes.Buffer
	if err := WriteAegis(&b, all, []byte("hunter2")); err != nil {
		t.Fatal(err)
	}
	var f struct {
		Version int `json:"version"`
		Header  struct {
			Slots []struct {
				Type      int    `json:"type"`
				UUID      string `json:"uuid"`
				Key       string `json:"key"`
				KeyParams struct {
					Nonce, Tag string
				} `json:"key_params"`
				N, R, P int
				Salt    string
			} `json:"slots"`
			Params struct{ Nonce, Tag string } `json:"params"`
		} `json:"header"`
		DB string `json:"db"`
	}
	if err := json.Unmarshal(b.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	s := f.Header.Slots[0]
	if f.Version != 1 || len(f.Header.Slots) != 1 || s.Type != 1 || s.N != 1<<15 || s.R != 8 || s.P != 1 || len(s.UUID) != 36 {
		t.Fatalf("header %+v", f.Header)
	}
	h := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	open := func(key, nonce, ct, tag []byte) []byte {
		block, _ := aes.NewCipher(key)
		g, _ := cipher.NewGCM(block)
		p, err := g.Open(nil, nonce, append(ct, tag...), nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	k, err := scrypt.Key([]byte("hunter2"), h(s.Salt), s.N, s.R, s.P, 32)
	if err != nil {
		t.Fatal(err)
	}
	master := open(k, h(s.KeyParams.Nonce), h(s.Key), h(s.KeyParams.Tag))
	ct, err := base64.StdEncoding.DecodeString(f.DB)
	if err != nil {
		t.Fatal(err)
	}
	var db struct {
		Version int `json:"version"`
		Entries []struct {
			Type, UUID, Name, Issuer string
			Info                     map[string]any
		} `json:"entries"`
	}
	if err := json.Unmarshal(open(master, h(f.Header.Params.Nonce), ct, h(f.Header.Params.Tag)), &db); err != nil {
		t.Fatal(err)
	}
	if db.Version != 3 || len(db.Entries) != len(all) {
		t.Fatalf("content version %d with %d entries", db.Version, len(db.Entries))
	}
	for i, e := range db.Entries {
		a := all[i]
		secret, err := vault.DecodeSecret(e.Info["secret"].(string))
		if err != nil {
			t.Fatal(err)
		}
		ok := e.Type == string(a.Type) && e.Name == a.Name && e.Issuer == a.Issuer && bytes.Equal(secret, a.Secret) &&
			e.Info["algo"] == string(a.Algorithm) && e.Info["digits"] == float64(a.Digits)
		switch a.Type {
		case vault.HOTP:
			ok = ok && e.Info["counter"] == float64(a.Counter)
		default:
			ok = ok && e.Info["period"] == float64(a.Period)
		}
		if !ok {
			t.Errorf("entry %d: %+v, want %+v", i, e, a)
		}
	}
}

// TestAegisFavorite: Aegis's "favorite" flag becomes Favorite on import and
// "favorite": true on export, plain and encrypted.
func TestAegisFavorite(t *testing.T) {
	favs := func(accts []vault.Account) []string {
		var s []string
		for _, a := range vault.Favorites(accts) {
			s = append(s, a.Title())
		}
		return s
	}
	res, err := Read(readFixture(t, "aegis_plain.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Example Corp (ops:admin)"}
	if got := favs(res.Accounts); !slices.Equal(got, want) {
		t.Fatalf("imported favourites %q, want %q", got, want)
	}
	for _, password := range []string{"", "hunter2"} {
		var b bytes.Buffer
		if err := WriteAegis(&b, res.Accounts, []byte(password)); err != nil {
			t.Fatal(err)
		}
		if password == "" {
			// Aegis reads the flag itself: check the JSON, not only our reader.
			var f struct {
				DB struct {
					Entries []struct {
						Issuer   string `json:"issuer"`
						Favorite bool   `json:"favorite"`
					} `json:"entries"`
				} `json:"db"`
			}
			if err := json.Unmarshal(b.Bytes(), &f); err != nil {
				t.Fatal(err)
			}
			for _, e := range f.DB.Entries {
				if e.Favorite != (e.Issuer == "Example Corp") {
					t.Errorf("exported %q with favorite=%v", e.Issuer, e.Favorite)
				}
			}
		}
		back, err := Read(b.Bytes(), Options{Password: pw(password)})
		if err != nil {
			t.Fatal(err)
		}
		if got := favs(back.Accounts); !slices.Equal(got, want) {
			t.Errorf("password %q: favourites after export and import %q, want %q", password, got, want)
		}
	}
}
