package transfer

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"authdesk/vault"
	"authdesk/vault/icons/picture"
)

// Aegis format versions Authdesk reads and writes.
const (
	aegisFileVersion = 1 // the outer {version, header, db}
	aegisDBVersion   = 3 // the content {version, entries, groups}
	aegisSlotRaw     = 0
	aegisSlotPass    = 1
	aegisMaxSlots    = 16
	aegisMaxPassSlot = 4 // password slots tried, each an scrypt run
)

// AegisScrypt are the scrypt parameters WriteAegis uses, Aegis's own.
var AegisScrypt = struct{ N, R, P int }{1 << 15, 8, 1}

type aegisFile struct {
	Version *int            `json:"version"`
	Header  aegisHeader     `json:"header"`
	DB      json.RawMessage `json:"db"`
}

type aegisHeader struct {
	Slots  []aegisSlot  `json:"slots"`
	Params *aegisParams `json:"params"`
}

type aegisParams struct {
	Nonce string `json:"nonce"`
	Tag   string `json:"tag"`
}

type aegisSlot struct {
	Type      int         `json:"type"`
	UUID      string      `json:"uuid"`
	Key       string      `json:"key"`
	KeyParams aegisParams `json:"key_params"`
	N         int64       `json:"n,omitempty"`
	R         int         `json:"r,omitempty"`
	P         int         `json:"p,omitempty"`
	Salt      string      `json:"salt,omitempty"`
	Repaired  bool        `json:"repaired,omitempty"`
	IsBackup  bool        `json:"is_backup,omitempty"`
}

type aegisDB struct {
	Version int          `json:"version"`
	Entries []aegisEntry `json:"entries"`
	Groups  []aegisGroup `json:"groups"`
}

type aegisGroup struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

type aegisEntry struct {
	Type     string    `json:"type"`
	UUID     string    `json:"uuid"`
	Name     string    `json:"name"`
	Issuer   string    `json:"issuer"`
	Note     string    `json:"note"`
	Icon     *string   `json:"icon"`
	IconMime *string   `json:"icon_mime"`
	Favorite bool      `json:"favorite"`
	Info     aegisInfo `json:"info"`
	Groups   []string  `json:"groups"`
	Group    *string   `json:"group,omitempty"` // db versions 1 and 2: one group name
}

type aegisInfo struct {
	Secret  string  `json:"secret"`
	Algo    string  `json:"algo"`
	Digits  int     `json:"digits"`
	Period  int     `json:"period,omitempty"`
	Counter *uint64 `json:"counter,omitempty"`
}

func readAegis(data []byte, pw *password) (*Result, error) {
	var f aegisFile
	if err := decodeJSON(data, &f); err != nil {
		return nil, fmt.Errorf("the Aegis export: %w", err)
	}
	switch {
	case f.Version == nil || len(f.DB) == 0:
		return nil, fmt.Errorf("%w: Aegis export without version or db", ErrMalformed)
	case *f.Version > aegisFileVersion:
		return nil, fmt.Errorf("%w: Aegis file version %d (Authdesk reads version %d)", ErrUnsupportedVersion, *f.Version, aegisFileVersion)
	case *f.Version < 1:
		return nil, fmt.Errorf("%w: Aegis file version %d", ErrMalformed, *f.Version)
	}
	content := []byte(f.DB)
	if f.DB[0] == '"' {
		var err error
		if content, err = decryptAegis(f, pw); err != nil {
			return nil, err
		}
	}
	var db aegisDB
	if err := decodeJSON(content, &db); err != nil {
		return nil, fmt.Errorf("the Aegis export content: %w", err)
	}
	switch {
	case db.Version > aegisDBVersion:
		return nil, fmt.Errorf("%w: Aegis content version %d (Authdesk reads up to %d)", ErrUnsupportedVersion, db.Version, aegisDBVersion)
	case db.Version < 1:
		return nil, fmt.Errorf("%w: Aegis content version %d", ErrMalformed, db.Version)
	}
	groups := make(map[string]string, len(db.Groups))
	for _, g := range db.Groups {
		groups[g.UUID] = g.Name
	}
	res := &Result{Format: Aegis}
	for i, e := range db.Entries {
		a, why, err := e.account(groups)
		if err != nil {
			return nil, fmt.Errorf("%w: Aegis entry %d (%s): %v", ErrMalformed, i+1, printable(e.Issuer+" "+e.Name), err)
		}
		if why != "" {
			res.Skipped = append(res.Skipped, skipped("entry", i+1, title(e.Issuer, e.Name), why))
			continue
		}
		if a.Icon, why = e.icon(); why != "" {
			res.Skipped = append(res.Skipped, fmt.Sprintf("entry %d, %s: imported without its icon: %s", i+1, printable(a.Title()), why))
		}
		a.ID = e.UUID // kept with Options.EntryIDs only
		res.Accounts = append(res.Accounts, a)
	}
	return res, nil
}

