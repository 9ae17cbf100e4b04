package platform

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"authdesk/app/platform/api"
	"authdesk/app/platform/duration"
	"authdesk/vault/otpauth"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var styleCSS []byte

// pages renders the HTML side of the platform.
type pages struct {
	s     *Server
	tmpls map[string]*template.Template
}

// notices are the fixed messages a redirect may ask a page to show.
var notices = map[string]string{
	"registered":       "Thank you. Sign in to continue.",
	"joined":           "Your account is ready. Sign in to continue.",
	"signed_out":       "You have been signed out.",
	"signed_out_all":   "You have been signed out on every device.",
	"password_changed": "Your password was changed. Remembered devices were signed out.",
	"reset":            "MFA was reset. The user sets it up again at the next sign-in.",
	"unlocked":         "Code entry was unlocked.",
	"link_unlocked":    "Code entry was unlocked. Someone who knows your password was trying codes: sign in and change your password.",
	"expired":          "Your session has expired. Sign in again.",
}

func newPages(s *Server) (*pages, error) {
	p := &pages{s: s, tmpls: map[string]*template.Template{}}
	funcs := template.FuncMap{
		"date": func(t *time.Time) string {
			if t == nil {
				return "—"
			}
			return t.UTC().Format("2 Jan 2006 15:04 UTC")
		},
		"clockbtn": func(d *pageData, advance, label string) map[string]string {
			return map[string]string{"CSRF": d.CSRF, "Path": d.Path, "Advance": advance, "Label": label}
		},
		"sentence": func(s string) string {
			for i, r := range s {
				return strings.ToUpper(string(r)) + s[i+len(string(r)):]
			}
			return s
		},
		"days": func(d time.Duration) string {
			if d%(24*time.Hour) == 0 {
				if n := int(d / (24 * time.Hour)); n != 1 {
					return fmt.Sprintf("%d days", n)
				}
				return "1 day"
			}
			return d.String()
		},
		"grouped": otpauth.FormatKey, // a secret in groups of four, for typing by hand
		"initial": func(s string) string {
			for _, r := range s {
				return strings.ToUpper(string(r))
			}
			return "?"
		},
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("load page templates: %w", err)
	}
	for _, n := range names {
		if n == "templates/layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse page template %s: %w", n, err)
		}
		p.tmpls[strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")] = t
	}
	return p, nil
}

// pageData is what every template receives.
type pageData struct {
	Title     string
	Issuer    string
	CSRF      string
	SignedIn  bool
	HalfIn    string // the email of a half-signed-in session (password done, second factor not)
	Admin     bool
	TestClock bool
	Now       string
	Path      string
	Remote    bool   // listening off loopback: Outbox and Test Clock are restricted
	Policy    Policy // shown in the footer and wherever a page names a rule
	Error     string
	Notice    string
	Wide      bool

	Form          map[string]string
	Setup         *api.Setup
	Reenrol       bool       // the code page is the step-up before a new key
	GraceUntil    *time.Time // Reenrol: "Not now" is possible until then
	RecoveryCodes []string
	Profile       api.Profile
	Users         []api.UserSummary
	Messages      []api.Message
	Invite        *api.Invite
	InviteInfo    inviteInfo
	Token         string
}

func (p *pages) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /static/style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(styleCSS)
	})
	mux.HandleFunc("GET /{$}", p.root)
	mux.HandleFunc("GET /signin", p.signinForm)
	mux.HandleFunc("POST /signin", p.signin)
	mux.HandleFunc("GET /register", p.registerForm)
	mux.HandleFunc("POST /register", p.registerPost)
	mux.HandleFunc("GET /mfa/setup", p.show("setup", p.setupData))
	mux.HandleFunc("POST /mfa/setup", p.setupPost)
	mux.HandleFunc("GET /mfa/verify", p.show("verify", p.verifyData))
	mux.HandleFunc("POST /mfa/verify", p.verifyPost)
	mux.HandleFunc("POST /mfa/skip", p.skipPost)
	mux.HandleFunc("GET /home", p.home)
	mux.HandleFunc("GET /admin", p.show("admin", p.adminData))
	mux.HandleFunc("POST /admin/invite", p.invitePost)
	mux.HandleFunc("POST /admin/users/{id}/reset-mfa", p.resetPost)
	mux.HandleFunc("POST /admin/users/{id}/unlock", p.unlockPost)
	mux.HandleFunc("GET /invite/{token}", p.show("invite", p.inviteData))
	mux.HandleFunc("POST /invite/{token}", p.acceptPost)
	mux.HandleFunc("GET /outbox", p.outbox)
	mux.HandleFunc("GET /unlock/{token}", p.unlockLink)
	mux.HandleFunc("GET /account/password", p.passwordForm)
	mux.HandleFunc("POST /account/password", p.passwordPost)
	mux.HandleFunc("POST /signout", p.signout)
	mux.HandleFunc("POST /signout-everywhere", p.signoutEverywhere)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		p.renderError(w, r, http.StatusNotFound, "There is no page at this address.")
	})
}

