// Package transfer moves accounts in and out of Authdesk in the formats other
// authenticators write and read. It is the one way in for every payload: an
// otpauth:// URI, a Google Authenticator otpauth-migration:// line, a list of
// them (Ente Auth's plain export is one), and the backup files of Aegis,
// 2FAS, andOTP and Bitwarden all go through Read, which tells them apart by
// their content, never by a file name.
//
// # Import
//
//	res, err := transfer.Read(data, transfer.Options{
//		Existing: v.Accounts(),              // to skip duplicates
//		Password: askPassword,               // called only for encrypted files
//	})
//
// A payload is read whole or not at all: any structural problem returns an
// error and no accounts, so a caller that adds res.Accounts in one vault.Add
// never leaves half a file behind. Entries the format can hold but Authdesk
// cannot use (Aegis's mOTP and Yandex, Google's MD5) are not errors: they are
// listed in res.Skipped, named. Accounts with the same secret, type and
// parameters as one already in the vault (or earlier in the payload) are
// counted in res.Duplicates and left out of res.Accounts. A Google export
// spread over several QR codes imports what is there; res.Missing names the
// batches that were not (“missing batch 2 of 3”).
//
// Errors wrap one of ErrWrongPassword, ErrDamaged, ErrUnsupportedVersion,
// ErrMalformed, ErrUnknownFormat, ErrPasswordRequired, ErrTooMany,
// ErrTooLarge and ErrNoCodes (Sentinels lists them), and their text
// starts with the sentinel's words so that a script can match the first line.
//
// A file comes in through Import (one size limit, MaxSize; an image is
// scanned with the Scan function the caller passes, and its codes read with
// ReadCodes); Read takes a payload already in memory.
//
// Files are untrusted: they are read up to MaxSize, decoded with
// encoding/json into typed structs, and their key derivation parameters are
// checked before any work is done (an Aegis scrypt N above 2^20 or PBKDF2
// iterations above 10^7 are ErrMalformed), so a hostile file cannot make
// Authdesk hash for an hour or allocate gigabytes.
//
// # Export
//
// Write is the one way out, for every format in ExportFormats; Skips names
// beforehand what a format leaves out. WriteOTPAuth writes one otpauth URI
// per line; WriteAegis writes an Aegis
// vault, plain or encrypted with a password as Aegis does (scrypt N=2^15,
// r=8, p=1); Migration splits accounts into Google Authenticator migration
// lines of at most ten accounts, skipping (and naming) the accounts Google's
// format cannot carry.
//
// # Formats
//
// Aegis (https://github.com/beemdevelopment/Aegis/blob/master/docs/vault.md):
// JSON {version: 1, header: {slots, params}, db}; db is the content object
// {version ≤ 3, entries, groups}, or when encrypted its AES-256-GCM
// ciphertext in base64, under a master key wrapped in each password slot with
// an scrypt-derived key.
//
// 2FAS (.2fas): JSON {schemaVersion ≤ 4, services: [...]}; encrypted files
// replace services by servicesEncrypted "ciphertext:salt:iv" (base64 each,
// AES-256-GCM under PBKDF2-HMAC-SHA256(password, salt, 10,000)) and carry a
// reference, a known text encrypted with the same key, to check the
// password.
//
// andOTP: a JSON array of entries (base32 secrets with '=' padding; an
// array of other entries, such as Duo's, is no known format); the
// encrypted .json.aes is iterations (4 bytes, big endian) ‖ salt (12) ‖ IV
// (12) ‖ AES-256-GCM ciphertext and tag, keyed with PBKDF2-HMAC-SHA1. The
// older encrypted format is IV (12) ‖ ciphertext ‖ tag keyed with
// SHA-256(password); it starts with random bytes, so it is read when the
// format is given (authdesk-cli import --from andotp) or its first bytes
// look like the newer header.
//
// Bitwarden: the unencrypted JSON export {encrypted: false, items: [...]}
// whose login.totp is an otpauth URI, a bare base32 key or steam://KEY.
// Encrypted Bitwarden exports are refused with what to do instead.
package transfer

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"authdesk/internal/safetext"
	"authdesk/vault"
)

