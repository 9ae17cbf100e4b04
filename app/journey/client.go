package journey

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"time"

	"authdesk/app/platform/api"
)

// maxResponse bounds what the client reads from the platform.
const maxResponse = 1 << 20

// Client speaks the platform's JSON API as one browser would: it keeps the
// session and device cookies in a jar and sends the CSRF token that the
// platform hands out with every session.
type Client struct {
	// ClockToken is sent as X-Test-Clock-Token when moving the test clock.
	ClockToken string

	base *url.URL
	hc   *http.Client
	csrf string
}

// apiError is a non-2xx answer of the platform.
type apiError struct {
	Status     int           // HTTP status
	Message    string        // the platform's "error" text
	RetryAfter time.Duration // from Retry-After on 429
}

func (e *apiError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("%s (HTTP %d, retry after %s)", e.Message, e.Status, e.RetryAfter)
	}
	return fmt.Sprintf("%s (HTTP %d)", e.Message, e.Status)
}

// NewClient returns a client for the platform at baseURL (for example
// "http://127.0.0.1:41234").
func NewClient(baseURL string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("platform URL %q: want http://host:port", baseURL)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, fmt.Errorf("cookie jar: %w", err)
	}
	return &Client{base: u, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: sameHost(u)}}, nil
}

// sameHost refuses to follow a redirect off base's scheme and host, so that
// nothing sent to the platform (the test clock token, cookies, bodies) is
// sent on to another site.
func sameHost(base *url.URL) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != base.Scheme || !strings.EqualFold(req.URL.Host, base.Host) {
			return fmt.Errorf("refusing to follow a redirect to %s: not the platform at %s", req.URL.Redacted(), base.Host)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// setClockToken adds ClockToken to a request for the test clock.
func (c *Client) setClockToken(req *http.Request, path string) {
	if c.ClockToken != "" && strings.Contains(path, "/test/clock") {
		req.Header.Set("X-Test-Clock-Token", c.ClockToken)
	}
}

// BaseURL is the platform's address.
func (c *Client) BaseURL() string { return c.base.String() }

// Register creates a company with its administrator.
func (c *Client) Register(ctx context.Context, company, name, email, password string) error {
	return c.do(ctx, http.MethodPost, "/api/companies",
		map[string]string{"company": company, "name": name, "email": email, "password": password}, nil)
}

// SignIn does the password step.
func (c *Client) SignIn(ctx context.Context, email, password string) (api.SignIn, error) {
	var out api.SignIn
	err := c.do(ctx, http.MethodPost, "/api/session", map[string]string{"email": email, "password": password}, &out)
	return out, err
}

// ConfirmSetup confirms a pending MFA setup with a code and returns the
// platform's message ("MFA setup is complete").
func (c *Client) ConfirmSetup(ctx context.Context, code string) (string, error) {
	var out struct {
		Message string `json:"message"`
	}
	err := c.do(ctx, http.MethodPost, "/api/mfa/setup", map[string]string{"code": code}, &out)
	return out.Message, err
}

// Verify answers the code prompt of a later sign-in. Usually the answer is
// signed_in; when the key is due for a refresh the code is the step-up
// ("Confirm it's you") and the answer is mfa_setup_required with the new key.
func (c *Client) Verify(ctx context.Context, code string, rememberDevice bool) (api.SignIn, error) {
	var out api.SignIn
	err := c.do(ctx, http.MethodPost, "/api/mfa/verify", map[string]any{"code": code, "remember_device": rememberDevice}, &out)
	return out, err
}

// PendingSetup fetches the Secure Your Account data of the current
// half-signed-in session (GET /api/mfa/setup).
func (c *Client) PendingSetup(ctx context.Context) (api.Setup, error) {
	var out struct {
		Setup api.Setup `json:"setup"`
	}
	err := c.do(ctx, http.MethodGet, "/api/mfa/setup", nil, &out)
	return out.Setup, err
}

// Policy fetches the platform's policy.
func (c *Client) Policy(ctx context.Context) (api.Policy, error) {
	var p api.Policy
	err := c.do(ctx, http.MethodGet, "/api/policy", nil, &p)
	return p, err
}

// Me returns the signed-in user.
func (c *Client) Me(ctx context.Context) (api.Profile, error) {
	var p api.Profile
	err := c.do(ctx, http.MethodGet, "/api/me", nil, &p)
	return p, err
}

// SignOut ends the session; the remembered-device cookie stays.
func (c *Client) SignOut(ctx context.Context) error {
	err := c.do(ctx, http.MethodDelete, "/api/session", nil, nil)
	if err == nil {
		c.csrf = "" // the token belonged to the session that just ended
	}
	return err
}

// Advance moves the platform's test clock forward and returns its new time.
// The platform must run with its test clock enabled.
func (c *Client) Advance(ctx context.Context, d time.Duration) (time.Time, error) {
	var out struct {
		Now time.Time `json:"now"`
	}
	err := c.do(ctx, http.MethodPost, "/api/test/clock", map[string]string{"advance": d.String()}, &out)
	return out.Now, err
}

// QRCode downloads the PNG at path (api.Setup.QRPath).
func (c *Client) QRCode(ctx context.Context, path string) ([]byte, error) {
	r, err := c.exchange(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, fmt.Errorf("get QR code: %w", err)
	}
	if r.Status != http.StatusOK {
		return nil, &apiError{Status: r.Status, Message: strings.TrimSpace(string(r.Raw))}
	}
	return r.Raw, nil
}

func (c *Client) resolve(path string) string {
	ref, err := url.Parse(path)
	if err != nil {
		return c.base.String() + path
	}
	return c.base.ResolveReference(ref).String()
}

// do sends one API request and decodes a 2xx answer into out (when not
// nil); any other answer is an *apiError.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	r, err := c.call(ctx, method, path, in)
	if err != nil {
		return err
	}
	if err := r.err(); err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(r.Raw, out); err != nil {
			return fmt.Errorf("%s %s: unexpected answer: %w", method, path, err)
		}
	}
	return nil
}

