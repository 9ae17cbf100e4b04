// Package migration decodes Google Authenticator's "Transfer accounts"
// export: QR codes holding
//
//	otpauth-migration://offline?data=BASE64
//
// where BASE64 is a protocol buffer (the schema is in migration.proto beside
// this file) listing up to about ten accounts with their raw secrets. A large
// export spans several QR codes; each says which one it is (Index of Size,
// with a BatchID shared by all of them).
//
// The base64 comes in every flavour in practice: standard or URL-safe
// alphabet, padded or not, percent-encoded or not, and with '+' turned into a
// space by tools that treat the query as form data. Parse accepts them all.
//
// The message is decoded with protowire, field by field, so that no generated
// code is needed and unknown fields are skipped as protobuf requires.
package migration

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"

	"authdesk/internal/safetext"
	"authdesk/vault"
	"authdesk/vault/otpauth"
)

// MaxLen is the longest URI Parse accepts; a QR code holds less.
const MaxLen = 16 << 10

// Batch is one export QR code's content.
type Batch struct {
	Accounts []vault.Account // the accounts Authdesk can use, in export order
	Index    int             // which QR code of the export this is, from 0
	Size     int             // how many QR codes the export has (0 or 1 for one)
	BatchID  int32           // the same in every QR code of one export
	Skipped  []error         // accounts that cannot be used (e.g. MD5), each error naming the account
}

// Enum values of the export's protocol buffer.
const (
	algSHA1   = 1
	algSHA256 = 2
	algSHA512 = 3
	algMD5    = 4

	digitsSix   = 1
	digitsEight = 2

	typeHOTP = 1
	typeTOTP = 2
)

// IsMigration reports whether s looks like a Google Authenticator export
// URI; the rule is otpauth.IsMigration's.
func IsMigration(s string) bool { return otpauth.IsMigration(s) }

// Parse decodes an otpauth-migration URI.
func Parse(uri string) (Batch, error) {
	uri = strings.TrimSpace(uri)
	if len(uri) > MaxLen {
		return Batch{}, fmt.Errorf("migration URI is too long (%d bytes, at most %d)", len(uri), MaxLen)
	}
	if !IsMigration(uri) {
		return Batch{}, errors.New("not a Google Authenticator export (it must start with otpauth-migration://)")
	}
	rest := uri[len("otpauth-migration://"):]
	host, query, _ := strings.Cut(rest, "?")
	if host = strings.TrimSuffix(host, "/"); !strings.EqualFold(host, "offline") {
		return Batch{}, fmt.Errorf("unknown export kind %q (want otpauth-migration://offline)", host)
	}
	data, err := dataParam(query)
	if err != nil {
		return Batch{}, err
	}
	raw, err := decodeBase64(data)
	if err != nil {
		return Batch{}, err
	}
	return Decode(raw)
}

// dataParam returns the data parameter, percent-decoded but with '+' kept
// (it is a base64 character here far more often than an encoded space).
func dataParam(query string) (string, error) {
	for _, kv := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k != "data" {
			continue
		}
		d, err := url.PathUnescape(v)
		if err != nil {
			// Not %v: url's error quotes the bad escape, a piece of the data.
			return "", errors.New("data parameter is not valid URL encoding (a bad %-escape)")
		}
		if d == "" {
			break
		}
		return d, nil
	}
	return "", errors.New("migration URI has no data parameter")
}

func decodeBase64(s string) ([]byte, error) {
	s = strings.ReplaceAll(s, " ", "+") // '+' decoded as a space by form-style unescaping
	s = strings.NewReplacer("\n", "", "\r", "", "\t", "").Replace(s)
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "-_") {
		s = strings.NewReplacer("-", "+", "_", "/").Replace(s)
	}
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("data parameter is not valid base64: %v", err)
	}
	return b, nil
}

