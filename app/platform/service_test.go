package platform

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"authdesk/vault"
)

func TestFirstSignInAndSetup(t *testing.T) {
	f := newFixture(t, Config{Issuer: "Acme Cloud"})
	f.register("Acme", "alice@example.com")
	res := f.signIn("Alice@Example.com", "")
	if res.Status != StatusSetupRequired || res.Setup == nil {
		t.Fatalf("first sign-in: status %q setup %v", res.Status, res.Setup)
	}
	if res.session.State != stateMFA {
		t.Fatalf("session state %q, want mfa", res.session.State)
	}
	u, err := url.Parse(res.Setup.URI)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/Acme Cloud:alice@example.com" || u.Query().Get("issuer") != "Acme Cloud" {
		t.Fatalf("otpauth URI %q", res.Setup.URI)
	}
	if len(res.Setup.Secret) != 32 || strings.Contains(res.Setup.Secret, "=") {
		t.Fatalf("secret %q: want 32 base32 characters without padding", res.Setup.Secret)
	}
	key := secretOf(t, res.Setup.URI)
	if len(key) != 20 {
		t.Fatalf("secret is %d bytes, want 20", len(key))
	}
	// A wrong code keeps the same pending secret.
	wrong := codeAt(key, f.clk.Now().Add(-5*time.Minute))
	if _, err := f.svc.confirmSetup(f.ctx, res.session, wrong); kindOf(err) != kindUnauthorized {
		t.Fatalf("wrong setup code: %v", err)
	}
	again, err := f.svc.pendingSetup(f.ctx, res.session)
	if err != nil || again.Secret != res.Setup.Secret {
		t.Fatalf("pending secret changed after a wrong code: %v %q", err, again.Secret)
	}
	// Computed by our vault, like a user's authenticator would.
	acct := vault.Account{Issuer: "Acme Cloud", Name: "alice@example.com", Secret: key, Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30}
	code, err := acct.Code(f.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	done, err := f.svc.confirmSetup(f.ctx, res.session, code)
	if err != nil {
		t.Fatalf("ConfirmSetup: %v", err)
	}
	if done.session.State != stateFull || done.session.ID == res.session.ID || len(done.RecoveryCodes) != 10 {
		t.Fatalf("after setup: %+v", done)
	}
	if _, err := f.svc.loadSession(f.ctx, res.session.ID); kindOf(err) != kindUnauthorized {
		t.Fatalf("the half-signed-in session survived setup: %v", err)
	}
	me, err := f.svc.me(f.ctx, done.session)
	if err != nil || me.MFAEnrolledAt == nil || !me.MFAEnrolledAt.Equal(f.clk.Now()) || me.Role != "admin" || me.Company != "Acme" {
		t.Fatalf("Me: %+v %v", me, err)
	}
}

func TestLaterSignInAndReplay(t *testing.T) {
	f := newFixture(t, Config{})
	key := f.enrol("bob@example.com")
	setupCode := codeAt(key, f.clk.Now())
	res := f.signIn("bob@example.com", "")
	if res.Status != StatusMFARequired {
		t.Fatalf("status %q, want mfa_required", res.Status)
	}
	// The setup confirmation code cannot be used again.
	if _, err := f.svc.verifyCode(f.ctx, res.session, setupCode, false); kindOf(err) != kindUnauthorized {
		t.Fatalf("setup code reused at sign-in: %v", err)
	}
	f.clk.Add(30 * time.Second)
	code := codeAt(key, f.clk.Now())
	out, err := f.svc.verifyCode(f.ctx, res.session, code, false)
	if err != nil || out.session.State != stateFull {
		t.Fatalf("VerifyCode: %v", err)
	}
	// Replay in a new sign-in within the same step.
	res2 := f.signIn("bob@example.com", "")
	if _, err := f.svc.verifyCode(f.ctx, res2.session, code, false); kindOf(err) != kindUnauthorized {
		t.Fatalf("replayed code: %v", err)
	}
	// An older code (the previous step, still within skew) is also refused.
	if _, err := f.svc.verifyCode(f.ctx, res2.session, setupCode, false); kindOf(err) != kindUnauthorized {
		t.Fatalf("older code after a newer one: %v", err)
	}
}

func TestParallelSubmissionsOfOneCode(t *testing.T) {
	f := newFixture(t, Config{})
	key := f.enrol("carol@example.com")
	f.clk.Add(30 * time.Second)
	const n = 12
	var sessions []session
	for range n {
		sessions = append(sessions, f.signIn("carol@example.com", "").session)
	}
	code := codeAt(key, f.clk.Now())
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, refused := 0, 0
	for _, s := range sessions {
		wg.Go(func() {
			_, err := f.svc.verifyCode(f.ctx, s, code, false)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case kindOf(err) == kindUnauthorized || kindOf(err) == kindThrottled:
				refused++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		})
	}
	wg.Wait()
	if ok != 1 || refused != n-1 {
		t.Fatalf("%d accepted, %d refused; want exactly one accepted", ok, refused)
	}
}

