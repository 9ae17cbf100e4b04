// Command genfixtures writes vault/transfer/testdata: the same accounts as
// each authenticator app writes them in its export files, following the
// apps' documented structure (Aegis docs/vault.md, 2FAS's BackupContent,
// andOTP's backup writer, Bitwarden's JSON export), plus broken files for
// the error tests. It uses no code of package transfer, so the importers are
// tested against an independent writer. Salts, keys and nonces come from a
// seeded generator: running it again gives the same bytes.
//
//	go run ./vault/transfer/internal/cmd/genfixtures
package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"

	"golang.org/x/crypto/scrypt"
	"google.golang.org/protobuf/encoding/protowire"

	"authdesk/vault"
)

// Password opens every encrypted fixture.
const Password = "Passwört 1"

// fixture is one account as the apps hold it.
type fixture struct {
	Issuer, Name, Type, Algo string
	Digits, Period           int
	Counter                  uint64
	Secret                   string // base32
}

var accounts = []fixture{
	{"GitHub", "alice@example.com", "totp", "SHA1", 6, 30, 0, ""},
	{"Example Corp", "ops:admin", "totp", "SHA256", 8, 60, 0, ""},
	{"Bank", "Zoë Ünïcødé 名前", "totp", "SHA512", 8, 30, 0, ""},
	{"Yubico", "key", "hotp", "SHA1", 6, 0, 42, ""},
	{"Steam", "gaben", "steam", "SHA1", 5, 30, 0, ""},
	{"", "bare@example.org", "totp", "SHA1", 6, 30, 0, ""},
	{"Kraków Ω", "jan", "totp", "SHA256", 6, 30, 0, ""},
	{"Vault", "root", "hotp", "SHA512", 8, 0, 0, ""},
}

var rng = rand.New(rand.NewChaCha8([32]byte{'a', 'u', 't', 'h', 'd', 'e', 's', 'k'}))

