package vault

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestMinPasswordLen: Create and ChangePassword refuse a password under
// MinPasswordLen characters (counted in runes) and change nothing.
func TestMinPasswordLen(t *testing.T) {
	tests := []struct {
		pw string
		ok bool
	}{
		{"", false},
		{"hunter2", false}, // 7
		{"hunter22", true}, // 8
		{"äöüßéèêë", true}, // 8 runes, 16 bytes
		{"äöüßéèê", false}, // 7 runes, 14 bytes: bytes do not count
		{"12345678", true},
	}
	for _, tt := range tests {
		t.Run(tt.pw, func(t *testing.T) {
			if err := CheckPassword([]byte(tt.pw)); (err == nil) != tt.ok {
				t.Errorf("CheckPassword = %v, want ok %v", err, tt.ok)
			}
			path := filepath.Join(t.TempDir(), "vault.age")
			v, err := Create(path, []byte(tt.pw), Options{WorkFactor: testWF})
			if tt.ok {
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
				v.Close()
			} else {
				if !errors.Is(err, ErrShortPassword) {
					t.Fatalf("Create = %v, want ErrShortPassword", err)
				}
				if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("Create left a file behind: %v", err)
				}
			}

			v, path = newVault(t, nil, testAccount(1))
			defer v.Close()
			_, err = v.ChangePassword(password, []byte(tt.pw), nil)
			if !tt.ok {
				if !errors.Is(err, ErrShortPassword) {
					t.Fatalf("ChangePassword = %v, want ErrShortPassword", err)
				}
				if _, err := Unlock(path, password, Options{}); err != nil {
					t.Fatalf("the old password no longer opens the vault: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ChangePassword: %v", err)
			}
		})
	}
	if got := ErrShortPassword.Error(); got != "the password must have at least 8 characters" {
		t.Errorf("the rule reads %q", got)
	}
}