func TestSkewAtStepBoundaries(t *testing.T) {
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a step boundary
	for _, at := range []time.Duration{0, 29*time.Second + 999*time.Millisecond, 30 * time.Second} {
		for _, off := range []int64{-2, -1, 0, 1, 2} {
			t.Run(fmt.Sprintf("at+%v/step%+d", at, off), func(t *testing.T) {
				f := newFixture(t, Config{})
				f.clk.Set(base.Add(-10 * time.Minute))
				key := f.enrol("skew@example.com")
				f.clk.Set(base.Add(at))
				res := f.signIn("skew@example.com", "")
				step := f.clk.Now().Unix()/30 + off
				_, err := f.svc.verifyCode(f.ctx, res.session, hotpCode(key, uint64(step)), false)
				want := off >= -1 && off <= 1
				if (err == nil) != want {
					t.Fatalf("code of step %+d at %v: err=%v, want accepted=%v", off, f.clk.Now().Format(time.RFC3339Nano), err, want)
				}
			})
		}
	}
}

func TestSkewSameAtSetup(t *testing.T) {
	for _, off := range []int64{-2, -1, 1, 2} {
		t.Run(fmt.Sprintf("step%+d", off), func(t *testing.T) {
			f := newFixture(t, Config{})
			f.register("Skew", "s@example.com")
			res := f.signIn("s@example.com", "")
			key := secretOf(t, res.Setup.URI)
			_, err := f.svc.confirmSetup(f.ctx, res.session, hotpCode(key, uint64(f.clk.Now().Unix()/30+off)))
			if want := off >= -1 && off <= 1; (err == nil) != want {
				t.Fatalf("setup with step %+d: err=%v, want accepted=%v", off, err, want)
			}
		})
	}
}

func TestRememberDevice(t *testing.T) {
	f := newFixture(t, Config{})
	key := f.enrol("dora@example.com")
	enrolled := f.clk.Now()
	f.clk.Add(30 * time.Second)
	res := f.signIn("dora@example.com", "")
	out, err := f.svc.verifyCode(f.ctx, res.session, codeAt(key, f.clk.Now()), true)
	if err != nil || out.DeviceToken == "" || !out.DeviceExpires.Equal(f.clk.Now().Add(30*24*time.Hour)) {
		t.Fatalf("remember: %+v %v", out, err)
	}
	tok := out.DeviceToken
	if r := f.signIn("dora@example.com", tok); r.Status != StatusSignedIn || r.session.State != stateFull {
		t.Fatalf("remembered device: status %q", r.Status)
	}
	// Another user's token does not help.
	f.enrol("eve@example.com")
	if r := f.signIn("eve@example.com", tok); r.Status != StatusMFARequired {
		t.Fatalf("dora's device token skipped eve's code: %q", r.Status)
	}
	// The device skips only the code step, never the password.
	if _, err := f.svc.signIn(f.ctx, signInInput{Email: "dora@example.com", Password: "wrong password!!", Addr: "192.0.2.1", DeviceToken: tok}); kindOf(err) != kindUnauthorized {
		t.Fatalf("device token with a wrong password: %v", err)
	}
	// Still remembered one second before day 30.
	f.clk.Set(enrolled.Add(30*24*time.Hour - time.Second))
	if r := f.signIn("dora@example.com", tok); r.Status != StatusSignedIn {
		t.Fatalf("day 30 minus 1s: status %q, want signed_in", r.Status)
	}
	// At day 30 the re-enrolment step-up comes first, and the device no longer counts.
	f.clk.Set(enrolled.Add(30 * 24 * time.Hour))
	if r := f.signIn("dora@example.com", tok); r.Status != StatusMFARequired || !r.Reenrol {
		t.Fatalf("day 30: status %q reenrol %v, want the step-up", r.Status, r.Reenrol)
	}
}

func TestDeviceExpiryOnServer(t *testing.T) {
	f := newFixture(t, Config{})
	key := f.enrol("dev@example.com")
	f.clk.Add(30 * time.Second)
	res := f.signIn("dev@example.com", "")
	out, err := f.svc.verifyCode(f.ctx, res.session, codeAt(key, f.clk.Now()), true)
	if err != nil {
		t.Fatal(err)
	}
	var uid int64 = res.session.UserID
	for _, tc := range []struct {
		at   time.Duration
		want bool
	}{{0, true}, {30*24*time.Hour - time.Nanosecond, true}, {30 * 24 * time.Hour, false}, {31 * 24 * time.Hour, false}} {
		f.clk.Set(out.DeviceExpires.Add(tc.at - 30*24*time.Hour))
		ok, err := f.svc.deviceValid(f.ctx, uid, out.DeviceToken)
		if err != nil || ok != tc.want {
			t.Errorf("device valid after %v: %v %v, want %v", tc.at, ok, err, tc.want)
		}
	}
}