// data fills the common fields, setting a visitor cookie for the CSRF
// token when the request has no session.
func (p *pages) data(w http.ResponseWriter, r *http.Request, title string) (*pageData, error) {
	sess := sessionOf(r)
	d := &pageData{Title: title, Issuer: p.s.cfg.Issuer, CSRF: p.s.csrfToken(w, r), SignedIn: sess.State == stateFull,
		TestClock: p.s.cfg.TestClock, Path: r.URL.Path, Remote: p.s.isRemote(r), Policy: p.s.svc.policy, Form: map[string]string{}}
	if d.TestClock {
		d.Now = p.s.clock.Now().UTC().Format("Mon 2 Jan 2006 15:04 UTC")
	}
	if d.SignedIn {
		if prof, err := p.s.svc.me(r.Context(), sess); err == nil {
			d.Profile = prof
			d.Admin = prof.Role == "admin"
		}
	} else if u, err := p.s.svc.mfaUser(r.Context(), sess); err == nil {
		d.HalfIn = u.email
	}
	if n := r.URL.Query().Get("n"); notices[n] != "" {
		d.Notice = notices[n]
	}
	return d, nil
}

func (p *pages) render(w http.ResponseWriter, r *http.Request, code int, name string, d *pageData) {
	t := p.tmpls[name]
	var sb strings.Builder
	if err := t.ExecuteTemplate(&sb, "layout.html", d); err != nil {
		p.s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(sb.String()))
}

// renderError shows an error page.
func (p *pages) renderError(w http.ResponseWriter, r *http.Request, code int, msg string) {
	d := &pageData{Title: http.StatusText(code), Issuer: p.s.cfg.Issuer, Error: msg, TestClock: false, Remote: p.s.isRemote(r), Policy: p.s.svc.policy, Form: map[string]string{}}
	if st := stateOf(r); st.sess != nil {
		d.CSRF = st.sess.CSRF
		d.SignedIn = st.sess.State == stateFull
	} else if st.visitor != "" {
		d.CSRF = p.s.svc.visitorToken(st.visitor)
	}
	p.render(w, r, code, "error", d)
}

// fail answers a service error on a page: internal errors are logged.
func (p *pages) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := statusOf(err)
	if code == http.StatusInternalServerError {
		p.s.log.Error("platform page failed", "path", r.URL.Path, "err", err)
		p.renderError(w, r, code, "Something went wrong on our side. Try again.")
		return
	}
	p.renderError(w, r, code, err.Error())
}

// formError re-renders a form page with the service error's message.
func (p *pages) formError(w http.ResponseWriter, r *http.Request, name string, d *pageData, err error) {
	code := statusOf(err)
	if code == http.StatusInternalServerError {
		p.fail(w, r, err)
		return
	}
	setRetryAfter(w, err)
	d.Error = err.Error()
	p.render(w, r, code, name, d)
}

// emailCookie carries a just-registered address to the sign-in form.
const emailCookie = "authdesk_email"

