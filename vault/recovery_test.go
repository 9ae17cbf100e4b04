package vault

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// TestRecoveryWithSed follows the recovery recipe of the package
// documentation: split the file with the same sed commands, then decrypt the
// pieces as the age tool does (armor detected, scrypt passphrase, identity
// file), and finds the accounts.
func TestRecoveryWithSed(t *testing.T) {
	sed, err := exec.LookPath("sed")
	if err != nil {
		t.Skip("sed not installed")
	}
	_, path := newVault(t, nil, testAccount(1), testAccount(2))
	// The age tool recognizes armor only on the first line: the recipe's
	// cut right after a footer must not leave a blank line first.
	if b := mustRead(t, path); bytes.Contains(b, []byte("\n\n")) || !bytes.HasSuffix(b, []byte("-----END AGE ENCRYPTED FILE-----\n")) {
		t.Errorf("the vault file has blank lines or a bad ending:\n%s", b)
	}
	run := func(args ...string) []byte {
		out, err := exec.Command(sed, append(args, path)...).Output()
		if err != nil {
			t.Fatalf("sed %q: %v", args, err)
		}
		return out
	}
	keyAge := run("-n", "2,/^-----END AGE ENCRYPTED FILE-----$/p")
	accountsAge := run("1,/^-----END AGE ENCRYPTED FILE-----$/d")

	si, _ := age.NewScryptIdentity(string(password))
	r, err := age.Decrypt(armor.NewReader(bytes.NewReader(keyAge)), si)
	if err != nil {
		t.Fatalf("age -d key.age: %v", err)
	}
	var keyTxt bytes.Buffer
	keyTxt.ReadFrom(r)
	ids, err := age.ParseIdentities(&keyTxt) // what age -i reads
	if err != nil {
		t.Fatalf("key.txt is not an identity file: %v", err)
	}
	r, err = age.Decrypt(armor.NewReader(bytes.NewReader(accountsAge)), ids...)
	if err != nil {
		t.Fatalf("age -d -i key.txt accounts.age: %v", err)
	}
	var got struct {
		Accounts []Account `json:"accounts"`
	}
	if err := json.NewDecoder(r).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got.Accounts) != 2 || !bytes.Equal(got.Accounts[1].Secret, testAccount(2).Secret) {
		t.Fatalf("recovered %+v", got.Accounts)
	}
}
