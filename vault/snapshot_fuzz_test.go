package vault

import (
	"testing"

	"filippo.io/age"
)

// FuzzDecodeMerge: whatever a replica's accounts block holds once
// decrypted (another computer's bug, a newer or damaged writer), Decode
// answers with an error or a snapshot that Merge takes without panicking
// and that survives Encode and Decode again.
func FuzzDecodeMerge(f *testing.F) {
	f.Add([]byte(`{"version":2,"accounts":[{"id":"a","name":"x","secret":"a2V5","type":"totp","sort":"i","rev":{"labels":{"w":5}}}],"tombstones":[{"id":"a","stamp":{"w":3}}]}`))
	f.Add([]byte(`{"version":1,"accounts":[{"id":"a"},{"id":"a"},{"id":""}]}`))
	f.Add([]byte(`{"version":2,"accounts":[{"id":"b","sort":"00"}],"tombstones":[{"id":"b","stamp":{"w":-1},"account":{"id":"c","sort":"~"}}]}`))
	f.Add([]byte(`{"version":3}`))
	id, err := age.GenerateX25519Identity()
	if err != nil {
		f.Fatal(err)
	}
	keyBlock, err := sealIdentity(id, password, testWF)
	if err != nil {
		f.Fatal(err)
	}
	k := Key{vaultID: "0123456789abcdef0123456789abcdef", identity: id, keyBlock: keyBlock}
	base, _ := mergeFixture()
	base.Accounts = base.Accounts[:20]
	f.Fuzz(func(t *testing.T, js []byte) {
		data, err := encryptArmored(js, id.Recipient())
		if err != nil {
			t.Fatal(err)
		}
		b := fileParts{id: k.vaultID, keyBlock: keyBlock, data: data}.bytes()
		s, _, err := k.Decode(b)
		if err != nil {
			return
		}
		if testing.Verbose() {
			t.Logf("decoded %d accounts, %d tombstones", len(s.Accounts), len(s.Tombstones))
		}
		m, _ := Merge(base, s)
		Merge(s, s)
		Merge(m, s)
		out, err := k.Encode(m)
		if err != nil {
			return
		}
		if _, _, err := k.Decode(out); err != nil {
			t.Fatalf("a merge Encode wrote does not decode: %v", err)
		}
	})
}