// Errors that callers branch on; the errors Read returns wrap one of them.
var (
	// ErrWrongPassword: the password does not open the file.
	ErrWrongPassword = errors.New("wrong password")
	// ErrDamaged: the password opened the key, but the data fails
	// authentication (the file was changed or cut).
	ErrDamaged = errors.New("damaged")
	// ErrUnsupportedVersion: a format version newer than Authdesk reads, or
	// a variant it does not read (encrypted Bitwarden exports).
	ErrUnsupportedVersion = errors.New("unsupported version")
	// ErrMalformed: the file has the shape of a known format but breaks its
	// rules (bad JSON, a field of the wrong kind, absurd KDF parameters).
	ErrMalformed = errors.New("malformed")
	// ErrUnknownFormat: the content is none of the formats Read knows.
	ErrUnknownFormat = errors.New("not a known export format")
	// ErrPasswordRequired: the file is encrypted and Options.Password is nil.
	ErrPasswordRequired = errors.New("password required")
	// ErrTooMany: the payload holds more than MaxAccounts new accounts.
	ErrTooMany = errors.New("too many accounts")
)

// MaxAccounts is the most accounts one import adds: far above any real
// export, and a vault of that many stays well under the size a vault can
// be opened with.
const MaxAccounts = 10_000

// MaxSize is the largest payload Read accepts. A 1,000-account Aegis export
// is about 300 KiB; icons make some exports a few MiB.
const MaxSize = 32 << 20

// Format names a file format, as authdesk-cli's --from and --format take it.
type Format string

// The formats Read detects; WriteOTPAuth, WriteAegis and Migration write the
// first three.
const (
	OTPAuth   Format = "otpauth"      // otpauth:// URIs one per line (also Ente Auth's plain export)
	Aegis     Format = "aegis"        // Aegis vault export, plain or encrypted
	GoogleMig Format = "ga-migration" // otpauth-migration:// lines (Google Authenticator)
	TwoFAS    Format = "2fas"         // 2FAS backup, plain or encrypted
	AndOTP    Format = "andotp"       // andOTP backup, plain JSON or .json.aes
	Bitwarden Format = "bitwarden"    // Bitwarden unencrypted JSON export
)

// formatNames are the names a person knows the formats by.
var formatNames = map[Format]string{
	OTPAuth: "otpauth:// links", Aegis: "Aegis export", GoogleMig: "Google Authenticator export",
	TwoFAS: "2FAS backup", AndOTP: "andOTP backup", Bitwarden: "Bitwarden export",
}

// Title is the name a person knows f by ("Aegis export"), for dialogs.
func (f Format) Title() string {
	if n, ok := formatNames[f]; ok {
		return n
	}
	return string(f)
}

// Formats lists every format Read knows, for messages and flag help.
var Formats = []Format{OTPAuth, GoogleMig, Aegis, TwoFAS, AndOTP, Bitwarden}

// Options control Read.
type Options struct {
	// Format skips detection: "" detects from the content. OTPAuth and
	// GoogleMig both read URI lists.
	Format Format
	// Password returns the password of an encrypted file. Read calls it at
	// most once, and only when the file is encrypted; nil makes encrypted
	// files fail with ErrPasswordRequired.
	Password func() ([]byte, error)
	// Existing are the accounts already in the vault: the ones the payload
	// repeats are counted in Result.Duplicates, not returned.
	Existing []vault.Account
	// Scan returns the texts of the QR codes in an encoded image, for
	// Import (the desktop app and authdesk-cli pass scanner.Bytes; this
	// package does not decode images). nil refuses images.
	Scan func(image []byte) ([]string, error)
	// EntryIDs keeps in each account's ID the app's own ID of its entry
	// (Aegis's uuid), for following a phone's backups; formats without
	// one (2FAS) leave it empty. Without EntryIDs, accounts have no ID.
	EntryIDs bool
}

// Result is what Read found in a payload.
type Result struct {
	Format     Format          // the format detected (or given)
	Encrypted  bool            // the file was encrypted
	Accounts   []vault.Account // the new accounts, valid, in file order, without IDs (see Options.EntryIDs)
	Duplicates []Duplicate     // accounts skipped as already in the vault or earlier in the payload
	Skipped    []string        // entries that cannot be used, each naming the entry and why
	Missing    []MissingBatch  // Google export batches not in the payload
	Batches    []Batch         // the Google export batches in the payload, to track them across scans
	Scanned    bool            // the payload was an image's QR codes (Import, ReadCodes)
	Unread     []Unread        // scanned codes that are not authenticator payloads
}

// Duplicate is an account of the payload skipped because Of holds the same
// secret, type and parameters.
type Duplicate struct {
	Account vault.Account
	Of      vault.Account
	InFile  bool // Of is earlier in the payload, not in the vault
}

// Notes are the lines a user should read besides the accounts: the missing
// batches first, then the skipped entries.
func (r *Result) Notes() []string {
	var n []string
	for _, m := range r.Missing {
		n = append(n, m.String())
	}
	return append(n, r.Skipped...)
}

