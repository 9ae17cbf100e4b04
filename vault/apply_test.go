package vault

import (
	"os"
	"slices"
	"testing"
)

func TestApply(t *testing.T) {
	hotp := Account{Issuer: "Bank", Name: "ana", Secret: []byte("12345678901234567890"), Type: HOTP, Counter: 9}
	totp := Account{Issuer: "Forge", Name: "ana", Secret: []byte("abcdefghijabcdefghij"), Type: TOTP}
	for _, tc := range []struct {
		name    string
		changes func(ids []string) Changes
		want    MergeReport
		check   func(t *testing.T, v *Vault, ids []string)
	}{
		{
			name: "an update, a removal, an addition in one save",
			changes: func(ids []string) Changes {
				up := totp
				up.ID, up.Name = ids[1], "ana.b"
				return Changes{Update: []Account{up}, Remove: []string{ids[0]}, Add: []Account{{ID: "f0110we0000000aa", Issuer: "Chat", Secret: []byte("chatchatchatchatchat"), Type: TOTP}}}
			},
			want: MergeReport{Added: []string{"Chat"}, Changed: []string{"Forge (ana.b)"}, Removed: []string{"Bank (ana)"}},
			check: func(t *testing.T, v *Vault, _ []string) {
				if _, ok := v.Account("f0110we0000000aa"); !ok {
					t.Error("the added account did not keep its free ID")
				}
			},
		},
		{
			name: "an HOTP counter never goes back",
			changes: func(ids []string) Changes {
				up := hotp
				up.ID, up.Counter, up.Note = ids[0], 3, "from the phone"
				return Changes{Update: []Account{up}}
			},
			want: MergeReport{Changed: []string{"Bank (ana)"}},
			check: func(t *testing.T, v *Vault, ids []string) {
				if a, _ := v.Account(ids[0]); a.Counter != 9 || a.Note != "from the phone" {
					t.Errorf("counter %d, note %q", a.Counter, a.Note)
				}
			},
		},
		{
			name: "missing IDs and updates that change nothing are skipped",
			changes: func(ids []string) Changes {
				same := totp
				same.ID = ids[1]
				return Changes{Update: []Account{same, {ID: "nothere", Issuer: "X", Secret: []byte("x"), Type: TOTP}}, Remove: []string{"nothere"}}
			},
		},
		{
			name: "an invalid account saves nothing",
			changes: func(ids []string) Changes {
				return Changes{Remove: []string{ids[0]}, Add: []Account{{Issuer: "Bad", Type: TOTP}}}
			},
			check: func(t *testing.T, v *Vault, ids []string) {
				if _, ok := v.Account(ids[0]); !ok {
					t.Error("a removal was saved with a failed addition")
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, path := newVault(t, nil, hotp, totp)
			defer v.Close()
			var ids []string // Bank's, then Forge's
			for _, issuer := range []string{"Bank", "Forge"} {
				i := slices.IndexFunc(v.Accounts(), func(a Account) bool { return a.Issuer == issuer })
				ids = append(ids, v.Accounts()[i].ID)
			}
			before, _ := os.ReadFile(path)
			rep, err := v.Apply(tc.changes(ids))
			if tc.name == "an invalid account saves nothing" {
				if err == nil {
					t.Fatal("no error for an invalid account")
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rep.Added, tc.want.Added) || !slices.Equal(rep.Changed, tc.want.Changed) || !slices.Equal(rep.Removed, tc.want.Removed) {
				t.Errorf("report %+v, want %+v", rep, tc.want)
			}
			after, _ := os.ReadFile(path)
			if rep.Empty() && string(before) != string(after) {
				t.Error("the vault was saved though nothing changed")
			}
			if tc.check != nil {
				tc.check(t, v, ids)
			}
			// Applying again changes nothing.
			if rep2, err := v.Apply(tc.changes(ids)); err == nil && !rep2.Empty() && len(tc.changes(ids).Add) == 0 {
				t.Errorf("applied twice: %+v", rep2)
			}
		})
	}
}