func TestDeviceRevocation(t *testing.T) {
	var key []byte
	cases := []struct {
		name   string
		revoke func(t *testing.T, f *fixture, full session)
	}{
		{"password change", func(t *testing.T, f *fixture, full session) {
			next, err := f.svc.changePassword(f.ctx, full, testPassword, testPassword+"!", "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.loadSession(f.ctx, full.ID); kindOf(err) != kindUnauthorized {
				t.Fatalf("old session survived the password change: %v", err)
			}
			if _, err := f.svc.changePassword(f.ctx, next, testPassword+"!", testPassword, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
		}},
		{"sign out everywhere", func(t *testing.T, f *fixture, full session) {
			if err := f.svc.signOutEverywhere(f.ctx, full); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.loadSession(f.ctx, full.ID); kindOf(err) != kindUnauthorized {
				t.Fatalf("session survived sign out everywhere: %v", err)
			}
		}},
		{"admin reset", func(t *testing.T, f *fixture, full session) {
			if err := f.svc.resetMFA(f.ctx, full, full.UserID); err != nil {
				t.Fatal(err)
			}
			f.clk.Add(30 * time.Second)
			f.setup("rev@example.com")
		}},
		{"re-enrolment", func(t *testing.T, f *fixture, full session) {
			f.clk.Add(30 * 24 * time.Hour)
			f.clk.Add(30 * time.Second)
			f.reenrol("rev@example.com", key)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Config{})
			key = f.enrol("rev@example.com")
			f.clk.Add(30 * time.Second)
			res := f.signIn("rev@example.com", "")
			out, err := f.svc.verifyCode(f.ctx, res.session, codeAt(key, f.clk.Now()), true)
			if err != nil {
				t.Fatal(err)
			}
			tc.revoke(t, f, out.session)
			f.clk.Add(time.Minute)
			r := f.signIn("rev@example.com", out.DeviceToken)
			if r.Status == StatusSignedIn {
				t.Fatalf("device token still skips the code after %s", tc.name)
			}
		})
	}
}

// reenrol walks email's day-30 re-enrolment: sign in, step up with oldKey,
// confirm the new key (in the same time step). It returns the new key.
func (f *fixture) reenrol(email string, oldKey []byte) []byte {
	f.t.Helper()
	r := f.signIn(email, "")
	if r.Status != StatusMFARequired || !r.Reenrol || r.Setup != nil {
		f.t.Fatalf("re-enrolment sign-in: %q reenrol=%v setup=%v", r.Status, r.Reenrol, r.Setup)
	}
	up, err := f.svc.verifyCode(f.ctx, r.session, codeAt(oldKey, f.clk.Now()), false)
	if err != nil || up.Setup == nil || !up.Setup.Reenrol || up.session.State != stateMFA {
		f.t.Fatalf("step-up: %+v %v", up, err)
	}
	newKey := secretOf(f.t, up.Setup.URI)
	if _, err := f.svc.confirmSetup(f.ctx, up.session, codeAt(newKey, f.clk.Now())); err != nil {
		f.t.Fatalf("confirm the new key: %v", err)
	}
	return newKey
}

func TestReenrolmentAtDay30(t *testing.T) {
	f := newFixture(t, Config{})
	oldKey := f.enrol("rita@example.com")
	enrolled := f.clk.Now()
	// Day 29: a normal sign-in.
	f.clk.Set(enrolled.Add(29 * 24 * time.Hour))
	if r := f.signIn("rita@example.com", ""); r.Status != StatusMFARequired || r.Reenrol {
		t.Fatalf("day 29: %q reenrol=%v", r.Status, r.Reenrol)
	}
	// Day 30: the password alone shows no new secret.
	f.clk.Set(enrolled.Add(30 * 24 * time.Hour))
	r := f.signIn("rita@example.com", "")
	if r.Status != StatusMFARequired || !r.Reenrol || r.Setup != nil || !r.GraceUntil.Equal(enrolled.Add(37*24*time.Hour)) {
		t.Fatalf("day 30: %q reenrol=%v setup=%v grace=%v", r.Status, r.Reenrol, r.Setup, r.GraceUntil)
	}
	if _, err := f.svc.pendingSetup(f.ctx, r.session); kindOf(err) != kindForbidden {
		t.Fatalf("setup before the step-up: %v", err)
	}
	if _, err := f.svc.confirmSetup(f.ctx, r.session, "123456"); kindOf(err) != kindForbidden {
		t.Fatalf("confirm before the step-up: %v", err)
	}
	if _, err := f.svc.skipReenrol(f.ctx, r.session); kindOf(err) != kindForbidden {
		t.Fatalf("skip before the step-up: %v", err)
	}
	// The step-up with the current code shows the new secret.
	up, err := f.svc.verifyCode(f.ctx, r.session, codeAt(oldKey, f.clk.Now()), true)
	if err != nil || up.Setup == nil || !up.Setup.Reenrol || !up.Setup.CanSkip || up.DeviceToken != "" || up.session.State != stateMFA {
		t.Fatalf("step-up: %+v %v", up, err)
	}
	newKey := secretOf(t, up.Setup.URI)
	if bytes.Equal(newKey, oldKey) {
		t.Fatal("re-enrolment reused the old secret")
	}
	if _, err := f.svc.verifyCode(f.ctx, up.session, codeAt(oldKey, f.clk.Now().Add(30*time.Second)), false); kindOf(err) != kindConflict {
		t.Fatalf("a second step-up code: %v", err)
	}
	// "Not now" within the grace period: the old secret still signs in.
	if _, err := f.svc.skipReenrol(f.ctx, up.session); err != nil {
		t.Fatalf("not now: %v", err)
	}
	// Next sign-in asks again; confirm the new secret this time.
	f.clk.Add(30 * time.Second)
	newKey = f.reenrol("rita@example.com", oldKey)
	// Now the old secret is dead and the new one works.
	f.clk.Add(30 * time.Second)
	r = f.signIn("rita@example.com", "")
	if r.Status != StatusMFARequired || r.Reenrol {
		t.Fatalf("after re-enrolment: %q %v", r.Status, r.Reenrol)
	}
	if _, err := f.svc.verifyCode(f.ctx, r.session, codeAt(oldKey, f.clk.Now()), false); kindOf(err) != kindUnauthorized {
		t.Fatalf("old secret after re-enrolment: %v", err)
	}
	if _, err := f.svc.verifyCode(f.ctx, r.session, codeAt(newKey, f.clk.Now()), false); err != nil {
		t.Fatalf("new secret: %v", err)
	}
	// After the grace period "Not now" is gone.
	f.clk.Add(37 * 24 * time.Hour)
	r = f.signIn("rita@example.com", "")
	up, err = f.svc.verifyCode(f.ctx, r.session, codeAt(newKey, f.clk.Now()), false)
	if err != nil || up.Setup == nil || up.Setup.CanSkip {
		t.Fatalf("step-up after the grace period: %+v %v", up.Setup, err)
	}
	if _, err := f.svc.skipReenrol(f.ctx, up.session); kindOf(err) != kindForbidden {
		t.Fatalf("not now after the grace period: %v", err)
	}
}

