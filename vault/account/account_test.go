package account

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestManualAccount: the one builder behind the desktop form and
// authdesk-cli add.
func TestManualAccount(t *testing.T) {
	key := "jbsw y3dp-ehpk 3pxp"
	tests := []struct {
		name  string
		m     Manual
		want  Account // checked when msg is empty
		field string  // the first field at fault
		msg   string  // part of its message
	}{
		{name: "defaults", m: Manual{Issuer: " GitHub ", Secret: key, Period: 30},
			want: Account{Issuer: "GitHub", Type: TOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{name: "totp with everything", m: Manual{Name: "root", Secret: key, Type: "TOTP", Algorithm: "sha-256", Digits: 8, Period: 60},
			want: Account{Name: "root", Type: TOTP, Algorithm: SHA256, Digits: 8, Period: 60}},
		{name: "the longest period", m: Manual{Name: "x", Secret: key, Period: MaxPeriod},
			want: Account{Name: "x", Type: TOTP, Algorithm: SHA1, Digits: 6, Period: MaxPeriod}},
		{name: "hotp", m: Manual{Name: "key", Secret: key, Type: "hotp", Counter: 3},
			want: Account{Name: "key", Type: HOTP, Algorithm: SHA1, Digits: 6, Counter: 3}},
		{name: "steam defaults", m: Manual{Issuer: "Steam", Secret: key, Type: "steam"},
			want: Account{Issuer: "Steam", Type: Steam, Algorithm: SHA1, Digits: SteamDigits, Period: 30}},
		{name: "steam as the CLI passes it", m: Manual{Issuer: "Steam", Secret: key, Type: "steam", Algorithm: "SHA1", Period: 30},
			want: Account{Issuer: "Steam", Type: Steam, Algorithm: SHA1, Digits: SteamDigits, Period: 30}},

		{name: "no name", m: Manual{Secret: key, Period: 30}, field: "issuer", msg: "needs an issuer, a name or both"},
		{name: "blank name", m: Manual{Issuer: "  ", Secret: key, Period: 30}, field: "issuer", msg: "needs an issuer"},
		{name: "no secret", m: Manual{Issuer: "x", Period: 30}, field: "secret", msg: "secret is empty"},
		{name: "bad secret", m: Manual{Issuer: "x", Secret: "not base32!", Period: 30}, field: "secret", msg: "not valid base32"},
		{name: "type", m: Manual{Issuer: "x", Secret: key, Type: "motp", Period: 30}, field: "type", msg: `unknown account type "motp"`},
		{name: "algorithm", m: Manual{Issuer: "x", Secret: key, Algorithm: "md5", Period: 30}, field: "algorithm", msg: `unsupported algorithm "md5"`},
		{name: "digits", m: Manual{Issuer: "x", Secret: key, Digits: 4, Period: 30}, field: "digits", msg: "digits must be 6, 7 or 8, not 4"},
		{name: "period zero", m: Manual{Issuer: "x", Secret: key}, field: "period", msg: "between 1 and 86400 seconds, not 0"},
		{name: "period above the cap", m: Manual{Issuer: "x", Secret: key, Period: MaxPeriod + 1}, field: "period", msg: "not 86401"},
		{name: "period of hotp", m: Manual{Issuer: "x", Secret: key, Type: HOTP, Period: 30}, field: "period", msg: "not for hotp"},
		{name: "counter of totp", m: Manual{Issuer: "x", Secret: key, Period: 30, Counter: 5}, field: "counter", msg: "only for hotp"},
		{name: "steam digits", m: Manual{Issuer: "x", Secret: key, Type: Steam, Digits: 6}, field: "digits", msg: "steam accounts have 5 characters, not 6"},
		{name: "steam algorithm", m: Manual{Issuer: "x", Secret: key, Type: Steam, Algorithm: SHA256}, field: "algorithm", msg: "steam accounts use SHA1"},
		{name: "steam period", m: Manual{Issuer: "x", Secret: key, Type: Steam, Period: 60}, field: "period", msg: "30 s period, not 60"},
		{name: "control characters", m: Manual{Issuer: "x\x1b[2J", Secret: key, Period: 30}, field: "", msg: "control characters"},
		{name: "long issuer", m: Manual{Issuer: strings.Repeat("x", MaxTextLen+1), Secret: key, Period: 30}, field: "", msg: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := tt.m.Account()
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("Account: %v", err)
				}
				tt.want.Secret = []byte("Hello!\xde\xad\xbe\xef")
				if a.Issuer != tt.want.Issuer || a.Name != tt.want.Name || a.Type != tt.want.Type || a.Algorithm != tt.want.Algorithm ||
					a.Digits != tt.want.Digits || a.Period != tt.want.Period || a.Counter != tt.want.Counter || string(a.Secret) != string(tt.want.Secret) {
					t.Fatalf("Account = %+v, want %+v", a, tt.want)
				}
				if err := a.Validate(); err != nil {
					t.Errorf("the built account does not validate: %v", err)
				}
				return
			}
			var me *ManualError
			if !errors.As(err, &me) {
				t.Fatalf("Account: %v, want a *ManualError", err)
			}
			if me.Problems[0].Field != tt.field || !strings.Contains(me.Problems[0].Err.Error(), tt.msg) {
				t.Errorf("first problem %q: %v; want %q: …%s…", me.Problems[0].Field, me.Problems[0].Err, tt.field, tt.msg)
			}
			if me.For(tt.field) == nil {
				t.Errorf("For(%q) = nil", tt.field)
			}
		})
	}
}

// TestManualAccountAllProblems: the form shows every problem at once.
func TestManualAccountAllProblems(t *testing.T) {
	_, err := Manual{Secret: "1", Type: TOTP, Period: -1, Counter: 1}.Account()
	var me *ManualError
	if !errors.As(err, &me) {
		t.Fatalf("%v", err)
	}
	var fields []string
	for _, p := range me.Problems {
		fields = append(fields, p.Field)
	}
	if got := strings.Join(fields, ","); got != "issuer,secret,period,counter" {
		t.Errorf("fields at fault %s, want issuer,secret,period,counter", got)
	}
	if me.For("digits") != nil {
		t.Errorf("digits reported: %v", me.For("digits"))
	}
}

// FuzzManualAccount: whatever is typed, the builder never panics, and what
// it accepts is a valid account that gives a code.
func FuzzManualAccount(f *testing.F) {
	f.Add("GitHub", "alice", "JBSW Y3DP EHPK 3PXP", "totp", "SHA1", 6, 30, uint64(0))
	f.Add("", "key", "gezdgnbvgy3tqojq", "HOTP", "sha-512", 8, 0, uint64(7))
	f.Add("Steam", "", "MZXW6YTBOI", "steam", "", 0, 0, uint64(0))
	f.Add("x\x00", "y", "====", "motp", "md5", -1, -1, ^uint64(0))
	f.Fuzz(func(t *testing.T, issuer, name, secret, typ, alg string, digits, period int, counter uint64) {
		a, err := Manual{Issuer: issuer, Name: name, Secret: secret, Type: Type(typ), Algorithm: Algorithm(alg),
			Digits: digits, Period: period, Counter: counter}.Account()
		if err != nil {
			var me *ManualError
			if !errors.As(err, &me) || len(me.Problems) == 0 || me.Error() == "" {
				t.Fatalf("error %v is not a *ManualError with problems", err)
			}
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("accepted an invalid account: %v", err)
		}
		if _, err := a.Code(time.Unix(59, 0)); err != nil {
			t.Fatalf("accepted account gives no code: %v", err)
		}
	})
}