// call sends one API request and returns the answer whatever its status;
// the error is for transport failures only. State-changing requests carry
// the CSRF token, fetched first when the client has none; a token in any
// answer replaces it, since the platform issues a new session (and token)
// at each sign-in step. A token refused because its session expired (the
// test clock moved on) is fetched again once, as a browser would reload
// the form.
func (c *Client) call(ctx context.Context, method, path string, in any) (*response, error) {
	for attempt := 0; ; attempt++ {
		if method != http.MethodGet && c.csrf == "" {
			var tok struct {
				Token string `json:"csrf_token"`
			}
			if err := c.do(ctx, http.MethodGet, "/api/csrf", nil, &tok); err != nil {
				return nil, fmt.Errorf("get CSRF token: %w", err)
			}
			c.csrf = tok.Token
		}
		r, err := c.exchange(ctx, method, path, in)
		if err != nil {
			return nil, err
		}
		if attempt == 0 && method != http.MethodGet && r.Status == http.StatusForbidden && strings.Contains(r.Str("error"), "CSRF") {
			c.csrf = ""
			continue
		}
		if t := r.Str("csrf_token"); t != "" {
			c.csrf = t
		}
		return r, nil
	}
}

// exchange is the client's one HTTP transport: it sends one request (JSON
// in, the CSRF token on state changes, the clock token to the test clock
// only) and reads the answer, bounded by maxResponse. The http.Client
// follows no redirect off the platform (sameHost).
func (c *Client) exchange(ctx context.Context, method, path string, in any) (*response, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.resolve(path), body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method != http.MethodGet {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	c.setClockToken(req, path)
	out := &response{Method: method, Path: path, Sent: time.Now()}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	out.Raw, err = io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	out.Received = time.Now()
	if err != nil {
		return nil, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	out.Status, out.Header = resp.StatusCode, resp.Header
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		out.Date = d
	}
	var m map[string]any
	if json.Unmarshal(out.Raw, &m) == nil {
		out.Body = m
	}
	return out, nil
}

// err is nil for a 2xx answer, else the *apiError it stands for.
func (r *response) err() error {
	if r.Status >= 200 && r.Status <= 299 {
		return nil
	}
	e := &apiError{Status: r.Status, Message: r.Str("error")}
	if e.Message == "" {
		e.Message = http.StatusText(r.Status)
	}
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err == nil {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	return e
}

// isStatus reports whether err is an apiError with the given HTTP status.
func isStatus(err error, status int) bool {
	var e *apiError
	return errors.As(err, &e) && e.Status == status
}
