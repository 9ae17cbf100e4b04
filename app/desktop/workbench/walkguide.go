package workbench

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/journey"
	"authdesk/app/platform"
)

// walkGuide is "Walk it myself": the tester walks the journey in the
// system browser with Authdesk beside it, and the guide says what to do
// next and what the platform should answer; where Authdesk itself can tell
// (the scanned account in the vault), it checks, and where the embedded
// platform can (registered, setup shown, enrolled, re-enrolled), the guide
// watches it and marks the step ✔ on its own.
type walkGuide struct {
	t       *Workbench
	content fyne.CanvasObject
	start   *widget.Button
	next    *widget.Button
	failed  *widget.Button
	check   *widget.Label
	list    *fyne.Container
	user    journey.User
	at      int
	marks   []string
	// enrolledAt is when the platform enrolled the first secret (step 4),
	// so that the re-enrolment can be told apart.
	enrolledAt time.Time
	// walk numbers each begin, so that a poll of an earlier walk stops.
	walk int
	last platform.UserState // the platform's latest answer
}

// walkStep is one thing the tester does, and what they should see.
type walkStep struct {
	page   string // opened in the browser when the step begins ("" none)
	do     string
	expect string
	// verify, when set, checks the step from Authdesk's side.
	verify func(g *walkGuide) (bool, string)
	// observe, when set, tells from the embedded platform's state whether
	// the step is done; the guide polls it and marks the step itself.
	observe func(g *walkGuide, st platform.UserState) (bool, string)
}

// walkPoll is how often the guide asks the embedded platform.
const walkPoll = 2 * time.Second

func walkSteps() []walkStep {
	return []walkStep{
		{page: "/register", do: "Register a company with the name, email and password above.", expect: "The sign-in page, with the email filled in.",
			observe: func(g *walkGuide, st platform.UserState) (bool, string) {
				return st.Exists, "The platform has registered " + g.user.Email + "."
			}},
		{do: "Sign in with the email and password.", expect: "\"Secure Your Account\" with a QR code and, under \"Trouble scanning?\", the manual key.",
			observe: func(g *walkGuide, st platform.UserState) (bool, string) {
				return st.SetupShown || st.Enrolled, "The platform showed Secure Your Account."
			}},
		{do: "In Authdesk choose Add → Scan screen (or paste the manual key under Add → Enter key manually).", expect: "Authdesk shows the new account and its code.",
			verify: func(g *walkGuide) (bool, string) {
				v := g.t.cfg.UserVault()
				if v == nil {
					return false, "Unlock Authdesk first."
				}
				for _, a := range v.Accounts() {
					if strings.EqualFold(a.Name, g.user.Email) {
						return true, "Authdesk holds " + a.Title() + "."
					}
				}
				return false, "Authdesk has no account for " + g.user.Email + " yet."
			}},
		{do: "Type Authdesk's code into the page and confirm.", expect: "Exactly \"MFA setup is complete\", then ten recovery codes.",
			observe: func(g *walkGuide, st platform.UserState) (bool, string) {
				if st.Enrolled {
					g.enrolledAt = st.EnrolledAt
				}
				return st.Enrolled, "The platform has the account enrolled."
			}},
		{do: "Sign out, and sign in again; tick \"Remember this device\" and enter the next code.", expect: "You are signed in; the next sign-in asks for no code."},
		{do: "Press \"+30 days\" on the test clock above, then sign in again.", expect: "\"Confirm it's you\": enter the current code, then \"Secure Your Account\" with a new QR code."},
		{do: "Scan the new QR code with Authdesk and confirm with its code.", expect: "\"MFA setup is complete\"; the old account's codes are refused from now on.",
			observe: func(g *walkGuide, st platform.UserState) (bool, string) {
				return st.Enrolled && st.EnrolledAt.After(g.enrolledAt), "The platform has the new secret enrolled."
			}},
	}
}

func newWalkGuide(t *Workbench) *walkGuide {
	g := &walkGuide{t: t, list: container.NewVBox(), check: widget.NewLabel("")}
	g.check.Wrapping = fyne.TextWrapWord
	intro := widget.NewLabel("Walk the journey yourself in your browser, with Authdesk beside it. " +
		"The guide opens each page, says what to do and what the platform should answer, and checks what Authdesk can see.")
	intro.Wrapping = fyne.TextWrapWord
	g.start = widget.NewButtonWithIcon("Start in my browser", theme.ComputerIcon(), g.begin)
	g.start.Disable()
	g.next = widget.NewButtonWithIcon("It did: next step", theme.ConfirmIcon(), func() { g.mark("✔") })
	g.failed = widget.NewButtonWithIcon("It did not", theme.ErrorIcon(), func() { g.mark("✘") })
	g.next.Disable()
	g.failed.Disable()
	g.content = container.NewBorder(container.NewVBox(intro, g.start),
		container.NewVBox(g.check, container.NewHBox(g.next, g.failed)), nil, nil, container.NewVScroll(g.list))
	return g
}