func random(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func uuid() string {
	h := hex.EncodeToString(random(16))
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

func main() {
	dir := filepath.Join("vault", "transfer", "testdata")
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	for i := range accounts {
		accounts[i].Secret = vault.EncodeSecret(random(10 + 10*(i%3)))
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	write("accounts.json", mustJSON(accounts, "  "))

	// Aegis.
	db := aegisDB(accounts, true)
	write("aegis_plain.json", aegisPlain(db))
	enc := aegisEncrypted(db, 1<<15, 8, 1)
	write("aegis_encrypted.json", enc)
	write("aegis_encrypted_truncated.json", enc[:len(enc)/2])
	write("aegis_encrypted_bitflip.json", flipDB(enc))
	write("aegis_version4.json", aegisPlain(bytes.Replace(db, []byte(`"version":3`), []byte(`"version":4`), 1)))
	write("aegis_scrypt_huge.json", bytes.Replace(enc, []byte(`"n": 32768`), []byte(`"n": 1073741824`), 1))

	// 2FAS.
	services := twofasServices(accounts)
	write("2fas_plain.2fas", twofasFile(services, nil, 4))
	encTwo := twofasFile(nil, services, 4)
	write("2fas_encrypted.2fas", encTwo)
	write("2fas_encrypted_bitflip.2fas", twofasFlip(encTwo))
	write("2fas_schema5.2fas", twofasFile(services, nil, 5))

	// andOTP.
	entries := andotpEntries(accounts)
	write("andotp_plain.json", entries)
	write("andotp_encrypted.json.aes", andotpEncrypt(entries, 150_000))
	write("andotp_iterations_huge.json.aes", andotpEncrypt(entries, 2_000_000_000))

	// Bitwarden and Ente Auth.
	write("bitwarden.json", bitwarden(accounts, false))
	write("bitwarden_encrypted.json", bitwarden(accounts, true))
	write("ente_auth.txt", ente(accounts))

	// Google Authenticator: what its format carries, in two batches, and
	// the second batch alone.
	var ga []fixture
	for _, a := range accounts {
		if a.Type != "steam" && (a.Type == "hotp" || a.Period == 30) {
			ga = append(ga, a)
		}
	}
	b1, b2 := migration(ga[:3], 0, 2, 77), migration(ga[3:], 1, 2, 77)
	write("google_migration.txt", []byte(b1+"\n"+b2+"\n"))
	write("google_migration_partial.txt", []byte(b2+"\n"))
}

func mustJSON(v any, indent string) []byte {
	b, err := json.MarshalIndent(v, "", indent)
	if err != nil {
		log.Fatal(err)
	}
	return append(b, '\n')
}

func gcmSeal(key, nonce, plain []byte) []byte {
	block, err := aes.NewCipher(key)
	if err != nil {
		log.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		log.Fatal(err)
	}
	return aead.Seal(nil, nonce, plain, nil)
}

// aegisDB is the content object of an Aegis vault (version 3), with one
// Yandex entry that Authdesk skips when withYandex is set.
func aegisDB(accts []fixture, withYandex bool) []byte {
	type M = map[string]any
	group := uuid()
	var entries []M
	for i, a := range accts {
		info := M{"secret": a.Secret, "algo": a.Algo, "digits": a.Digits}
		if a.Type == "hotp" {
			info["counter"] = a.Counter
		} else {
			info["period"] = a.Period
		}
		groups := []string{}
		if i == 0 {
			groups = append(groups, group)
		}
		entries = append(entries, M{
			"type": a.Type, "uuid": uuid(), "name": a.Name, "issuer": a.Issuer,
			"note": "", "favorite": i == 1, "icon": nil, "icon_mime": nil, "icon_hash": nil,
			"info": info, "groups": groups,
		})
	}
	if withYandex {
		entries = append(entries, M{
			"type": "yandex", "uuid": uuid(), "name": "ya", "issuer": "Yandex", "note": "",
			"favorite": false, "icon": nil, "icon_mime": nil, "icon_hash": nil,
			"info":   M{"secret": vault.EncodeSecret(random(16)), "algo": "SHA256", "digits": 8, "period": 30, "pin": "1234"},
			"groups": []string{},
		})
	}
	b, err := json.Marshal(M{"version": 3, "entries": entries, "groups": []M{{"uuid": group, "name": "Work"}}})
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func aegisPlain(db []byte) []byte {
	return mustJSON(map[string]any{"version": 1, "header": map[string]any{"slots": nil, "params": nil}, "db": json.RawMessage(db)}, "    ")
}

func aegisEncrypted(db []byte, n, r, p int) []byte {
	master, salt := random(32), random(32)
	slotNonce, dbNonce := random(12), random(12)
	k, err := scrypt.Key([]byte(Password), salt, n, r, p, 32)
	if err != nil {
		log.Fatal(err)
	}
	wrapped := gcmSeal(k, slotNonce, master)
	sealed := gcmSeal(master, dbNonce, db)
	return mustJSON(map[string]any{
		"version": 1,
		"header": map[string]any{
			"slots": []any{map[string]any{
				"type": 1, "uuid": uuid(),
				"key":        hex.EncodeToString(wrapped[:32]),
				"key_params": map[string]any{"nonce": hex.EncodeToString(slotNonce), "tag": hex.EncodeToString(wrapped[32:])},
				"n":          n, "r": r, "p": p, "salt": hex.EncodeToString(salt), "repaired": true, "is_backup": false,
			}},
			"params": map[string]any{"nonce": hex.EncodeToString(dbNonce), "tag": hex.EncodeToString(sealed[len(sealed)-16:])},
		},
		"db": base64.StdEncoding.EncodeToString(sealed[:len(sealed)-16]),
	}, "    ")
}

// flipDB flips one bit in the ciphertext of an encrypted Aegis file.
func flipDB(file []byte) []byte {
	var f map[string]any
	if err := json.Unmarshal(file, &f); err != nil {
		log.Fatal(err)
	}
	ct, _ := base64.StdEncoding.DecodeString(f["db"].(string))
	ct[len(ct)/2] ^= 0x04
	f["db"] = base64.StdEncoding.EncodeToString(ct)
	return mustJSON(f, "    ")
}

func twofasServices(accts []fixture) []byte {
	type M = map[string]any
	var out []M
	for i, a := range accts {
		otp := M{"account": a.Name, "issuer": a.Issuer, "digits": a.Digits, "period": a.Period,
			"algorithm": a.Algo, "tokenType": map[string]string{"totp": "TOTP", "hotp": "HOTP", "steam": "STEAM"}[a.Type], "source": "Link"}
		if a.Type == "hotp" {
			otp["counter"] = a.Counter
			otp["period"] = 30 // 2FAS keeps a period for every service
		}
		out = append(out, M{"name": a.Issuer, "secret": a.Secret, "updatedAt": 1764460800000 + i,
			"serviceTypeID": nil, "otp": otp, "order": M{"position": i}, "icon": nil, "badge": nil, "groupId": nil})
	}
	b, err := json.Marshal(out)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

// twofasReference is the known text 2FAS encrypts to check the password
// (BackupContent.Reference in 2fas-android).
const twofasReference = "tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd"

func twofasFile(plain, encrypt []byte, schema int) []byte {
	f := map[string]any{"services": json.RawMessage("[]"), "groups": []any{}, "updatedAt": 1764460800000,
		"schemaVersion": schema, "appVersionCode": 5000012, "appVersionName": "5.4.1", "appOrigin": "android"}
	if plain != nil {
		f["services"] = json.RawMessage(plain)
	}
	if encrypt != nil {
		salt := random(256)
		key, err := pbkdf2.Key(sha256.New, Password, salt, 10_000, 32)
		if err != nil {
			log.Fatal(err)
		}
		part := func(data []byte) string {
			iv := random(12)
			e := base64.StdEncoding.EncodeToString
			return e(gcmSeal(key, iv, data)) + ":" + e(salt) + ":" + e(iv)
		}
		f["servicesEncrypted"] = part(encrypt)
		f["reference"] = part([]byte(twofasReference))
	}
	return mustJSON(f, "  ")
}

func twofasFlip(file []byte) []byte {
	var f map[string]any
	if err := json.Unmarshal(file, &f); err != nil {
		log.Fatal(err)
	}
	parts := bytes.SplitN([]byte(f["servicesEncrypted"].(string)), []byte(":"), 2)
	ct, _ := base64.StdEncoding.DecodeString(string(parts[0]))
	ct[3] ^= 0x80
	f["servicesEncrypted"] = base64.StdEncoding.EncodeToString(ct) + ":" + string(parts[1])
	return mustJSON(f, "  ")
}

func andotpEntries(accts []fixture) []byte {
	type M = map[string]any
	var out []M
	for _, a := range accts {
		// andOTP pads base32 secrets with '='.
		secret := a.Secret
		for len(secret)%8 != 0 {
			secret += "="
		}
		e := M{"secret": secret, "issuer": a.Issuer, "label": a.Name, "digits": a.Digits,
			"type":      map[string]string{"totp": "TOTP", "hotp": "HOTP", "steam": "STEAM"}[a.Type],
			"algorithm": a.Algo, "thumbnail": "Default", "last_used": 0, "used_frequency": 0, "tags": []string{}}
		switch a.Type {
		case "hotp":
			e["counter"] = a.Counter
		case "totp":
			e["period"] = a.Period
		} // Steam: no period
		out = append(out, e)
	}
	b, err := json.Marshal(out)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func andotpEncrypt(plain []byte, iter uint32) []byte {
	salt, iv := random(12), random(12)
	n := min(iter, 150_000) // the huge variant is written, never derived
	key, err := pbkdf2.Key(sha1.New, Password, salt, int(n), 32)
	if err != nil {
		log.Fatal(err)
	}
	out := binary.BigEndian.AppendUint32(nil, iter)
	out = append(out, salt...)
	out = append(out, iv...)
	return append(out, gcmSeal(key, iv, plain)...)
}

func otpauthURI(a fixture) string {
	q := url.Values{"secret": {a.Secret}, "algorithm": {a.Algo}, "digits": {fmt.Sprint(a.Digits)}}
	typ := a.Type
	switch a.Type {
	case "hotp":
		q.Set("counter", fmt.Sprint(a.Counter))
	case "steam":
		typ = "totp"
		q.Set("encoder", "steam")
		q.Set("period", "30")
	default:
		q.Set("period", fmt.Sprint(a.Period))
	}
	label := url.PathEscape(a.Name)
	if a.Issuer != "" {
		q.Set("issuer", a.Issuer)
		label = url.PathEscape(a.Issuer) + ":" + label
	}
	return "otpauth://" + typ + "/" + label + "?" + q.Encode()
}

func bitwarden(accts []fixture, encrypted bool) []byte {
	type M = map[string]any
	if encrypted {
		return mustJSON(M{"encrypted": true, "passwordProtected": true, "salt": base64.StdEncoding.EncodeToString(random(16)),
			"kdfType": 0, "kdfIterations": 600000, "encKeyValidation_DO_NOT_EDIT": "2." + base64.StdEncoding.EncodeToString(random(16)),
			"data": "2." + base64.StdEncoding.EncodeToString(random(64))}, "  ")
	}
	var items []M
	for i, a := range accts {
		totp := otpauthURI(a)
		switch {
		case a.Type == "steam":
			totp = "steam://" + a.Secret
		case i == 0:
			totp = a.Secret // a bare key: SHA1, 6 digits, 30 s
		}
		items = append(items, M{"id": uuid(), "organizationId": nil, "folderId": nil, "type": 1, "reprompt": 0,
			"name": a.Issuer, "notes": nil, "favorite": false,
			"login": M{"uris": nil, "username": a.Name, "password": "hunter2", "totp": totp}, "collectionIds": nil})
	}
	items = append(items, M{"id": uuid(), "type": 1, "name": "No TOTP", "login": M{"username": "x", "password": "y", "totp": nil}},
		M{"id": uuid(), "type": 2, "name": "A secure note", "secureNote": M{"type": 0}})
	return mustJSON(M{"encrypted": false, "folders": []any{}, "items": items}, "  ")
}

func ente(accts []fixture) []byte {
	var b bytes.Buffer
	for _, a := range accts {
		b.WriteString(otpauthURI(a) + "&codeDisplay=%7B%22pinned%22%3Afalse%7D\n")
	}
	return b.Bytes()
}

// migration writes a Google Authenticator export line by the schema in
// vault/migration/migration.proto.
func migration(accts []fixture, index, size int, id int32) string {
	var msg []byte
	for _, a := range accts {
		secret, err := vault.DecodeSecret(a.Secret)
		if err != nil {
			log.Fatal(err)
		}
		var m []byte
		m = protowire.AppendTag(m, 1, protowire.BytesType)
		m = protowire.AppendBytes(m, secret)
		name := a.Name
		if a.Issuer != "" {
			name = a.Issuer + ":" + a.Name
		}
		m = protowire.AppendTag(m, 2, protowire.BytesType)
		m = protowire.AppendString(m, name)
		m = protowire.AppendTag(m, 3, protowire.BytesType)
		m = protowire.AppendString(m, a.Issuer)
		m = protowire.AppendTag(m, 4, protowire.VarintType)
		m = protowire.AppendVarint(m, map[string]uint64{"SHA1": 1, "SHA256": 2, "SHA512": 3}[a.Algo])
		m = protowire.AppendTag(m, 5, protowire.VarintType)
		m = protowire.AppendVarint(m, map[int]uint64{6: 1, 8: 2}[a.Digits])
		m = protowire.AppendTag(m, 6, protowire.VarintType)
		m = protowire.AppendVarint(m, map[string]uint64{"hotp": 1, "totp": 2}[a.Type])
		if a.Type == "hotp" {
			m = protowire.AppendTag(m, 7, protowire.VarintType)
			m = protowire.AppendVarint(m, a.Counter)
		}
		msg = protowire.AppendTag(msg, 1, protowire.BytesType)
		msg = protowire.AppendBytes(msg, m)
	}
	for _, f := range [][2]uint64{{2, 1}, {3, uint64(size)}, {4, uint64(index)}, {5, uint64(id)}} {
		msg = protowire.AppendTag(msg, protowire.Number(f[0]), protowire.VarintType)
		msg = protowire.AppendVarint(msg, f[1])
	}
	return "otpauth-migration://offline?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(msg))
}