func TestPendingSecretExpires(t *testing.T) {
	f := newFixture(t, Config{})
	f.register("P", "p@example.com")
	r1 := f.signIn("p@example.com", "")
	f.clk.Add(5 * time.Minute)
	r2 := f.signIn("p@example.com", "")
	if r2.Setup.Secret == r1.Setup.Secret {
		t.Fatal("a second sign-in within 10 minutes got the first session's pending secret")
	}
	if got, err := f.svc.pendingSetup(f.ctx, r1.session); err != nil || got.Secret != r1.Setup.Secret {
		t.Fatalf("the first session's secret changed: %v", err)
	}
	f.clk.Add(5 * time.Minute) // 10 minutes after the first
	key := secretOf(t, r1.Setup.URI)
	if _, err := f.svc.confirmSetup(f.ctx, r1.session, codeAt(key, f.clk.Now())); err == nil {
		t.Fatal("an expired pending secret was confirmed")
	}
	r3 := f.signIn("p@example.com", "")
	if r3.Setup.Secret == r1.Setup.Secret || r3.Setup.Secret == r2.Setup.Secret {
		t.Fatal("a pending secret was offered again")
	}
}

func TestHalfSignedInSessionExpires(t *testing.T) {
	f := newFixture(t, Config{})
	key := f.enrol("h@example.com")
	r := f.signIn("h@example.com", "")
	if _, err := f.svc.me(f.ctx, r.session); kindOf(err) != kindUnauthorized {
		t.Fatalf("Me with a half-signed-in session: %v", err)
	}
	f.clk.Add(10 * time.Minute)
	if _, err := f.svc.loadSession(f.ctx, r.session.ID); kindOf(err) != kindUnauthorized {
		t.Fatalf("half-signed-in session after 10 minutes: %v", err)
	}
	_ = key
}

func TestCodeLockout(t *testing.T) {
	f := newFixture(t, Config{})
	key := f.enrol("lock@example.com")
	f.clk.Add(30 * time.Second)
	r := f.signIn("lock@example.com", "")
	wrong := "000000"
	if wrong == codeAt(key, f.clk.Now()) {
		wrong = "111111"
	}
	for i := 1; i <= 9; i++ {
		if _, err := f.svc.verifyCode(f.ctx, r.session, wrong, false); kindOf(err) != kindUnauthorized {
			t.Fatalf("failure %d: %v, want unauthorized", i, err)
		}
	}
	_, err := f.svc.verifyCode(f.ctx, r.session, wrong, false)
	var se *serviceError
	if !errors.As(err, &se) || se.Kind != kindThrottled || se.RetryAfter != 15*time.Minute {
		t.Fatalf("10th failure: %v, want 15-minute lock", err)
	}
	// Correct code refused while locked, also after a new password step.
	if _, err := f.svc.verifyCode(f.ctx, r.session, codeAt(key, f.clk.Now()), false); kindOf(err) != kindThrottled {
		t.Fatalf("correct code while locked: %v", err)
	}
	r = f.signIn("lock@example.com", "")
	f.clk.Add(15*time.Minute - time.Second)
	r = f.signIn("lock@example.com", "")
	if _, err := f.svc.verifyCode(f.ctx, r.session, codeAt(key, f.clk.Now()), false); kindOf(err) != kindThrottled {
		t.Fatalf("correct code 1s before the lock ends: %v", err)
	}
	f.clk.Add(time.Second)
	if _, err := f.svc.verifyCode(f.ctx, r.session, codeAt(key, f.clk.Now()), false); err != nil {
		t.Fatalf("correct code after the lock: %v", err)
	}
}