// ready enables the guide once the platform runs.
func (g *walkGuide) ready() { g.start.Enable() }

// begin makes a fresh identity, opens the registration page and shows the
// first step.
func (g *walkGuide) begin() {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	tag := fmt.Sprintf("%x", b)
	g.user = journey.User{Company: "Acme QA " + tag, Name: "Quinn Tester", Email: "quinn+" + tag + "@acme.test", Password: "correct horse " + tag}
	g.at, g.marks = 0, nil
	g.next.Enable()
	g.failed.Enable()
	g.enrolledAt, g.last = time.Time{}, platform.UserState{}
	g.walk++
	g.render()
	g.t.openPage(walkSteps()[0].page)
	g.poll(g.walk)
}

// poll asks the embedded platform, off the UI goroutine, whether the
// current step is done, marks it ✔ when it is, and asks again after
// walkPoll until the walk ends, another begins or the window closes.
func (g *walkGuide) poll(walk int) {
	srv := g.t.srv
	steps := walkSteps()
	if walk != g.walk || srv == nil || g.t.closed || g.at >= len(steps) {
		return
	}
	email := g.user.Email
	type result struct {
		st  platform.UserState
		err error
	}
	background(g.t.cfg, func() result {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		st, err := srv.UserState(ctx, email)
		return result{st, err}
	}, func(r result) {
		if walk != g.walk || g.at >= len(steps) {
			return
		}
		if r.err == nil {
			g.last = r.st
		}
		if r.err != nil {
			g.check.SetText("The platform could not be asked: " + r.err.Error())
		} else if o := steps[g.at].observe; o != nil {
			if ok, msg := o(g, r.st); ok {
				g.advanceStep("✔")
				g.check.SetText("✔ " + msg)
			}
		}
		later(g.t.cfg, walkPoll, func() { g.poll(walk) })
	})
}

// mark records the tester's answer for the current step (after Authdesk's
// own check, where it has one) and moves on.
func (g *walkGuide) mark(m string) {
	steps := walkSteps()
	if g.at >= len(steps) {
		return
	}
	s := steps[g.at]
	if m == "✔" && s.observe != nil {
		// The platform's word, not the tester's.
		if ok, msg := s.observe(g, g.last); !ok {
			g.check.SetText("✘ Not yet: the platform does not show it. Expected: " + strings.TrimSuffix(msg, ".") + ".")
			return
		}
	}
	if m == "✔" && s.verify != nil {
		ok, msg := s.verify(g)
		g.check.SetText(msg)
		if !ok {
			return
		}
	} else {
		g.check.SetText("")
	}
	g.advanceStep(m)
}

// advanceStep records m for the current step and moves on.
func (g *walkGuide) advanceStep(m string) {
	steps := walkSteps()
	g.marks = append(g.marks, m)
	g.at++
	if g.at < len(steps) && steps[g.at].page != "" {
		g.t.openPage(steps[g.at].page)
	}
	if g.at >= len(steps) {
		g.next.Disable()
		g.failed.Disable()
	}
	g.render()
}

func (g *walkGuide) render() {
	g.list.RemoveAll()
	g.list.Add(widget.NewLabelWithStyle(fmt.Sprintf("Company %s · email %s · password %s", g.user.Company, g.user.Email, g.user.Password),
		fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
	for i, s := range walkSteps() {
		prefix := "  "
		switch {
		case i < len(g.marks):
			prefix = g.marks[i]
		case i == g.at:
			prefix = "→"
		}
		l := widget.NewLabel(fmt.Sprintf("%s %d. %s\n     Expect: %s", prefix, i+1, s.do, s.expect))
		l.Wrapping = fyne.TextWrapWord
		if i == g.at {
			l.TextStyle = fyne.TextStyle{Bold: true}
		}
		g.list.Add(l)
	}
	if g.at >= len(walkSteps()) {
		g.list.Add(widget.NewLabel("Done. Run the scenarios for the paths where things go wrong."))
	}
}
