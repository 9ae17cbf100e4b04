package platform

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"authdesk/app/platform/api"
	"authdesk/app/platform/duration"
)

// Cookie names.
const (
	sessionCookie = "authdesk_session"
	deviceCookie  = "authdesk_device"
	visitorCookie = "authdesk_visitor" // random value whose HMAC is a visitor's CSRF token
	csrfHeader    = "X-CSRF-Token"
	clockHeader   = "X-Test-Clock-Token"
	clockField    = "test_clock_token"
	csrfField     = "csrf_token"
	maxBodyBytes  = 16 << 10
)

type ctxKey struct{}

// reqState is what the middleware learned about a request.
type reqState struct {
	sess    *session // nil: no valid session
	visitor string   // the visitor cookie, when there is no session
}

func stateOf(r *http.Request) *reqState {
	if st, ok := r.Context().Value(ctxKey{}).(*reqState); ok {
		return st
	}
	return &reqState{}
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	api := func(pattern string, h http.HandlerFunc) { mux.HandleFunc(pattern, h) }
	api("GET /api/csrf", s.apiCSRF)
	api("GET /api/policy", s.apiPolicy)
	api("POST /api/companies", s.apiRegister)
	api("POST /api/session", s.apiSignIn)
	api("DELETE /api/session", s.apiSignOut)
	api("DELETE /api/sessions", s.apiSignOutEverywhere)
	api("GET /api/mfa/setup", s.apiGetSetup)
	api("POST /api/mfa/setup", s.apiSetup)
	api("POST /api/mfa/setup/skip", s.apiSkipSetup)
	api("POST /api/mfa/verify", s.apiVerify)
	api("GET /api/me", s.apiMe)
	api("POST /api/password", s.apiPassword)
	api("POST /api/invites", s.apiInvite)
	api("GET /api/invites/{token}", s.apiGetInvite)
	api("POST /api/invites/{token}/accept", s.apiAcceptInvite)
	api("GET /api/outbox", s.apiOutbox)
	api("GET /api/users", s.apiUsers)
	api("POST /api/users/{id}/reset-mfa", s.apiResetMFA)
	api("POST /api/users/{id}/unlock", s.apiUnlock)
	if s.cfg.TestClock {
		api("GET /api/test/clock", s.apiGetClock)
		api("POST /api/test/clock", s.apiAdvanceClock)
		mux.HandleFunc("POST /test/clock", s.pages.advanceClock)
	}
	api("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API route")
	})
	mux.HandleFunc("GET "+qrPath, s.qrPNG)
	s.pages.register(mux)
	return s.middleware(mux)
}

// securityHeaders go on every response.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Cache-Control", "no-store")
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// middleware wraps the routes in the checks every request passes, each
// its own small wrapper, outermost first.
func (s *Server) middleware(next http.Handler) http.Handler {
	return withSecurityHeaders(s.checkHost(s.hideTestClock(limitBody(s.loadState(s.checkCSRF(next))))))
}

// fail answers a request the middleware refuses: JSON for the API, an
// error page for the rest.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if isAPI(r) {
		writeError(w, code, msg)
		return
	}
	s.pages.renderError(w, r, code, msg)
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// withSecurityHeaders sets securityHeaders on every response.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		next.ServeHTTP(w, r)
	})
}

// checkHost refuses a Host header the platform does not answer to (DNS rebinding).
func (s *Server) checkHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hostAllowed(s.hosts, r.Host) {
			s.fail(w, r, http.StatusMisdirectedRequest, "unexpected Host header")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hideTestClock answers 404 for the test clock's routes without
// --test-clock, whatever the method or token.
func (s *Server) hideTestClock(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.cfg.TestClock && (r.URL.Path == "/api/test/clock" || r.URL.Path == "/test/clock") {
			s.fail(w, r, http.StatusNotFound, "the test clock is off (start the platform with --test-clock)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody caps every request body at maxBodyBytes.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// loadState loads the request's session, or else notes its visitor cookie,
// into the request's reqState.
func (s *Server) loadState(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &reqState{}
		if c, err := r.Cookie(sessionCookie); err == nil {
			if sess, err := s.svc.loadSession(r.Context(), c.Value); err == nil {
				sess.addr, sess.device, sess.base = s.clientAddr(r), deviceToken(r), s.baseURLFor(r)
				st.sess = &sess
			}
		}
		if c, err := r.Cookie(visitorCookie); err == nil && st.sess == nil && len(c.Value) >= 40 && len(c.Value) <= 100 {
			st.visitor = c.Value
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, st)))
	})
}