func title(issuer, name string) string {
	return vault.Account{Issuer: issuer, Name: name}.Title()
}

// decryptAegis unwraps the master key with the password and decrypts db.
func decryptAegis(f aegisFile, pw *password) ([]byte, error) {
	if f.Header.Params == nil || len(f.Header.Slots) == 0 {
		return nil, fmt.Errorf("%w: encrypted Aegis export without slots or params", ErrMalformed)
	}
	if len(f.Header.Slots) > aegisMaxSlots {
		return nil, fmt.Errorf("%w: %d key slots", ErrMalformed, len(f.Header.Slots))
	}
	nonce, tag, err := f.Header.Params.decode()
	if err != nil {
		return nil, fmt.Errorf("the Aegis header params: %w", err)
	}
	var dbText string
	if err := json.Unmarshal(f.DB, &dbText); err != nil {
		return nil, fmt.Errorf("%w: Aegis db is not a JSON string", ErrMalformed)
	}
	sealed, err := base64.StdEncoding.DecodeString(dbText)
	if err != nil {
		return nil, fmt.Errorf("%w: Aegis db is not base64 (is the file cut?)", ErrMalformed)
	}
	// Check every password slot's parameters before deriving any key.
	type slot struct {
		salt, key, nonce, tag []byte
		n                     int64
		r, p                  int
	}
	var slots []slot
	var work int64 // N·r·p over the password slots, checked before any key is derived
	for i, s := range f.Header.Slots {
		if s.Type != aegisSlotPass {
			continue // raw and biometric slots need a key from the phone
		}
		var sl slot
		var err error
		if sl.salt, err = hex.DecodeString(s.Salt); err != nil {
			return nil, fmt.Errorf("%w: slot %d salt is not hex", ErrMalformed, i+1)
		}
		if err := checkScrypt(s.N, s.R, s.P, sl.salt); err != nil {
			return nil, fmt.Errorf("the Aegis slot %d: %w", i+1, err)
		}
		if work += s.N * int64(s.R) * int64(s.P); work > maxScryptWork {
			return nil, fmt.Errorf("%w: the Aegis key slots ask for scrypt work N·r·p of %d in all (up to slot %d), above the limit of %d",
				ErrMalformed, work, i+1, maxScryptWork)
		}
		if sl.key, err = hex.DecodeString(s.Key); err != nil || len(sl.key) != keyLen {
			return nil, fmt.Errorf("%w: slot %d key is not %d bytes of hex", ErrMalformed, i+1, keyLen)
		}
		if sl.nonce, sl.tag, err = s.KeyParams.decode(); err != nil {
			return nil, fmt.Errorf("the Aegis slot %d: %w", i+1, err)
		}
		sl.n, sl.r, sl.p = s.N, s.R, s.P
		slots = append(slots, sl)
	}
	switch {
	case len(slots) == 0:
		return nil, fmt.Errorf("%w: the Aegis export has no password slot (only a biometric key opens it); export again with a password", ErrMalformed)
	case len(slots) > aegisMaxPassSlot:
		return nil, fmt.Errorf("%w: %d password slots", ErrMalformed, len(slots))
	}
	password, err := pw.value()
	if err != nil {
		return nil, err
	}
	var master []byte
	for _, s := range slots {
		k, err := scryptKey(password, s.salt, s.n, s.r, s.p)
		if err != nil {
			return nil, err
		}
		if master, err = openGCM(k, s.nonce, append(s.key, s.tag...)); err == nil {
			break
		}
	}
	if master == nil {
		return nil, fmt.Errorf("%w for this Aegis export", ErrWrongPassword)
	}
	plain, err := openGCM(master, nonce, append(sealed, tag...))
	if err != nil {
		return nil, fmt.Errorf("%w: the password opened the Aegis key but the accounts fail authentication (the file was changed or cut)", ErrDamaged)
	}
	return plain, nil
}