// Read turns a payload into accounts; see the package documentation. The
// payload is data of at most MaxSize bytes: a file's content, a pasted text,
// or a scanned QR code's text.
func Read(data []byte, opts Options) (*Result, error) {
	if len(data) > MaxSize {
		return nil, tooLarge()
	}
	format := opts.Format
	if format == "" {
		format = Detect(data)
		if format == "" {
			return nil, fmt.Errorf("%w: Authdesk reads otpauth:// lists, Google Authenticator, Aegis, 2FAS, andOTP and Bitwarden (unencrypted JSON) exports", ErrUnknownFormat)
		}
	}
	pw := &password{get: opts.Password}
	var (
		res *Result
		err error
	)
	switch format {
	case OTPAuth, GoogleMig:
		res, err = readURIList(data)
	case Aegis:
		res, err = readAegis(data, pw)
	case TwoFAS:
		res, err = readTwoFAS(data, pw)
	case AndOTP:
		res, err = readAndOTP(data, pw)
	case Bitwarden:
		res, err = readBitwarden(data)
	default:
		return nil, fmt.Errorf("%w: unknown format %q (want one of %v)", ErrUnknownFormat, string(format), Formats)
	}
	if err != nil {
		return nil, lead(err)
	}
	if res.Format == "" {
		res.Format = format
	}
	res.Encrypted = pw.asked
	if !opts.EntryIDs {
		for i := range res.Accounts {
			res.Accounts[i].ID = ""
		}
	}
	if n := len(res.Accounts); n > MaxAccounts {
		return nil, fmt.Errorf("%w: %s; at most %s", ErrTooMany, thousands(n), thousands(MaxAccounts))
	}
	for i := range res.Accounts {
		if err := vault.Validate(res.Accounts[i]); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrMalformed, printable(res.Accounts[i].Title()), err)
		}
	}
	res.dedupe(opts.Existing)
	return res, nil
}

// sentinels are the errors whose words lead Read's messages.
var sentinels = []error{ErrWrongPassword, ErrDamaged, ErrUnsupportedVersion, ErrMalformed, ErrUnknownFormat, ErrPasswordRequired, ErrTooMany, ErrTooLarge, ErrNoCodes}

// Sentinels are the errors Read, Import and Write wrap, whose words lead
// their messages: a caller that shows the first line shows the kind.
func Sentinels() []error { return slices.Clone(sentinels) }

// lead moves the sentinel's words to the front of err's message ("Aegis
// slot 1: malformed: …" becomes "malformed: Aegis slot 1: …"), so that
// the first words of every error say what kind it is.
func lead(err error) error {
	for _, s := range sentinels {
		if !errors.Is(err, s) {
			continue
		}
		msg := err.Error()
		if strings.HasPrefix(msg, s.Error()) {
			return err
		}
		rest := strings.Replace(msg, s.Error()+": ", "", 1)
		if rest == msg {
			rest = strings.Replace(msg, s.Error(), "", 1)
		}
		return fmt.Errorf("%w: %s", s, strings.TrimSpace(rest))
	}
	return err
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// password asks for the password once.
type password struct {
	get   func() ([]byte, error)
	asked bool
	pw    []byte
}

func (p *password) value() ([]byte, error) {
	if p.asked {
		return p.pw, nil
	}
	if p.get == nil {
		return nil, fmt.Errorf("%w: the file is encrypted", ErrPasswordRequired)
	}
	pw, err := p.get()
	if err != nil {
		return nil, err
	}
	if len(pw) == 0 {
		return nil, fmt.Errorf("%w: the file is encrypted and the password is empty", ErrPasswordRequired)
	}
	p.asked, p.pw = true, pw
	return pw, nil
}

// Detect names the format of data from its content, or returns "" when it
// is none Read knows.
func Detect(data []byte) Format {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	t = bytes.TrimPrefix(t, []byte("\xef\xbb\xbf"))
	switch {
	case len(t) == 0:
		return ""
	case t[0] == '{':
		return detectJSONObject(t)
	case t[0] == '[':
		return detectJSONArray(t)
	case looksLikeURIList(t):
		return OTPAuth
	case isAndOTPEncrypted(data):
		return AndOTP
	}
	return ""
}

// detectJSONArray names andOTP when the array's entries look like andOTP's
// (a secret and a type or label), or when it is empty or not JSON (so that
// andOTP's reader says what is wrong); another app's array (Duo's) is no
// known format.
func detectJSONArray(t []byte) Format {
	var probe []map[string]jsonRaw
	if err := json.Unmarshal(t, &probe); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return AndOTP
		}
		return ""
	}
	for _, e := range probe {
		_, secret := e["secret"]
		_, typ := e["type"]
		_, label := e["label"]
		if !secret || !typ && !label {
			return ""
		}
	}
	return AndOTP
}

