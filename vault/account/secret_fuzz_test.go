package account

import (
	"bytes"
	"regexp"
	"testing"
)

// secretErrRe matches every message DecodeSecret may return, with numbers
// abstracted: none of them may quote the input.
var secretErrRe = regexp.MustCompile(`^secret (is empty|is too long|is not valid base32 \((wrong length [0-9]+|character [0-9]+ is not a letter or a digit 2-7)\))$`)

// FuzzDecodeSecret: DecodeSecret never panics, never quotes its input in an
// error, and what it accepts survives EncodeSecret unchanged.
func FuzzDecodeSecret(f *testing.F) {
	for _, s := range []string{"JBSWY3DPEHPK3PXP", "jbsw y3dp-ehpk 3pxp", "MZXW6===", "GEZDGNA", "A", "ABC!", "é1", "====", "\xff\xfe", "AAAAAAAA="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeSecret(s)
		if err != nil {
			if !secretErrRe.MatchString(err.Error()) {
				t.Fatalf("DecodeSecret(%q): unexpected message %q", s, err)
			}
			return
		}
		if len(b) == 0 || len(b) > MaxSecretLen+5 {
			t.Fatalf("DecodeSecret(%q) = %d bytes", s, len(b))
		}
		back, err := DecodeSecret(EncodeSecret(b))
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("DecodeSecret(EncodeSecret(%x)) = %x, %v", b, back, err)
		}
	})
}