func (p aegisParams) decode() (nonce, tag []byte, err error) {
	nonce, err1 := hex.DecodeString(p.Nonce)
	tag, err2 := hex.DecodeString(p.Tag)
	if err1 != nil || err2 != nil || len(nonce) != gcmNonceLen || len(tag) != gcmTagLen {
		return nil, nil, fmt.Errorf("%w: nonce and tag must be %d and %d bytes of hex", ErrMalformed, gcmNonceLen, gcmTagLen)
	}
	return nonce, tag, nil
}

// account converts an entry. A value Authdesk cannot use (mOTP, 10 digits)
// is a reason to skip it; a broken field is an error.
func (e aegisEntry) account(groups map[string]string) (a vault.Account, skip string, err error) {
	a = vault.Account{Issuer: e.Issuer, Name: e.Name, Note: e.Note,
		Favorite: e.Favorite}
	var ok bool
	if a.Type, ok = vault.ParseType(e.Type); !ok {
		switch strings.ToLower(e.Type) {
		case "motp":
			return a, "mOTP codes are not supported", nil
		case "yandex":
			return a, "Yandex codes are not supported", nil
		default:
			return a, fmt.Sprintf("unknown type %.16q", e.Type), nil
		}
	}
	if a.Secret, err = vault.DecodeSecret(e.Info.Secret); err != nil {
		return a, "", fmt.Errorf("secret: %v", err)
	}
	if a.Algorithm, skip = algorithm(e.Info.Algo); skip != "" {
		return a, skip, nil
	}
	a.Digits, a.Period = e.Info.Digits, e.Info.Period
	switch a.Type {
	case vault.Steam:
		a.Digits, a.Algorithm = vault.SteamDigits, vault.SHA1
	case vault.HOTP:
		if e.Info.Counter == nil {
			return a, "", fmt.Errorf("HOTP entry without a counter")
		}
		a.Counter, a.Period = *e.Info.Counter, 0
	}
	for _, id := range e.Groups {
		if name, ok := groups[id]; ok {
			a.Tags = append(a.Tags, name)
		}
	}
	if e.Group != nil && *e.Group != "" {
		a.Tags = append(a.Tags, *e.Group)
	}
	// The account rules (digits, period…) are the vault's.
	n, err := vault.Normalize(tidy(a))
	if err != nil {
		return a, err.Error(), nil
	}
	return n, "", nil
}

// icon is the entry's icon (Aegis keeps the picture's bytes in base64 with
// its MIME type), or nil; why says why one it carries is left out.
func (e aegisEntry) icon() (ic *vault.Icon, why string) {
	if e.Icon == nil || *e.Icon == "" {
		return nil, ""
	}
	if len(*e.Icon) > base64.StdEncoding.EncodedLen(picture.MaxImageBytes)+4 {
		return nil, fmt.Sprintf("over %d KiB", picture.MaxImageBytes>>10)
	}
	data, err := base64.StdEncoding.DecodeString(*e.Icon)
	if err != nil {
		return nil, "the icon is not base64"
	}
	mime := ""
	if e.IconMime != nil {
		mime = *e.IconMime
	}
	if err := picture.CheckImage(data, mime); err != nil {
		return nil, err.Error()
	}
	return &vault.Icon{MIME: mime, Data: data}, ""
}

// algorithm maps an algorithm name to Authdesk's, or says why it cannot.
func algorithm(s string) (vault.Algorithm, string) {
	if alg, ok := vault.ParseAlgorithm(s); ok {
		return alg, ""
	}
	switch strings.ToUpper(strings.ReplaceAll(s, "-", "")) {
	case "":
		return vault.SHA1, ""
	case "MD5":
		return "", "the MD5 algorithm is not supported"
	}
	return "", fmt.Sprintf("unknown algorithm %.16q", s)
}

// tidy drops what would make an otherwise usable account invalid: control
// characters and overlong text in tags and notes, names with padding.
func tidy(a vault.Account) vault.Account {
	var tags []string
	for _, t := range a.Tags {
		t = strings.TrimSpace(strings.ToValidUTF8(t, ""))
		if t == "" || len(t) > vault.MaxTextLen || strings.ContainsFunc(t, isControl) {
			continue
		}
		tags = append(tags, t)
	}
	a.Tags = tags
	a.Note = strings.ToValidUTF8(a.Note, "")
	if len(a.Note) > vault.MaxNoteLen {
		a.Note = strings.ToValidUTF8(a.Note[:vault.MaxNoteLen-3], "") + "…"
	}
	return a
}

