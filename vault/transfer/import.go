package transfer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ErrTooLarge: the file is larger than MaxSize. Its message is the same
// wherever a file comes in (the desktop app, authdesk-cli import).
var ErrTooLarge = errors.New("too large")

// tooLarge is the one message for a file over MaxSize.
func tooLarge() error {
	return fmt.Errorf("%w: the file is larger than %d MiB, the most Authdesk reads; an export or a screenshot is far smaller", ErrTooLarge, MaxSize>>20)
}

// Import is the one way in for a file: it reads r whole, at most MaxSize
// bytes, and tells by the content what it is. An image (PNG, JPEG, GIF,
// BMP, WebP or TIFF, by its first bytes; a screenshot of a QR code) is
// scanned with opts.Scan and its codes are read with ReadCodes; anything
// else is an export read with Read. Options.Format skips the image test.
func Import(r io.Reader, opts Options) (*Result, error) {
	data, err := ReadAll(r)
	if err != nil {
		return nil, err
	}
	if opts.Format != "" || !IsImage(data) {
		return Read(data, opts)
	}
	if opts.Scan == nil {
		return nil, fmt.Errorf("%w: this is an image, and scanning is not available here", ErrUnknownFormat)
	}
	texts, err := opts.Scan(data)
	if err != nil {
		return nil, fmt.Errorf("%w: the image: %w", ErrNoCodes, err)
	}
	return ReadCodes(texts, opts), nil
}

// ReadAll reads a file whole for Import, at most MaxSize bytes: more is
// ErrTooLarge. A caller that must keep the bytes (to ask for a password
// and read them again) reads with ReadAll and imports a bytes.Reader.
func ReadAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(data) > MaxSize {
		return nil, tooLarge()
	}
	return data, nil
}

// ErrNoCodes: an image holds no QR code that could be read.
var ErrNoCodes = errors.New("no QR code read")

// imageMagic are the first bytes of the image formats the scanner decodes.
var imageMagic = [][]byte{
	[]byte("\x89PNG\r\n\x1a\n"),
	[]byte("\xff\xd8\xff"),
	[]byte("GIF87a"), []byte("GIF89a"),
	[]byte("BM"),
	[]byte("II*\x00"), []byte("MM\x00*"),
}

// IsImage reports whether data starts like an image the scanner reads.
func IsImage(data []byte) bool {
	if len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WEBP")) {
		return true
	}
	for _, m := range imageMagic {
		if bytes.HasPrefix(data, m) {
			return true
		}
	}
	return false
}

// Unread is a scanned code that is not a readable authenticator payload.
type Unread struct {
	Text string // the code's text; it may hold a secret: never print it whole
	Err  error  // why Read refused it (ErrUnknownFormat for a web link…)
}

// ReadCodes reads the texts of scanned QR codes, each like a payload of its
// own through Read: the accounts of those that read are merged (repeats
// across codes are duplicates too), and those that do not are listed in
// Result.Unread, so that one stray code does not lose the others. Missing
// counts the Google export batches over all the codes.
func ReadCodes(texts []string, opts Options) *Result {
	res := &Result{Scanned: true}
	one := opts
	one.Existing, one.Format = nil, ""
	var batches BatchTracker
	for _, t := range texts {
		r, err := Read([]byte(t), one)
		if err != nil {
			res.Unread = append(res.Unread, Unread{Text: t, Err: err})
			continue
		}
		if res.Format == "" {
			res.Format = r.Format
		}
		res.Accounts = append(res.Accounts, r.Accounts...)
		res.Duplicates = append(res.Duplicates, r.Duplicates...)
		res.Skipped = append(res.Skipped, r.Skipped...)
		res.Batches = append(res.Batches, r.Batches...)
		batches.Add(r.Batches)
	}
	res.Missing = batches.Missing()
	res.dedupe(opts.Existing)
	return res
}