func rememberEmail(w http.ResponseWriter, r *http.Request, email string) {
	email, err := normalizeEmail(email)
	if err != nil {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: emailCookie, Value: email, Path: "/signin", MaxAge: 600, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
}

func redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// next sends a session to the page its state calls for.
func (p *pages) next(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	switch sess.State {
	case stateFull:
		redirect(w, r, "/home")
	case stateMFA:
		step, err := p.s.svc.nextStep(r.Context(), sess)
		if err != nil {
			redirect(w, r, "/signin")
			return
		}
		if step.Status == StatusSetupRequired {
			redirect(w, r, "/mfa/setup")
		} else {
			redirect(w, r, "/mfa/verify")
		}
	default:
		redirect(w, r, "/signin")
	}
}

func (p *pages) root(w http.ResponseWriter, r *http.Request) { p.next(w, r) }

func (p *pages) signinForm(w http.ResponseWriter, r *http.Request) {
	if sessionOf(r).State == stateFull {
		redirect(w, r, "/home")
		return
	}
	d, err := p.data(w, r, "Sign in")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	// Just registered or joined: the email is filled in.
	if c, err := r.Cookie(emailCookie); err == nil {
		if email, err := normalizeEmail(c.Value); err == nil {
			d.Form["email"] = email
		}
		http.SetCookie(w, &http.Cookie{Name: emailCookie, Value: "", Path: "/signin", MaxAge: -1, HttpOnly: true,
			Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	}
	p.render(w, r, http.StatusOK, "signin", d)
}

func (p *pages) signin(w http.ResponseWriter, r *http.Request) {
	res, err := p.s.svc.signIn(r.Context(), signInInput{Email: r.PostForm.Get("email"), Password: r.PostForm.Get("password"),
		Addr: p.s.clientAddr(r), DeviceToken: deviceToken(r), OldSession: sessionOf(r).ID})
	if err != nil {
		d, derr := p.data(w, r, "Sign in")
		if derr != nil {
			p.fail(w, r, derr)
			return
		}
		d.Form["email"] = r.PostForm.Get("email")
		p.formError(w, r, "signin", d, err)
		return
	}
	setSessionCookie(w, r, res.session)
	switch res.Status {
	case StatusSetupRequired:
		redirect(w, r, "/mfa/setup")
	case StatusMFARequired:
		redirect(w, r, "/mfa/verify")
	default:
		redirect(w, r, "/home")
	}
}

func (p *pages) registerForm(w http.ResponseWriter, r *http.Request) {
	d, err := p.data(w, r, "Create your company account")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "register", d)
}

func (p *pages) registerPost(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	err := p.s.anonWrite(r)
	if err == nil {
		err = p.s.svc.register(r.Context(), registerInput{Company: f.Get("company"), Name: f.Get("name"), Email: f.Get("email"), Password: f.Get("password")})
	}
	if err != nil {
		d, derr := p.data(w, r, "Create your company account")
		if derr != nil {
			p.fail(w, r, derr)
			return
		}
		for _, k := range []string{"company", "name", "email"} {
			d.Form[k] = f.Get(k)
		}
		p.formError(w, r, "register", d, err)
		return
	}
	rememberEmail(w, r, f.Get("email"))
	redirect(w, r, "/signin?n=registered")
}

// show is the GET handler of the page name: data builds what the page
// shows, or answers the request itself (a redirect, an error page) and
// returns false.
func (p *pages) show(name string, data func(http.ResponseWriter, *http.Request) (*pageData, bool)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if d, ok := data(w, r); ok {
			p.render(w, r, http.StatusOK, name, d)
		}
	}
}

// sessionIn is the request's session when it is in state; otherwise it
// sends the request on to the page its state calls for and returns false.
func (p *pages) sessionIn(w http.ResponseWriter, r *http.Request, state string) (session, bool) {
	sess := sessionOf(r)
	if sess.State != state {
		p.next(w, r)
		return session{}, false
	}
	return sess, true
}

func (p *pages) setupData(w http.ResponseWriter, r *http.Request) (*pageData, bool) {
	sess, ok := p.sessionIn(w, r, stateMFA)
	if !ok {
		return nil, false
	}
	setup, err := p.s.svc.pendingSetup(r.Context(), sess)
	if err != nil {
		if errors.Is(err, errForbidden) {
			// Re-enrolment: "Confirm it's you" comes first.
			redirect(w, r, "/mfa/verify")
			return nil, false
		}
		if errors.Is(err, errConflict) {
			// Expired setup or MFA already set up: start over at sign-in.
			if step, e := p.s.svc.nextStep(r.Context(), sess); e == nil && step.Status == StatusMFARequired {
				redirect(w, r, "/mfa/verify")
				return nil, false
			}
			redirect(w, r, "/signin?n=expired")
			return nil, false
		}
		p.fail(w, r, err)
		return nil, false
	}
	d, err := p.data(w, r, "Secure your account")
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	d.Setup = &setup
	return d, true
}

func (p *pages) setupPost(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	res, err := p.s.svc.confirmSetup(r.Context(), sess, r.PostForm.Get("code"))
	if err != nil {
		// setupData sends a session no longer half signed in on its way.
		if d, ok := p.setupData(w, r); ok {
			p.formError(w, r, "setup", d, err)
		}
		return
	}
	setSessionCookie(w, r, res.session)
	stateOf(r).sess = &res.session
	d, err := p.data(w, r, "MFA setup is complete")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d.RecoveryCodes = res.RecoveryCodes
	p.render(w, r, http.StatusOK, "setup_done", d)
}

func (p *pages) verifyData(w http.ResponseWriter, r *http.Request) (*pageData, bool) {
	sess, ok := p.sessionIn(w, r, stateMFA)
	if !ok {
		return nil, false
	}
	step, err := p.s.svc.nextStep(r.Context(), sess)
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	if step.Status == StatusSetupRequired {
		redirect(w, r, "/mfa/setup")
		return nil, false
	}
	title := "Two-step verification"
	if step.Reenrol {
		title = "Confirm it's you"
	}
	d, err := p.data(w, r, title)
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	if step.Reenrol {
		g := step.GraceUntil.UTC()
		d.Reenrol, d.GraceUntil = true, &g
	}
	return d, true
}

func (p *pages) verifyPost(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	remember := r.PostForm.Get("remember") == "on"
	res, err := p.s.svc.verifyCode(r.Context(), sess, r.PostForm.Get("code"), remember)
	if err != nil {
		// verifyData sends a session no longer half signed in on its way.
		if d, ok := p.verifyData(w, r); ok {
			if remember {
				d.Form["remember"] = "on"
			}
			p.formError(w, r, "verify", d, err)
		}
		return
	}
	setSessionCookie(w, r, res.session)
	if res.Setup != nil {
		redirect(w, r, "/mfa/setup")
		return
	}
	if res.DeviceToken != "" {
		setDeviceCookie(w, r, res.DeviceToken, res.DeviceExpires, p.s.clock.Now())
	}
	redirect(w, r, "/home")
}

// skipPost is "Not now" on the re-enrolment page.
func (p *pages) skipPost(w http.ResponseWriter, r *http.Request) {
	sess, err := p.s.svc.skipReenrol(r.Context(), sessionOf(r))
	if err != nil {
		if d, ok := p.setupData(w, r); ok {
			p.formError(w, r, "setup", d, err)
		}
		return
	}
	setSessionCookie(w, r, sess)
	redirect(w, r, "/home")
}

func (p *pages) signedIn(w http.ResponseWriter, r *http.Request, title string) (*pageData, bool) {
	if _, ok := p.sessionIn(w, r, stateFull); !ok {
		return nil, false
	}
	d, err := p.data(w, r, title)
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	return d, true
}

func (p *pages) home(w http.ResponseWriter, r *http.Request) {
	if d, ok := p.signedIn(w, r, "Home"); ok {
		p.render(w, r, http.StatusOK, "home", d)
	}
}

func (p *pages) adminData(w http.ResponseWriter, r *http.Request) (*pageData, bool) {
	d, ok := p.signedIn(w, r, "Users")
	if !ok {
		return nil, false
	}
	users, err := p.s.svc.users(r.Context(), sessionOf(r))
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	d.Users, d.Wide = users, true
	return d, true
}

func (p *pages) invitePost(w http.ResponseWriter, r *http.Request) {
	inv, err := p.s.svc.createInvite(r.Context(), sessionOf(r), r.PostForm.Get("email"), p.s.baseURLFor(r))
	d, ok := p.adminData(w, r)
	if !ok {
		return
	}
	if err != nil {
		d.Form["email"] = r.PostForm.Get("email")
		p.formError(w, r, "admin", d, err)
		return
	}
	d.Invite = &inv
	d.Form["invited"] = r.PostForm.Get("email")
	p.render(w, r, http.StatusOK, "admin", d)
}

func (p *pages) resetPost(w http.ResponseWriter, r *http.Request) {
	p.userAction(w, r, p.s.svc.resetMFA, "/admin?n=reset")
}

func (p *pages) unlockPost(w http.ResponseWriter, r *http.Request) {
	p.userAction(w, r, p.s.svc.unlockCodes, "/admin?n=unlocked")
}

// userAction runs an admin's action on the user named by the path's id and
// redirects to done; a bad id is a 400, a lost admin session goes on to the
// next step.
func (p *pages) userAction(w http.ResponseWriter, r *http.Request, action func(context.Context, session, int64) error, done string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		p.renderError(w, r, http.StatusBadRequest, "The user id must be a positive number.")
		return
	}
	if err := action(r.Context(), sessionOf(r), id); err != nil {
		if errors.Is(err, errUnauthorized) {
			p.next(w, r)
			return
		}
		p.fail(w, r, err)
		return
	}
	redirect(w, r, done)
}