// checkCSRF lets a state change through only from the platform's own
// origin with the session's (or visitor's) CSRF token. Signing out without
// a session needs neither: it only clears the cookie.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		if isSafeMethod(r.Method) || (st.sess == nil && isSignOut(r)) {
			next.ServeHTTP(w, r)
			return
		}
		if msg := checkOrigin(r, s.scheme(r)); msg != "" {
			s.fail(w, r, http.StatusForbidden, msg)
			return
		}
		token, code, msg := sentCSRF(r)
		if code != 0 {
			s.fail(w, r, code, msg)
			return
		}
		want := st.visitor
		if st.sess != nil {
			want = st.sess.CSRF
		} else if want != "" {
			want = s.svc.visitorToken(want)
		}
		if want == "" || token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
			s.fail(w, r, http.StatusForbidden, csrfRefusal(r))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sentCSRF is the CSRF token a state change carries: the API's header (the
// body must be JSON) or the form's field. A non-zero code refuses the
// request with msg.
func sentCSRF(r *http.Request) (token string, code int, msg string) {
	if isAPI(r) {
		if r.ContentLength != 0 && !isJSON(r) {
			return "", http.StatusUnsupportedMediaType, "send JSON with Content-Type: application/json"
		}
		return r.Header.Get(csrfHeader), 0, ""
	}
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", http.StatusRequestEntityTooLarge, "the form is too large"
		}
		return "", http.StatusBadRequest, "the form could not be read"
	}
	return r.PostForm.Get(csrfField), 0, ""
}

// csrfRefusal tells the client how to get a valid token.
func csrfRefusal(r *http.Request) string {
	if isAPI(r) {
		return "missing or wrong CSRF token: send the token from GET /api/csrf in the X-CSRF-Token header, with the session cookie"
	}
	return "this form has expired; go back, reload the page and try again"
}

// checkOrigin refuses cross-origin state changes. Browsers send Origin on
// every POST; clients that send none (curl) still need the CSRF token.
// Under "Referrer-Policy: no-referrer" Chromium sends "Origin: null" even for
// same-origin forms, so a null Origin passes only with Sec-Fetch-Site:
// same-origin, a header pages cannot forge.
func checkOrigin(r *http.Request, scheme string) string {
	sfs := r.Header.Get("Sec-Fetch-Site")
	if sfs != "" && sfs != "same-origin" && sfs != "none" {
		return "cross-site request refused"
	}
	o := r.Header.Get("Origin")
	switch {
	case o == "":
		return ""
	case o == "null":
		if sfs == "same-origin" {
			return ""
		}
		return "cross-origin request refused"
	}
	if !strings.EqualFold(o, scheme+"://"+r.Host) {
		return "cross-origin request refused"
	}
	return ""
}

func isSignOut(r *http.Request) bool {
	return (r.Method == http.MethodDelete && r.URL.Path == "/api/session") || (r.Method == http.MethodPost && r.URL.Path == "/signout")
}

func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // otpauth URIs keep their '&'; nosniff stops HTML sniffing
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// statusOf maps a service error to an HTTP status.
func statusOf(err error) int {
	var se *serviceError
	if !errors.As(err, &se) {
		return http.StatusInternalServerError
	}
	switch se.Kind {
	case kindInvalid:
		return http.StatusBadRequest
	case kindUnauthorized:
		return http.StatusUnauthorized
	case kindForbidden:
		return http.StatusForbidden
	case kindNotFound:
		return http.StatusNotFound
	case kindConflict:
		return http.StatusConflict
	case kindThrottled:
		return http.StatusTooManyRequests
	case kindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// setRetryAfter sets Retry-After for a temporary lockout.
func setRetryAfter(w http.ResponseWriter, err error) {
	var se *serviceError
	if errors.As(err, &se) && (se.Kind == kindThrottled || se.Kind == kindUnavailable) && se.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(se.RetryAfter.Seconds()))))
	}
}

