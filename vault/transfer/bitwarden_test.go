package transfer

import (
	"testing"

	"authdesk/vault"
)

// TestBitwardenSteam: a steam:// key is issuer Steam and, as account, the
// item's name; the username only when the item is called Steam.
func TestBitwardenSteam(t *testing.T) {
	tests := []struct{ item, user, issuer, name string }{
		{"Steam (main)", "gaben", "Steam", "Steam (main)"},
		{"gaben's alt", "", "Steam", "gaben's alt"},
		{"steam", "gaben", "Steam", "gaben"},
	}
	for _, tt := range tests {
		data := `{"encrypted": false, "items": [{"type": 1, "name": "` + tt.item + `",
			"login": {"username": "` + tt.user + `", "totp": "steam://V7JSY5BPZZDIFOFOCMQYVBKR4ZNQJT53"}}]}`
		res, err := Read([]byte(data), Options{})
		if err != nil {
			t.Fatalf("%s: %v", tt.item, err)
		}
		if len(res.Accounts) != 1 {
			t.Fatalf("%s: %d accounts", tt.item, len(res.Accounts))
		}
		a := res.Accounts[0]
		if a.Type != vault.Steam || a.Issuer != tt.issuer || a.Name != tt.name || a.Digits != vault.SteamDigits || a.Period != 30 {
			t.Errorf("%s: got %s %q %q %d digits %d s, want steam %q %q", tt.item, a.Type, a.Issuer, a.Name, a.Digits, a.Period, tt.issuer, tt.name)
		}
	}
}