func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }

// WriteAegis writes accts as an Aegis vault export (content version 3),
// plain when password is empty, else encrypted as Aegis does: a random
// master key encrypts the content with AES-256-GCM and is wrapped in one
// password slot (scrypt AegisScrypt, AES-256-GCM). Tags become groups.
func WriteAegis(w io.Writer, accts []vault.Account, password []byte) error {
	db := aegisDB{Version: aegisDBVersion, Entries: []aegisEntry{}, Groups: []aegisGroup{}}
	groupIDs := map[string]string{}
	for _, a := range accts {
		e := aegisEntry{
			Type:     string(a.Type),
			UUID:     newUUID(),
			Name:     a.Name,
			Issuer:   a.Issuer,
			Note:     a.Note,
			Favorite: a.Favorite,
			Info: aegisInfo{
				Secret: vault.EncodeSecret(a.Secret),
				Algo:   string(alg(a)),
				Digits: digits(a),
				Period: period(a),
			},
			Groups: []string{},
		}
		if a.Type == vault.HOTP {
			c := a.Counter
			e.Info.Counter = &c
		}
		if a.Icon != nil && a.Icon.Data != nil {
			icon, mime := base64.StdEncoding.EncodeToString(a.Icon.Data), a.Icon.MIME
			e.Icon, e.IconMime = &icon, &mime
		}
		for _, t := range a.Tags {
			id, ok := groupIDs[t]
			if !ok {
				id = newUUID()
				groupIDs[t] = id
				db.Groups = append(db.Groups, aegisGroup{UUID: id, Name: t})
			}
			e.Groups = append(e.Groups, id)
		}
		db.Entries = append(db.Entries, e)
	}
	content, err := json.Marshal(db)
	if err != nil {
		return err
	}
	version := aegisFileVersion
	out := struct {
		Version int          `json:"version"`
		Header  *aegisHeader `json:"header"`
		DB      any          `json:"db"`
	}{Version: version}
	if len(password) == 0 {
		out.Header = &aegisHeader{}
		out.DB = json.RawMessage(content)
	} else {
		h, sealed, err := sealAegis(content, password)
		if err != nil {
			return err
		}
		out.Header, out.DB = h, base64.StdEncoding.EncodeToString(sealed)
	}
	b, err := json.MarshalIndent(out, "", "    ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// sealAegis encrypts content under a new master key and wraps the key in a
// password slot; it returns the header and the ciphertext without its tag.
func sealAegis(content, password []byte) (*aegisHeader, []byte, error) {
	master, salt := make([]byte, keyLen), make([]byte, 32)
	slotNonce, dbNonce := make([]byte, gcmNonceLen), make([]byte, gcmNonceLen)
	for _, b := range [][]byte{master, salt, slotNonce, dbNonce} {
		if _, err := rand.Read(b); err != nil {
			return nil, nil, err
		}
	}
	k, err := scryptKey(password, salt, int64(AegisScrypt.N), AegisScrypt.R, AegisScrypt.P)
	if err != nil {
		return nil, nil, err
	}
	wrapped, err := sealGCM(k, slotNonce, master)
	if err != nil {
		return nil, nil, err
	}
	sealed, err := sealGCM(master, dbNonce, content)
	if err != nil {
		return nil, nil, err
	}
	split := func(b []byte) ([]byte, []byte) { return b[:len(b)-gcmTagLen], b[len(b)-gcmTagLen:] }
	wkey, wtag := split(wrapped)
	ct, tag := split(sealed)
	return &aegisHeader{
		Slots: []aegisSlot{{
			Type: aegisSlotPass, UUID: newUUID(), Key: hex.EncodeToString(wkey),
			KeyParams: aegisParams{Nonce: hex.EncodeToString(slotNonce), Tag: hex.EncodeToString(wtag)},
			N:         int64(AegisScrypt.N), R: AegisScrypt.R, P: AegisScrypt.P,
			Salt: hex.EncodeToString(salt), Repaired: true,
		}},
		Params: &aegisParams{Nonce: hex.EncodeToString(dbNonce), Tag: hex.EncodeToString(tag)},
	}, ct, nil
}

// newUUID returns a random (version 4) UUID, as Aegis gives every entry.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
