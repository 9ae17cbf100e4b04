package follow

import (
	"fmt"
	"testing"
)

// BenchmarkFollow1000: reading a 1,000-entry plain Aegis backup, diffing
// it against the previous one (100 entries changed) and applying it to a
// vault, the whole of one authdesk-cli follow --apply check without the
// vault's KDF.
func BenchmarkFollow1000(b *testing.B) {
	mk := func(gen int) []byte {
		var es []phoneEntry
		for i := range 1000 {
			name := "user"
			if i < 100 {
				name = fmt.Sprintf("user-v%d", gen)
			}
			es = append(es, phoneEntry{UUID: fmt.Sprintf("uuid-%04d", i), Issuer: fmt.Sprintf("Service %d", i), Name: name, Secret: secretN(i)})
		}
		return aegisPlain(es)
	}
	backups := [2][]byte{mk(0), mk(1)}
	f := newFollower(b)
	if _, _, err := Apply(f.v, Compare(State{}, f.dir, mustParse(b, "a", backups[0], nil), nil), f.state); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		bk, err := Parse("a", backups[(i+1)%2], nil)
		if err != nil {
			b.Fatal(err)
		}
		st, _ := LoadState(f.state)
		d := Compare(st, f.dir, bk, f.v.Accounts())
		if len(d.Changed) != 100 {
			b.Fatalf("changed %d", len(d.Changed))
		}
		if _, _, err := Apply(f.v, d, f.state); err != nil {
			b.Fatal(err)
		}
	}
}
