package transfer

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"golang.org/x/crypto/scrypt"

	"authdesk/vault"
)

// aegisExport1000 is a 1,000-account Aegis export, plain or encrypted.
func aegisExport1000(b *testing.B, password string) []byte {
	b.Helper()
	accts := make([]vault.Account, 1000)
	for i := range accts {
		accts[i] = vault.Account{Issuer: fmt.Sprintf("Service %03d", i), Name: fmt.Sprintf("user%d@example.com", i),
			Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30,
			Secret: []byte(fmt.Sprintf("secret-%04d-abcdefghij", i))}
	}
	var buf bytes.Buffer
	if err := WriteAegis(&buf, accts, []byte(password)); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func benchmarkImport(b *testing.B, password string) {
	data := aegisExport1000(b, password)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res, err := Read(data, Options{Password: pw(password)})
		if err != nil || len(res.Accounts) != 1000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportAegis1000: a 1,000-account plain Aegis export (target
// under 200 ms).
func BenchmarkImportAegis1000(b *testing.B) { benchmarkImport(b, "") }

// BenchmarkImportAegis1000Encrypted: the same, encrypted (target: the
// scrypt cost of BenchmarkAegisKDF plus under 200 ms).
func BenchmarkImportAegis1000Encrypted(b *testing.B) { benchmarkImport(b, "hunter2") }

// BenchmarkAegisKDF is the scrypt derivation alone (N=2^15, r=8, p=1).
func BenchmarkAegisKDF(b *testing.B) {
	salt := make([]byte, 32)
	for b.Loop() {
		if _, err := scrypt.Key([]byte("hunter2"), salt, 1<<15, 8, 1, 32); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAegisWorstAccepted reads the costliest encrypted Aegis file the
// caps accept (scrypt N·r·p = maxScryptWork: one slot of N=2^19, r=8, p=1)
// with a wrong password, to the answer "wrong password". Run it alone to
// read its peak memory too:
//
//	go test -c -o /tmp/transfer.test ./vault/transfer
//	cd vault/transfer && /usr/bin/time -v /tmp/transfer.test -test.run '^$' -test.bench AegisWorstAccepted -test.benchtime 1x -test.benchmem
func BenchmarkAegisWorstAccepted(b *testing.B) {
	data := aegisSlots(b, 1, maxScryptWork/8, 8, 1)
	for b.Loop() {
		if _, err := Read(data, Options{Password: pw("wrong")}); !errors.Is(err, ErrWrongPassword) {
			b.Fatal(err)
		}
	}
}