func TestCodeLockBacksOffAndAdminResets(t *testing.T) {
	f := newFixture(t, Config{})
	admin := f.enrol("boss@example.com")
	f.clk.Add(30 * time.Second)
	ar := f.signIn("boss@example.com", "")
	adminSess, err := f.svc.verifyCode(f.ctx, ar.session, codeAt(admin, f.clk.Now()), false)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := f.svc.createInvite(f.ctx, adminSess.session, "m@example.com", "http://x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.acceptInvite(f.ctx, inv.Token, "M", testPassword); err != nil {
		t.Fatal(err)
	}
	key := f.setup("m@example.com")
	var sess session
	for i := 1; i <= 100; i++ {
		if i%10 == 1 {
			sess = f.signIn("m@example.com", "").session
		}
		_, err := f.svc.verifyCode(f.ctx, sess, "abcdef", false) // odd input counts too
		var se *serviceError
		errors.As(err, &se)
		switch {
		case i == 100:
			if se == nil || se.Kind != kindThrottled || se.RetryAfter != 24*time.Hour {
				t.Fatalf("failure 100: %v, want a 24-hour lock", err)
			}
		case i%10 == 0:
			want := []time.Duration{15 * time.Minute, time.Hour, 4 * time.Hour, 24 * time.Hour}[min(i/10, 4)-1]
			if se == nil || se.Kind != kindThrottled || se.RetryAfter != want {
				t.Fatalf("failure %d: %v, want a %v lock", i, err, want)
			}
			f.clk.Add(want)
		default:
			if se == nil || se.Kind != kindInvalid {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
	}
	f.clk.Add(23 * time.Hour)
	sess = f.signIn("m@example.com", "").session
	if _, err := f.svc.verifyCode(f.ctx, sess, codeAt(key, f.clk.Now()), false); kindOf(err) != kindThrottled {
		t.Fatalf("correct code an hour before the 24-hour lock ends: %v", err)
	}
	users, err := f.svc.users(f.ctx, f.signInAdmin(admin))
	if err != nil || len(users) != 2 || !users[1].CodeLocked {
		t.Fatalf("admin view: %+v %v", users, err)
	}
	if err := f.svc.resetMFA(f.ctx, f.signInAdmin(admin), users[1].ID); err != nil {
		t.Fatal(err)
	}
	r := f.signIn("m@example.com", "")
	if r.Status != StatusSetupRequired {
		t.Fatalf("after reset: %q", r.Status)
	}
	if _, err := f.svc.confirmSetup(f.ctx, r.session, codeAt(secretOf(t, r.Setup.URI), f.clk.Now())); err != nil {
		t.Fatalf("setup after reset: %v", err)
	}
}

func (f *fixture) signInAdmin(key []byte) session {
	f.t.Helper()
	f.clk.Add(30 * time.Second)
	r := f.signIn("boss@example.com", "")
	out, err := f.svc.verifyCode(f.ctx, r.session, codeAt(key, f.clk.Now()), false)
	if err != nil {
		f.t.Fatal(err)
	}
	return out.session
}

func TestOddCodeInputRefusedAndCounted(t *testing.T) {
	odd := []string{"", " 123456", "123456 ", "123 456", "12345", "1234567", "12345a", "１２３４５６", "١٢٣٤٥٦",
		"12\x0056", strings.Repeat("1", 1<<20), "' OR 1=1 --", "abcde-fghi!"}
	f := newFixture(t, Config{})
	key := f.enrol("odd@example.com")
	f.clk.Add(30 * time.Second)
	r := f.signIn("odd@example.com", "")
	for i, c := range odd[:9] {
		if _, err := f.svc.verifyCode(f.ctx, r.session, c, false); kindOf(err) != kindInvalid {
			t.Fatalf("odd input %d %.20q: %v, want invalid", i, c, err)
		}
	}
	if _, err := f.svc.verifyCode(f.ctx, r.session, odd[9], false); kindOf(err) != kindThrottled {
		t.Fatalf("10th odd input: %v, want lockout", err)
	}
	f.clk.Add(15 * time.Minute)
	for _, c := range odd[10:] {
		if _, err := f.svc.verifyCode(f.ctx, r.session, c, false); kindOf(err) != kindInvalid {
			t.Fatalf("odd input %.20q: %v", c, err)
		}
	}
	r = f.signIn("odd@example.com", "")
	if _, err := f.svc.verifyCode(f.ctx, r.session, codeAt(key, f.clk.Now()), false); err != nil {
		t.Fatal(err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	f := newFixture(t, Config{})
	f.register("R", "rc@example.com")
	r := f.signIn("rc@example.com", "")
	key := secretOf(t, r.Setup.URI)
	done, err := f.svc.confirmSetup(f.ctx, r.session, codeAt(key, f.clk.Now()))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range done.RecoveryCodes {
		if _, ok := normalizeRecoveryCode(c); !ok || seen[c] {
			t.Fatalf("bad or duplicate recovery code %q", c)
		}
		seen[c] = true
	}
	rc := done.RecoveryCodes[3]
	r = f.signIn("rc@example.com", "")
	out, err := f.svc.verifyCode(f.ctx, r.session, strings.ToUpper(rc), false)
	if err != nil || !out.UsedRecovery {
		t.Fatalf("recovery code: %+v %v", out, err)
	}
	me, _ := f.svc.me(f.ctx, out.session)
	if me.RecoveryLeft != 9 {
		t.Fatalf("recovery codes left %d, want 9", me.RecoveryLeft)
	}
	r = f.signIn("rc@example.com", "")
	if _, err := f.svc.verifyCode(f.ctx, r.session, rc, false); kindOf(err) != kindUnauthorized {
		t.Fatalf("reused recovery code: %v", err)
	}
	// Wrong recovery codes have their own lockout counter, apart from TOTP codes.
	for i := 2; i <= 9; i++ {
		if _, err := f.svc.verifyCode(f.ctx, r.session, "aaaaa-aaaaa", false); kindOf(err) != kindUnauthorized {
			t.Fatalf("wrong recovery code %d: %v", i, err)
		}
	}
	if _, err := f.svc.verifyCode(f.ctx, r.session, "000000", false); kindOf(err) != kindUnauthorized {
		t.Fatalf("a TOTP failure after 9 recovery failures: %v", err)
	}
	if _, err := f.svc.verifyCode(f.ctx, r.session, "aaaaa-aaaaa", false); kindOf(err) != kindThrottled {
		t.Fatalf("10th recovery failure: %v", err)
	}
	if _, err := f.svc.verifyCode(f.ctx, r.session, done.RecoveryCodes[0], false); kindOf(err) != kindThrottled {
		t.Fatalf("valid recovery code while recovery codes are locked: %v", err)
	}
	// Stored hashed.
	raw := dumpDB(t, f)
	for _, c := range done.RecoveryCodes {
		if bytes.Contains(raw, []byte(c)) {
			t.Fatalf("recovery code %q stored in the clear", c)
		}
	}
}

func TestInviteFlow(t *testing.T) {
	f := newFixture(t, Config{Issuer: "Acme"})
	adminKey := f.enrol("boss@example.com")
	admin := f.signInAdmin(adminKey)
	inv, err := f.svc.createInvite(f.ctx, admin, "New.Hire@Example.com", "http://127.0.0.1:9")
	if err != nil {
		t.Fatal(err)
	}
	if inv.URL != "http://127.0.0.1:9/invite/"+inv.Token || len(inv.Token) < 40 {
		t.Fatalf("invite %+v", inv)
	}
	msgs, err := f.svc.outbox(f.ctx)
	if err != nil || len(msgs) != 1 || msgs[0].To != "new.hire@example.com" || msgs[0].Link != inv.URL || !strings.Contains(msgs[0].Body, inv.URL) {
		t.Fatalf("outbox: %+v %v", msgs, err)
	}
	if _, err := f.svc.createInvite(f.ctx, admin, "boss@example.com", "http://x"); kindOf(err) != kindConflict {
		t.Fatalf("inviting an existing user: %v", err)
	}
	if _, err := f.svc.acceptInvite(f.ctx, inv.Token, "New Hire", "short"); kindOf(err) != kindInvalid {
		t.Fatalf("short password: %v", err)
	}
	if _, err := f.svc.acceptInvite(f.ctx, inv.Token, "New Hire", testPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.acceptInvite(f.ctx, inv.Token, "Again", testPassword); kindOf(err) != kindNotFound {
		t.Fatalf("invite used twice: %v", err)
	}
	r := f.signIn("new.hire@example.com", "")
	if r.Status != StatusSetupRequired {
		t.Fatalf("invitee first sign-in: %q", r.Status)
	}
	key := secretOf(t, r.Setup.URI)
	done, err := f.svc.confirmSetup(f.ctx, r.session, codeAt(key, f.clk.Now()))
	if err != nil {
		t.Fatal(err)
	}
	me, _ := f.svc.me(f.ctx, done.session)
	if me.Role != "member" || me.Company != "Co boss@example.com" {
		t.Fatalf("invitee profile %+v", me)
	}
	if _, err := f.svc.createInvite(f.ctx, done.session, "x@example.com", "http://x"); kindOf(err) != kindForbidden {
		t.Fatalf("member invites: %v", err)
	}
	if _, err := f.svc.users(f.ctx, done.session); kindOf(err) != kindForbidden {
		t.Fatalf("member lists users: %v", err)
	}
	// Invites expire after 7 days.
	inv2, err := f.svc.createInvite(f.ctx, f.signInAdmin(adminKey), "late@example.com", "http://x")
	if err != nil {
		t.Fatal(err)
	}
	f.clk.Add(7 * 24 * time.Hour)
	if _, err := f.svc.acceptInvite(f.ctx, inv2.Token, "Late", testPassword); kindOf(err) != kindNotFound {
		t.Fatalf("expired invite: %v", err)
	}
}

func TestAdminResetAndCompanyIsolation(t *testing.T) {
	f := newFixture(t, Config{})
	adminKey := f.enrol("boss@example.com")
	otherKey := f.enrol("other@example.com")
	admin := f.signInAdmin(adminKey)
	users, err := f.svc.users(f.ctx, admin)
	if err != nil || len(users) != 1 || users[0].MFAStatus != "enabled" {
		t.Fatalf("users: %+v %v", users, err)
	}
	// The other company's admin is out of reach.
	f.clk.Add(30 * time.Second)
	or := f.signIn("other@example.com", "")
	other, err := f.svc.verifyCode(f.ctx, or.session, codeAt(otherKey, f.clk.Now()), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.resetMFA(f.ctx, admin, other.session.UserID); kindOf(err) != kindNotFound {
		t.Fatalf("reset across companies: %v", err)
	}
	if err := f.svc.resetMFA(f.ctx, other.session, admin.UserID); kindOf(err) != kindNotFound {
		t.Fatalf("reset across companies: %v", err)
	}
	if err := f.svc.resetMFA(f.ctx, admin, admin.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.loadSession(f.ctx, admin.ID); kindOf(err) != kindUnauthorized {
		t.Fatalf("session survived the reset: %v", err)
	}
	if r := f.signIn("boss@example.com", ""); r.Status != StatusSetupRequired || r.Setup.Reenrol {
		t.Fatalf("after reset: %q %+v", r.Status, r.Setup)
	}
	msgs, _ := f.svc.outbox(f.ctx)
	if len(msgs) == 0 || msgs[0].Subject != "Your MFA was reset" {
		t.Fatalf("no reset notice in the outbox: %+v", msgs)
	}
}

func TestPasswordRulesAndEnumeration(t *testing.T) {
	f := newFixture(t, Config{})
	for _, tc := range []struct {
		in   registerInput
		want errKind
	}{
		{registerInput{"Co", "N", "a@example.com", "elevenchars"}, kindInvalid},
		{registerInput{"Co", "N", "a@example.com", "twelve chars"}, 0},
		{registerInput{"Co", "N", "A@example.com", "twelve chars"}, 0}, // a used address answers like a new one
		{registerInput{"", "N", "b@example.com", "twelve chars"}, kindInvalid},
		{registerInput{"Co", "", "b@example.com", "twelve chars"}, kindInvalid},
		{registerInput{"Co", "N", "not an email", "twelve chars"}, kindInvalid},
		{registerInput{"Co", "N", "Bob <b@example.com>", "twelve chars"}, kindInvalid},
		{registerInput{"Co", "N", "b@example.com", strings.Repeat("x", 1025)}, kindInvalid},
		{registerInput{"Co", "N", "b@example.com", "bad utf8 \xff\xfe\xfd"}, kindInvalid},
		{registerInput{strings.Repeat("c", 101), "N", "b@example.com", "twelve chars"}, kindInvalid},
		{registerInput{"Co\x07", "N", "b@example.com", "twelve chars"}, kindInvalid},
		{registerInput{"Robert'); DROP TABLE users;--", "x' OR '1'='1", "o'brien+tag@example.com", "'; DELETE FROM users; --"}, 0},
	} {
		err := f.svc.register(f.ctx, tc.in)
		if kindOf(err) != tc.want {
			t.Errorf("Register(%+v) = %v, want kind %d", tc.in, err, tc.want)
		}
	}
	if _, err := f.svc.signIn(f.ctx, signInInput{Email: "o'brien+tag@example.com", Password: "'; DELETE FROM users; --", Addr: "a"}); err != nil {
		t.Fatalf("sign in with SQL metacharacters: %v", err)
	}
	_, errUnknown := f.svc.signIn(f.ctx, signInInput{Email: "nobody@example.com", Password: "whatever it is", Addr: "b"})
	_, errWrong := f.svc.signIn(f.ctx, signInInput{Email: "a@example.com", Password: "whatever it is", Addr: "c"})
	if errUnknown == nil || errWrong == nil || errUnknown.Error() != errWrong.Error() || errUnknown.Error() != "email or password is incorrect" {
		t.Fatalf("unknown email %v vs wrong password %v", errUnknown, errWrong)
	}
}

func TestPasswordThrottle(t *testing.T) {
	f := newFixture(t, Config{})
	f.register("T", "t@example.com")
	try := func(email, pw, addr string) error {
		_, err := f.svc.signIn(f.ctx, signInInput{Email: email, Password: pw, Addr: addr})
		return err
	}
	var slept sleeps
	f.svc.sleep = slept.sleep
	// Per account and address: ten wrong passwords lock that pair.
	for i := 1; i <= 9; i++ {
		if err := try("t@example.com", "wrong password", "10.0.0.1"); kindOf(err) != kindUnauthorized {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	var se *serviceError
	if err := try("t@example.com", "wrong password", "10.0.0.1"); !errors.As(err, &se) || se.Kind != kindThrottled || se.RetryAfter != 15*time.Minute {
		t.Fatalf("10th wrong password: %v", err)
	}
	if err := try("t@example.com", testPassword, "10.0.0.1"); kindOf(err) != kindThrottled {
		t.Fatalf("right password while locked: %v", err)
	}
	// From another address the account is not locked, only slowed down
	// (past the account's ceiling every attempt waits slowDelay; the locked
	// address was refused before it could wait).
	if err := try("t@example.com", testPassword, "10.0.2.1"); err != nil || slept.count() != 1 {
		t.Fatalf("right password from another address: %v, %d waits", err, slept.count())
	}
	// Unknown emails are throttled the same way (no enumeration by lockout).
	for i := 1; i <= 9; i++ {
		try("ghost@example.com", "wrong password", "10.1.0.1")
	}
	if err := try("ghost@example.com", "wrong password", "10.1.0.1"); kindOf(err) != kindThrottled {
		t.Fatalf("unknown email, 10th attempt: %v", err)
	}
	f.clk.Add(15 * time.Minute)
	if err := try("t@example.com", testPassword, "10.0.0.1"); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	// Per client address, across accounts.
	for i := 1; i <= 9; i++ {
		if err := try(fmt.Sprintf("u%d@example.com", i), "wrong password", "203.0.113.7"); kindOf(err) != kindUnauthorized {
			t.Fatalf("address attempt %d: %v", i, err)
		}
	}
	if err := try("u10@example.com", "wrong password", "203.0.113.7"); kindOf(err) != kindThrottled {
		t.Fatalf("10th failure from one address: %v", err)
	}
	if err := try("t@example.com", testPassword, "203.0.113.7"); kindOf(err) != kindThrottled {
		t.Fatalf("locked address, right password: %v", err)
	}
	if err := try("t@example.com", testPassword, "203.0.113.8"); err != nil {
		t.Fatalf("other address: %v", err)
	}
}

// dumpDB returns the bytes of the database and its WAL after a checkpoint-free read.
func dumpDB(t *testing.T, f *fixture) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{f.db, f.db + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func TestSecretsEncryptedAtRest(t *testing.T) {
	f := newFixture(t, Config{})
	f.register("S", "sec@example.com")
	r := f.signIn("sec@example.com", "")
	key := secretOf(t, r.Setup.URI)
	pending := dumpDB(t, f)
	if _, err := f.svc.confirmSetup(f.ctx, r.session, codeAt(key, f.clk.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.store.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	for name, raw := range map[string][]byte{"pending": pending, "confirmed": dumpDB(t, f)} {
		for _, needle := range [][]byte{key, []byte(r.Setup.Secret), []byte(strings.ToLower(r.Setup.Secret))} {
			if bytes.Contains(raw, needle) {
				t.Fatalf("%s: the database file contains the TOTP secret", name)
			}
		}
		if !bytes.Contains(raw, []byte("sec@example.com")) {
			t.Fatalf("%s: sanity check failed: the dump does not even contain the email", name)
		}
	}
	// The ciphertext is bound to its user: moving it to another user fails.
	var blob []byte
	var cred string
	if err := f.svc.store.db.QueryRow(`SELECT totp_secret, totp_cred FROM users WHERE email = ?`, "sec@example.com").Scan(&blob, &cred); err != nil {
		t.Fatal(err)
	}
	if got, err := f.svc.keys.openSecret(r.session.UserID, cred, blob); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("decrypt: %v", err)
	}
	if _, err := f.svc.keys.openSecret(r.session.UserID+1, cred, blob); err == nil {
		t.Fatal("secret decrypted under another user's id")
	}
	for _, p := range []string{f.db, f.db + ".key"} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: mode %v %v, want 0600", p, fi.Mode(), err)
		}
	}
	if fi, err := os.Stat(filepath.Dir(f.db)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("database dir mode %v", fi.Mode())
	}
}

func TestRestartKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	clk := newFakeClock()
	open := func() *Server {
		s, err := newServer(Config{DBPath: db, TestClock: true, Clock: clk.Now, PasswordHash: ThrowawayHashCost}, options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	ctx := t.Context()
	if err := s.svc.register(ctx, registerInput{"Co", "N", "r@example.com", testPassword}); err != nil {
		t.Fatal(err)
	}
	r, err := s.svc.signIn(ctx, signInInput{Email: "r@example.com", Password: testPassword, Addr: "x"})
	if err != nil {
		t.Fatal(err)
	}
	key := secretOf(t, r.Setup.URI)
	if _, err := s.svc.confirmSetup(ctx, r.session, codeAt(key, clk.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := s.clock.Advance(24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = open()
	defer s.Close()
	if got := s.clock.Now().Sub(clk.Now()); got != 24*time.Hour {
		t.Fatalf("test clock offset after restart: %v", got)
	}
	clk.Add(30 * time.Second)
	r, err = s.svc.signIn(ctx, signInInput{Email: "r@example.com", Password: testPassword, Addr: "x"})
	if err != nil || r.Status != StatusMFARequired {
		t.Fatalf("after restart: %v %q", err, r.Status)
	}
	if _, err := s.svc.verifyCode(ctx, r.session, codeAt(key, clk.Now()), false); err != nil {
		t.Fatalf("code after restart: %v", err)
	}
}