// inviteData is the invitation page of the path's token.
func (p *pages) inviteData(w http.ResponseWriter, r *http.Request) (*pageData, bool) {
	tok := r.PathValue("token")
	info, err := p.s.svc.lookupInvite(r.Context(), tok)
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	d, err := p.data(w, r, "Join "+info.Company)
	if err != nil {
		p.fail(w, r, err)
		return nil, false
	}
	d.InviteInfo, d.Token = info, tok
	return d, true
}

func (p *pages) acceptPost(w http.ResponseWriter, r *http.Request) {
	email, err := "", p.s.anonWrite(r)
	if err == nil {
		email, err = p.s.svc.acceptInvite(r.Context(), r.PathValue("token"), r.PostForm.Get("name"), r.PostForm.Get("password"))
	}
	if err != nil {
		if d, ok := p.inviteData(w, r); ok {
			d.Form["name"] = r.PostForm.Get("name")
			p.formError(w, r, "invite", d, err)
		}
		return
	}
	rememberEmail(w, r, email)
	redirect(w, r, "/signin?n=joined")
}

// unlockLink is the single-use link mailed at the per-user code ceiling.
func (p *pages) unlockLink(w http.ResponseWriter, r *http.Request) {
	if err := p.s.svc.unlockByLink(r.Context(), r.PathValue("token")); err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, "/signin?n=link_unlocked")
}