// Decode decodes the protocol buffer of an export (the data parameter after
// base64 decoding).
func Decode(b []byte) (Batch, error) {
	var batch Batch
	var version int64
	for len(b) > 0 {
		f, err := nextField(&b)
		i := len(batch.Accounts) + len(batch.Skipped) + 1
		switch {
		case err != nil && f.num == 1 && f.typ == protowire.BytesType:
			return Batch{}, fmt.Errorf("export data is malformed: account %d: %v", i, err)
		case err != nil:
			return Batch{}, fmt.Errorf("export data is malformed: %v", err)
		case f.num == 1 && f.typ == protowire.BytesType:
			a, err := decodeAccount(f.bytes)
			if err != nil {
				if errors.Is(err, errMalformed) {
					return Batch{}, fmt.Errorf("export data is malformed: account %d: %w", i, err)
				}
				batch.Skipped = append(batch.Skipped, fmt.Errorf("account %d (%s): %w", i, printable(a.Title()), err))
				continue
			}
			batch.Accounts = append(batch.Accounts, a)
		case f.typ == protowire.VarintType:
			x := int64(int32(f.varint)) // int32 fields: proto truncates
			switch f.num {
			case 2:
				version = x
			case 3:
				batch.Size = int(x)
			case 4:
				batch.Index = int(x)
			case 5:
				batch.BatchID = int32(x)
			}
		}
	}
	_ = version // 1 in every export seen so far; newer versions decode the same fields
	// A missing size means a single QR code, so its index must be 0.
	if batch.Size < 0 || batch.Index < 0 || batch.Index >= max(batch.Size, 1) {
		return Batch{}, fmt.Errorf("export says it is QR code %d of %d", batch.Index+1, max(batch.Size, 1))
	}
	if len(batch.Accounts) == 0 && len(batch.Skipped) == 0 {
		return Batch{}, errors.New("export holds no accounts")
	}
	return batch, nil
}

var errMalformed = errors.New("malformed field")

// field is one field of a protocol buffer message, with its value when it
// is of a wire type the export uses.
type field struct {
	num    protowire.Number
	typ    protowire.Type
	bytes  []byte // typ BytesType
	varint uint64 // typ VarintType
}

// nextField takes the next field off the front of *b, skipping the value of
// other wire types as protobuf requires. On an error in the value, the
// field's number and type are set.
func nextField(b *[]byte) (field, error) {
	num, typ, n := protowire.ConsumeTag(*b)
	if n < 0 {
		return field{}, protowire.ParseError(n)
	}
	*b = (*b)[n:]
	f := field{num: num, typ: typ}
	switch typ {
	case protowire.BytesType:
		f.bytes, n = protowire.ConsumeBytes(*b)
	case protowire.VarintType:
		f.varint, n = protowire.ConsumeVarint(*b)
	default:
		n = protowire.ConsumeFieldValue(num, typ, *b)
	}
	if n < 0 {
		return f, protowire.ParseError(n)
	}
	*b = (*b)[n:]
	return f, nil
}

func decodeAccount(b []byte) (vault.Account, error) {
	var (
		a                   vault.Account
		alg, digits, otpTyp uint64
		counter             uint64
	)
	for len(b) > 0 {
		f, err := nextField(&b)
		if err != nil {
			return a, fmt.Errorf("%w: %v", errMalformed, err)
		}
		switch {
		case f.typ == protowire.BytesType:
			switch f.num {
			case 1:
				a.Secret = append([]byte(nil), f.bytes...)
			case 2:
				a.Name = string(f.bytes)
			case 3:
				a.Issuer = string(f.bytes)
			}
		case f.typ == protowire.VarintType:
			switch f.num {
			case 4:
				alg = f.varint
			case 5:
				digits = f.varint
			case 6:
				otpTyp = f.varint
			case 7:
				counter = f.varint
			}
		}
	}
	if !utf8.ValidString(a.Name) || !utf8.ValidString(a.Issuer) {
		a.Name, a.Issuer = strings.ToValidUTF8(a.Name, "?"), strings.ToValidUTF8(a.Issuer, "?")
		return a, errors.New("name or issuer is not valid UTF-8")
	}
	// Google puts "Issuer:name" in the name field; keep just the name.
	if a.Issuer != "" {
		if rest, ok := strings.CutPrefix(a.Name, a.Issuer+":"); ok {
			a.Name = strings.TrimSpace(rest)
		}
	} else if iss, name, ok := strings.Cut(a.Name, ":"); ok && iss != "" && name != "" {
		a.Issuer, a.Name = strings.TrimSpace(iss), strings.TrimSpace(name)
	}

	if err := setParams(&a, alg, digits, otpTyp, counter); err != nil {
		return a, err
	}
	// The account rules are the vault's.
	n, err := vault.Normalize(a)
	if err != nil {
		return a, err
	}
	return n, nil
}