// fail answers a service error as JSON; internal errors are logged, not shown.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	code := statusOf(err)
	if code == http.StatusInternalServerError {
		s.log.Error("platform request failed", "path", r.URL.Path, "err", err)
		writeError(w, code, "internal error")
		return
	}
	setRetryAfter(w, err)
	writeError(w, code, err.Error())
}

// decodeJSON reads exactly one JSON object into v, refusing unknown fields.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if !isJSON(r) {
		writeError(w, http.StatusUnsupportedMediaType, "send JSON with Content-Type: application/json")
		return false
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, e := dec.Token(); !errors.Is(e, io.EOF) {
			err = errors.New("unexpected data after the JSON object")
		}
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body too large (limit %d bytes)", maxBodyBytes))
			return false
		}
		writeError(w, http.StatusBadRequest, "malformed JSON: "+jsonErrorText(err))
		return false
	}
	return true
}

func jsonErrorText(err error) string {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return fmt.Sprintf("field %q must be a %s", ute.Field, ute.Type)
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "json: ")
	if len(msg) > 120 {
		msg = msg[:120]
	}
	return msg
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, sess session) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.ID, Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
}

func clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
}

func setDeviceCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time, now time.Time) {
	// The browser keeps the cookie 30 real days; the server checks the
	// expiry on its own (test-movable) clock, which is what counts.
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: token, Path: "/", HttpOnly: true,
		MaxAge: int(expires.Sub(now).Seconds()), Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
}

func deviceToken(r *http.Request) string {
	if c, err := r.Cookie(deviceCookie); err == nil {
		return c.Value
	}
	return ""
}

// csrfToken returns the request's CSRF token: its session's, or else the
// visitor's, setting a visitor cookie when there is none. Visitors cost no
// storage: their token is an HMAC of the cookie.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	st := stateOf(r)
	if st.sess != nil {
		return st.sess.CSRF
	}
	if st.visitor == "" {
		st.visitor = randomToken(32)
		http.SetCookie(w, &http.Cookie{Name: visitorCookie, Value: st.visitor, Path: "/", HttpOnly: true,
			Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	}
	return s.svc.visitorToken(st.visitor)
}

// session returns the request's session or an anonymous placeholder.
func sessionOf(r *http.Request) session {
	if st := stateOf(r); st.sess != nil {
		return *st.sess
	}
	return session{}
}

func (s *Server) apiCSRF(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"csrf_token": s.csrfToken(w, r)})
}

func (s *Server) apiPolicy(w http.ResponseWriter, r *http.Request) {
	p := s.svc.policy
	out := api.Policy{ReenrolAfterSeconds: int64(p.ReenrolAfter / time.Second), ReenrolGraceSeconds: int64(s.svc.grace / time.Second),
		RememberForSeconds: int64(p.RememberFor / time.Second), SetupWindowSeconds: int64(pendingLifetime / time.Second),
		Skew: p.Skew, Digits: p.Digits, Algorithm: p.Algorithm, Period: p.Period, MaxCodeFailures: p.MaxCodeFailures,
		RecoveryCodes: recoveryCount, TestClock: s.cfg.TestClock,
		UserCodeCeiling: userCodeCeiling, UserCodeWarnAt: userCodeWarn, UserCodeSlowDownFrom: userCodeSlowFrom,
		AccountPasswordCeiling: accountCeiling, SlowDownSeconds: int(slowDelay / time.Second), GuessChancePerDay: guessChance(p)}
	for _, d := range codeBackoff {
		out.CodeLockSeconds = append(out.CodeLockSeconds, int(d/time.Second))
	}
	writeJSON(w, http.StatusOK, out)
}

// guessChance is the chance that userCodeCeiling guesses under p get in:
// each guess matches one of 2·skew+1 codes out of 10^digits.
func guessChance(p Policy) float64 {
	return float64(userCodeCeiling*(2*p.Skew+1)) / math.Pow10(p.Digits)
}