func (p *pages) outbox(w http.ResponseWriter, r *http.Request) {
	msgs, err := p.s.outbox(r)
	if errors.Is(err, errUnauthorized) {
		p.next(w, r)
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d, err := p.data(w, r, "Outbox")
	if err != nil {
		p.fail(w, r, err)
		return
	}
	d.Messages, d.Wide = msgs, true
	p.render(w, r, http.StatusOK, "outbox", d)
}

func (p *pages) passwordForm(w http.ResponseWriter, r *http.Request) {
	if d, ok := p.signedIn(w, r, "Change password"); ok {
		p.render(w, r, http.StatusOK, "password", d)
	}
}

func (p *pages) passwordPost(w http.ResponseWriter, r *http.Request) {
	sess, err := p.s.svc.changePassword(r.Context(), sessionOf(r), r.PostForm.Get("current_password"), r.PostForm.Get("new_password"), p.s.clientAddr(r))
	if err != nil {
		if errors.Is(err, errUnauthorized) && sessionOf(r).State != stateFull {
			p.next(w, r)
			return
		}
		if d, ok := p.signedIn(w, r, "Change password"); ok {
			p.formError(w, r, "password", d, err)
		}
		return
	}
	setSessionCookie(w, r, sess)
	redirect(w, r, "/home?n=password_changed")
}

func (p *pages) signout(w http.ResponseWriter, r *http.Request) {
	if err := p.s.svc.signOut(r.Context(), sessionOf(r)); err != nil {
		p.fail(w, r, err)
		return
	}
	clearSessionCookie(w, r)
	redirect(w, r, "/signin?n=signed_out")
}

func (p *pages) signoutEverywhere(w http.ResponseWriter, r *http.Request) {
	if err := p.s.svc.signOutEverywhere(r.Context(), sessionOf(r)); err != nil {
		if errors.Is(err, errUnauthorized) {
			p.next(w, r)
			return
		}
		p.fail(w, r, err)
		return
	}
	clearSessionCookie(w, r)
	redirect(w, r, "/signin?n=signed_out_all")
}

// clockBackPages are the pages the Test Clock panel may return to. Only
// these paths (and invitation links) pass: anything else, however it is
// spelled ("/\t/evil.example" becomes "//evil.example" in browsers), goes
// to the start page.
var clockBackPages = map[string]bool{"/": true, "/signin": true, "/register": true, "/mfa/setup": true, "/mfa/verify": true,
	"/home": true, "/admin": true, "/outbox": true, "/account/password": true}

func clockBack(path string) string {
	if clockBackPages[path] {
		return path
	}
	if tok, ok := strings.CutPrefix(path, "/invite/"); ok && len(tok) > 0 && len(tok) <= 100 && isTokenText(tok) {
		return path
	}
	return "/"
}

// isTokenText reports whether s uses only the URL-safe base64 alphabet.
func isTokenText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// advanceClock is the Test Clock panel's form.
func (p *pages) advanceClock(w http.ResponseWriter, r *http.Request) {
	if !p.s.clockAllowed(r, r.PostForm.Get(clockField)) {
		p.renderError(w, r, http.StatusForbidden, "Moving the test clock from another machine needs the token platform serve printed at start.")
		return
	}
	d, err := duration.Parse(r.PostForm.Get("advance"))
	if err != nil {
		p.renderError(w, r, http.StatusBadRequest, `The test clock advance must be a duration like "30d", "36h" or "90m".`)
		return
	}
	if _, err := p.s.clock.Advance(d); err != nil {
		p.fail(w, r, err)
		return
	}
	redirect(w, r, clockBack(r.PostForm.Get("back")))
}