// setParams maps the export's enum values to a's parameters.
func setParams(a *vault.Account, alg, digits, otpTyp, counter uint64) error {
	switch alg {
	case 0, algSHA1:
		a.Algorithm = vault.SHA1
	case algSHA256:
		a.Algorithm = vault.SHA256
	case algSHA512:
		a.Algorithm = vault.SHA512
	case algMD5:
		return errors.New("unsupported algorithm MD5")
	default:
		return fmt.Errorf("unknown algorithm value %d", alg)
	}
	switch digits {
	case 0, digitsSix:
		a.Digits = 6
	case digitsEight:
		a.Digits = 8
	default:
		return fmt.Errorf("unknown digit count value %d", digits)
	}
	switch otpTyp {
	case 0, typeTOTP:
		a.Type = vault.TOTP
	case typeHOTP:
		a.Type = vault.HOTP
		if counter > math.MaxInt64 {
			return fmt.Errorf("counter %d is out of range", counter)
		}
		a.Counter = counter
	default:
		return fmt.Errorf("unknown OTP type value %d", otpTyp)
	}
	return nil
}

// printable makes a name from an untrusted export safe to print.
func printable(s string) string { return safetext.Printable(s, 64) }

// Encode is the inverse of Parse: it writes accounts as one export QR code's
// URI, as Google Authenticator does. Steam accounts are written as plain
// TOTP (the format has no Steam type), and 7-digit accounts cannot be
// written at all.
func Encode(b Batch) (string, error) {
	var msg []byte
	for _, a := range b.Accounts {
		var m []byte
		m = protowire.AppendTag(m, 1, protowire.BytesType)
		m = protowire.AppendBytes(m, a.Secret)
		name := a.Name
		if a.Issuer != "" {
			name = a.Issuer + ":" + a.Name
		}
		m = protowire.AppendTag(m, 2, protowire.BytesType)
		m = protowire.AppendString(m, name)
		if a.Issuer != "" {
			m = protowire.AppendTag(m, 3, protowire.BytesType)
			m = protowire.AppendString(m, a.Issuer)
		}
		alg := map[vault.Algorithm]uint64{vault.SHA1: algSHA1, "": algSHA1, vault.SHA256: algSHA256, vault.SHA512: algSHA512}[a.Algorithm]
		if alg == 0 {
			return "", fmt.Errorf("account %s: algorithm %q cannot be exported", a.Title(), a.Algorithm)
		}
		m = protowire.AppendTag(m, 4, protowire.VarintType)
		m = protowire.AppendVarint(m, alg)
		var d uint64
		switch a.Digits {
		case 0, 6, vault.SteamDigits:
			d = digitsSix
		case 8:
			d = digitsEight
		default:
			return "", fmt.Errorf("account %s: %d digits cannot be exported", a.Title(), a.Digits)
		}
		m = protowire.AppendTag(m, 5, protowire.VarintType)
		m = protowire.AppendVarint(m, d)
		t := uint64(typeTOTP)
		if a.Type == vault.HOTP {
			t = typeHOTP
		}
		m = protowire.AppendTag(m, 6, protowire.VarintType)
		m = protowire.AppendVarint(m, t)
		if a.Type == vault.HOTP {
			m = protowire.AppendTag(m, 7, protowire.VarintType)
			m = protowire.AppendVarint(m, a.Counter)
		}
		msg = protowire.AppendTag(msg, 1, protowire.BytesType)
		msg = protowire.AppendBytes(msg, m)
	}
	size := b.Size
	if size == 0 {
		size = 1
	}
	for _, f := range []struct {
		num protowire.Number
		v   int64
	}{{2, 1}, {3, int64(size)}, {4, int64(b.Index)}, {5, int64(b.BatchID)}} {
		msg = protowire.AppendTag(msg, f.num, protowire.VarintType)
		msg = protowire.AppendVarint(msg, uint64(f.v))
	}
	return "otpauth-migration://offline?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(msg)), nil
}