// detectJSONObject tells the JSON object formats apart by their keys.
func detectJSONObject(t []byte) Format {
	var probe struct {
		Header        *jsonRaw `json:"header"`
		DB            *jsonRaw `json:"db"`
		SchemaVersion *jsonRaw `json:"schemaVersion"`
		Services      *jsonRaw `json:"services"`
		Items         *jsonRaw `json:"items"`
		Encrypted     *jsonRaw `json:"encrypted"`
	}
	if err := decodeJSON(t, &probe); err != nil {
		// Not JSON after all: let the formats that look like it say why.
		return Aegis
	}
	switch {
	case probe.Header != nil || probe.DB != nil:
		return Aegis
	case probe.SchemaVersion != nil || probe.Services != nil:
		return TwoFAS
	case probe.Items != nil || probe.Encrypted != nil:
		return Bitwarden
	}
	return ""
}

// SkipExisting moves the accounts that repeat one of existing to
// r.Duplicates: for a caller that reads a file before it opens the vault
// (Read with Options.Existing does the same).
func (r *Result) SkipExisting(existing []vault.Account) { r.dedupe(existing) }

// dedupe moves the accounts that repeat one in existing, or one earlier in
// the payload, to r.Duplicates. Accounts are matched by a digest of their
// secret and parameters, so that a large file against a large vault takes
// linear time and no secret byte is compared directly.
func (r *Result) dedupe(existing []vault.Account) {
	type entry struct {
		a      vault.Account
		inFile bool
	}
	seen := make(map[[sha256.Size]byte]entry, len(existing)+len(r.Accounts))
	for _, a := range existing {
		if k := sameKey(a); seen[k].a.Secret == nil {
			seen[k] = entry{a: a}
		}
	}
	kept := r.Accounts[:0:0]
	for _, a := range r.Accounts {
		k := sameKey(a)
		if e, ok := seen[k]; ok {
			r.Duplicates = append(r.Duplicates, Duplicate{Account: a, Of: e.a, InFile: e.inFile})
			continue
		}
		seen[k] = entry{a: a, inFile: true}
		kept = append(kept, a)
	}
	r.Accounts = kept
}

// sameKey is a digest of what Same compares.
func sameKey(a vault.Account) [sha256.Size]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%d\x00", a.Type, alg(a), digits(a), period(a))
	h.Write(a.Secret)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// Same reports whether a and b generate the same codes: the same secret,
// type and parameters (an HOTP counter is state, not a parameter). The
// secrets are compared in constant time.
func Same(a, b vault.Account) bool {
	if a.Type != b.Type || alg(a) != alg(b) || digits(a) != digits(b) || period(a) != period(b) {
		return false
	}
	return len(a.Secret) == len(b.Secret) && subtle.ConstantTimeCompare(a.Secret, b.Secret) == 1
}

func alg(a vault.Account) vault.Algorithm {
	if a.Algorithm == "" {
		return vault.SHA1
	}
	return a.Algorithm
}

func digits(a vault.Account) int {
	switch {
	case a.Type == vault.Steam:
		return vault.SteamDigits
	case a.Digits == 0:
		return vault.DefaultDigits
	}
	return a.Digits
}

func period(a vault.Account) int {
	switch {
	case a.Type == vault.HOTP:
		return 0
	case a.Period == 0:
		return vault.DefaultPeriod
	}
	return a.Period
}

// printable makes a name from an untrusted file safe to print on a
// terminal; an empty one is "(no name)".
func printable(s string) string {
	if s == "" {
		return "(no name)"
	}
	return safetext.Printable(s, 64)
}

// skipped formats one Result.Skipped line.
func skipped(kind string, n int, title, why string) string {
	return fmt.Sprintf("skipped %s %d, %s: %s", kind, n, printable(title), why)
}

// convertAll converts the entries of an app's export in order, each a unit
// ("entry", "service") of the app named app: an entry Authdesk cannot use
// is skipped with its reason, a broken one fails the whole import with its
// number and label.
func convertAll[E any](f Format, app, unit string, entries []E, convert func(E) (vault.Account, string, error), label func(E) string) (*Result, error) {
	res := &Result{Format: f}
	for i, e := range entries {
		a, why, err := convert(e)
		if err != nil {
			return nil, fmt.Errorf("%w: %s %s %d (%s): %v", ErrMalformed, app, unit, i+1, printable(label(e)), err)
		}
		if why != "" {
			res.Skipped = append(res.Skipped, skipped(unit, i+1, title(a.Issuer, a.Name), why))
			continue
		}
		res.Accounts = append(res.Accounts, a)
	}
	return res, nil
}