func (s *Server) apiRegister(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Company  string `json:"company"`
		Name     string `json:"name"`
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	if err := s.anonWrite(r); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if err := s.svc.register(r.Context(), registerInput{Company: in.Company, Name: in.Name, Email: in.Email, Password: in.Password}); err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"status": "created", "message": "Company registered; sign in to continue"})
}

func (s *Server) apiSignIn(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	res, err := s.svc.signIn(r.Context(), signInInput{Email: in.Email, Password: in.Password, Addr: s.clientAddr(r),
		DeviceToken: deviceToken(r), OldSession: sessionOf(r).ID})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	setSessionCookie(w, r, res.session)
	out := api.SignIn{Status: res.Status, CSRFToken: res.session.CSRF, Setup: res.Setup}
	if res.Reenrol {
		g := res.GraceUntil.UTC()
		out.Reenrol, out.ReenrolGraceUntil = true, &g
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiSignOut(w http.ResponseWriter, r *http.Request) {
	s.apiEndSessions(w, r, s.svc.signOut)
}

func (s *Server) apiSignOutEverywhere(w http.ResponseWriter, r *http.Request) {
	s.apiEndSessions(w, r, s.svc.signOutEverywhere)
}

// apiEndSessions ends the request's session (and, with signOutEverywhere,
// the user's others) and clears its cookie.
func (s *Server) apiEndSessions(w http.ResponseWriter, r *http.Request, end func(context.Context, session) error) {
	if err := end(r.Context(), sessionOf(r)); err != nil {
		s.apiFail(w, r, err)
		return
	}
	clearSessionCookie(w, r)
	writeJSON(w, http.StatusOK, map[string]string{"status": "signed_out"})
}

func (s *Server) apiGetSetup(w http.ResponseWriter, r *http.Request) {
	setup, err := s.svc.pendingSetup(r.Context(), sessionOf(r))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": StatusSetupRequired, "setup": setup})
}

type codeInput struct {
	Code           string `json:"code"`
	RememberDevice bool   `json:"remember_device"`
}

func (s *Server) apiSetup(w http.ResponseWriter, r *http.Request) {
	var in codeInput
	if !decodeJSON(w, r, &in) {
		s.countMalformed(r)
		return
	}
	res, err := s.svc.confirmSetup(r.Context(), sessionOf(r), in.Code)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	setSessionCookie(w, r, res.session)
	writeJSON(w, http.StatusOK, map[string]any{"status": StatusSignedIn, "message": "MFA setup is complete",
		"recovery_codes": res.RecoveryCodes, "csrf_token": res.session.CSRF})
}

func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request) {
	var in codeInput
	if !decodeJSON(w, r, &in) {
		s.countMalformed(r)
		return
	}
	res, err := s.svc.verifyCode(r.Context(), sessionOf(r), in.Code, in.RememberDevice)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	setSessionCookie(w, r, res.session)
	if res.Setup != nil {
		// Re-enrolment: the step-up passed; now the new key.
		writeJSON(w, http.StatusOK, map[string]any{"status": StatusSetupRequired, "setup": res.Setup,
			"csrf_token": res.session.CSRF, "used_recovery_code": res.UsedRecovery})
		return
	}
	out := map[string]any{"status": StatusSignedIn, "csrf_token": res.session.CSRF}
	if res.DeviceToken != "" {
		setDeviceCookie(w, r, res.DeviceToken, res.DeviceExpires, s.clock.Now())
		out["remembered_until"] = res.DeviceExpires.UTC()
	}
	if res.UsedRecovery {
		out["used_recovery_code"] = true
	}
	writeJSON(w, http.StatusOK, out)
}

// countMalformed counts an unreadable code submission as a failed attempt.
func (s *Server) countMalformed(r *http.Request) {
	sess := sessionOf(r)
	if sess.State != stateMFA {
		return
	}
	if err := s.svc.countCodeFailure(r.Context(), sess); err != nil && statusOf(err) == http.StatusInternalServerError {
		s.log.Error("count failed code", "err", err)
	}
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	p, err := s.svc.me(r.Context(), sessionOf(r))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiPassword(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	sess, err := s.svc.changePassword(r.Context(), sessionOf(r), in.Current, in.New, s.clientAddr(r))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	setSessionCookie(w, r, sess)
	writeJSON(w, http.StatusOK, map[string]string{"status": "password_changed", "csrf_token": sess.CSRF})
}

func (s *Server) apiInvite(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email string `json:"email"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	inv, err := s.svc.createInvite(r.Context(), sessionOf(r), in.Email, s.baseURLFor(r))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, inv)
}

func (s *Server) apiGetInvite(w http.ResponseWriter, r *http.Request) {
	info, err := s.svc.lookupInvite(r.Context(), r.PathValue("token"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"email": info.Email, "company": info.Company})
}

func (s *Server) apiAcceptInvite(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	if err := s.anonWrite(r); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if _, err := s.svc.acceptInvite(r.Context(), r.PathValue("token"), in.Name, in.Password); err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"status": "created", "message": "Account created; sign in to continue"})
}

func (s *Server) apiSkipSetup(w http.ResponseWriter, r *http.Request) {
	sess, err := s.svc.skipReenrol(r.Context(), sessionOf(r))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	setSessionCookie(w, r, sess)
	writeJSON(w, http.StatusOK, map[string]any{"status": StatusSignedIn, "csrf_token": sess.CSRF})
}

// outbox is the mail r may read: everything on loopback (a tester's own
// machine), a signed-in user's company's mail off loopback.
func (s *Server) outbox(r *http.Request) ([]api.Message, error) {
	if s.isRemote(r) {
		return s.svc.outboxFor(r.Context(), sessionOf(r))
	}
	return s.svc.outbox(r.Context())
}

// clockAllowed checks the test clock token off loopback.
func (s *Server) clockAllowed(r *http.Request, token string) bool {
	return !s.isRemote(r) || (token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.clockToken)) == 1)
}

const msgClockToken = "moving the test clock from another machine needs the token platform serve printed at start (header X-Test-Clock-Token)"

func (s *Server) apiOutbox(w http.ResponseWriter, r *http.Request) {
	msgs, err := s.outbox(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) {
	users, err := s.svc.users(r.Context(), sessionOf(r))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
}

func (s *Server) apiResetMFA(w http.ResponseWriter, r *http.Request) {
	s.apiUserAction(w, r, s.svc.resetMFA, "mfa_reset")
}

func (s *Server) apiUnlock(w http.ResponseWriter, r *http.Request) {
	s.apiUserAction(w, r, s.svc.unlockCodes, "unlocked")
}

// apiUserAction runs an admin's action on the user named by the path's id
// and answers status; a bad id is a 400.
func (s *Server) apiUserAction(w http.ResponseWriter, r *http.Request, action func(context.Context, session, int64) error, status string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "the user id must be a positive number")
		return
	}
	if err := action(r.Context(), sessionOf(r), id); err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": status})
}

func (s *Server) apiGetClock(w http.ResponseWriter, r *http.Request) {
	if !s.clockAllowed(r, r.Header.Get(clockHeader)) {
		writeError(w, http.StatusForbidden, msgClockToken)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"now": s.clock.Now().UTC()})
}

func (s *Server) apiAdvanceClock(w http.ResponseWriter, r *http.Request) {
	if !s.clockAllowed(r, r.Header.Get(clockHeader)) {
		writeError(w, http.StatusForbidden, msgClockToken)
		return
	}
	var in struct {
		Advance string `json:"advance"`
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	d, err := duration.Parse(in.Advance)
	if err != nil {
		writeError(w, http.StatusBadRequest, `advance must be a duration like "30d", "36h" or "15m"`)
		return
	}
	now, err := s.clock.Advance(d)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"now": now.UTC()})
}

// qrPNG serves the QR code of the session's pending setup.
func (s *Server) qrPNG(w http.ResponseWriter, r *http.Request) {
	setup, err := s.svc.pendingSetup(r.Context(), sessionOf(r))
	if err != nil {
		http.Error(w, err.Error(), statusOf(err))
		return
	}
	png, err := qrcode.Encode(setup.URI, qrcode.Medium, 320)
	if err != nil {
		s.log.Error("encode QR code", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(png)))
	_, _ = w.Write(png)
}
