package workbench

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"authdesk/app/journey"
	"authdesk/vault"
)

// TestWalkGuideWatchesThePlatform walks the guide as a tester in a browser
// would (here through the platform's API): the guide sees on the embedded
// platform that the company is registered, that Secure Your Account was
// shown and that the account is enrolled, and marks those steps ✔ itself;
// "It did" is refused while the platform does not agree.
func TestWalkGuideWatchesThePlatform(t *testing.T) {
	h, tr := openWorkbench(t)
	g := tr.walk
	test.Tap(g.start)
	u := g.user
	ctx := context.Background()
	c, err := journey.NewClient(tr.url)
	if err != nil {
		t.Fatal(err)
	}

	h.advance(walkPoll)
	if g.at != 0 || len(g.marks) != 0 {
		t.Fatalf("step marked before anything happened: at %d, %v", g.at, g.marks)
	}
	test.Tap(g.next)
	if g.at != 0 || !strings.HasPrefix(g.check.Text, "✘ Not yet") {
		t.Fatalf("It did accepted against the platform's word: at %d, %q", g.at, g.check.Text)
	}

	if err := c.Register(ctx, u.Company, u.Name, u.Email, u.Password); err != nil {
		t.Fatal(err)
	}
	h.advance(walkPoll)
	if g.at != 1 || g.marks[0] != "✔" || !strings.Contains(g.check.Text, "registered "+u.Email) {
		t.Fatalf("after registering: at %d, marks %v, %q", g.at, g.marks, g.check.Text)
	}

	res, err := c.SignIn(ctx, u.Email, u.Password)
	if err != nil || res.Setup == nil {
		t.Fatalf("sign in: %+v, %v", res, err)
	}
	h.advance(walkPoll)
	if g.at != 2 || g.marks[1] != "✔" {
		t.Fatalf("after signing in: at %d, marks %v, %q", g.at, g.marks, g.check.Text)
	}

	// Step 3 is Authdesk's own check: the scanned account in the vault.
	sec, err := vault.DecodeSecret(res.Setup.Secret)
	if err != nil {
		t.Fatal(err)
	}
	acct := vault.Account{Issuer: "Authdesk Cloud", Name: u.Email, Secret: sec, Type: vault.TOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30}
	if _, err := h.user.Add(acct); err != nil {
		t.Fatal(err)
	}
	test.Tap(g.next)
	if g.at != 3 {
		t.Fatalf("after scanning: at %d, %q", g.at, g.check.Text)
	}

	code, err := acct.Code(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ConfirmSetup(ctx, code); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	h.advance(walkPoll)
	if g.at != 4 || g.marks[3] != "✔" || !strings.Contains(g.check.Text, "enrolled") || g.enrolledAt.IsZero() {
		t.Fatalf("after confirming: at %d, marks %v, %q", g.at, g.marks, g.check.Text)
	}

	// The tester still answers where the platform cannot tell.
	test.Tap(g.failed)
	if g.at != 5 || g.marks[4] != "✘" {
		t.Errorf("It did not: at %d, marks %v", g.at, g.marks)
	}

	// A new walk stops the old one's polling: the old chain ends at once.
	old := g.walk
	test.Tap(g.start)
	if g.walk == old || g.at != 0 {
		t.Errorf("restart: walk %d→%d, at %d", old, g.walk, g.at)
	}
	pending := len(h.timers)
	g.poll(old)
	if len(h.timers) != pending {
		t.Error("a poll of an earlier walk asked again")
	}
}
