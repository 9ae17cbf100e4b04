package journey

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Response is one answer of the platform, kept whole so that a scenario can
// check the body and headers, not only the status code.
type Response struct {
	Method, Path string
	Status       int
	Header       http.Header
	Body         map[string]any // the JSON object; nil when the body was not one
	Raw          []byte
	Date         time.Time // the Date header; zero when absent
	Sent         time.Time // local time when the request left
	Received     time.Time // local time when the answer arrived
}

// Str returns the body's field key as a string ("" when absent).
func (r *Response) Str(key string) string {
	if r == nil || r.Body == nil {
		return ""
	}
	switch v := r.Body[key].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// Obj returns the body's field key as an object (nil when absent).
func (r *Response) Obj(key string) map[string]any {
	if r == nil || r.Body == nil {
		return nil
	}
	m, _ := r.Body[key].(map[string]any)
	return m
}

// secretFields never reach a report: they hold secrets or bearer tokens.
var secretFields = map[string]bool{
	"secret": true, "otpauth_uri": true, "recovery_codes": true, "csrf_token": true,
	"token": true, "invite_url": true, "link": true, "body": true,
}

// String summarises the answer for a report: the status and the body's
// fields, with secrets and tokens left out.
func (r *Response) String() string {
	if r == nil {
		return "no answer"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", r.Status)
	if ra := r.Header.Get("Retry-After"); ra != "" {
		fmt.Fprintf(&b, ", Retry-After: %s", ra)
	}
	if r.Body != nil {
		b.WriteByte(' ')
		b.WriteString(summarise(r.Body, 0))
	}
	s := b.String()
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func summarise(v any, depth int) string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			if secretFields[k] {
				parts = append(parts, k+":…")
				continue
			}
			if depth > 1 {
				parts = append(parts, k)
				continue
			}
			parts = append(parts, k+":"+summarise(x[k], depth+1))
		}
		return "{" + strings.Join(parts, " ") + "}"
	case []any:
		return fmt.Sprintf("[%d items]", len(x))
	case string:
		return fmt.Sprintf("%q", x)
	default:
		return fmt.Sprint(x)
	}
}

// call sends one API request and returns the answer whatever its status;
// the error is for transport failures only. Like do, it fetches a CSRF token
// for state-changing requests, refetches once when the token was refused,
// and keeps the token an answer hands out.
func (c *Client) call(ctx context.Context, method, path string, in any) (*Response, error) {
	if method != http.MethodGet && c.csrf == "" {
		tok, err := c.exchange(ctx, http.MethodGet, "/api/csrf", nil)
		if err != nil {
			return nil, fmt.Errorf("get CSRF token: %w", err)
		}
		c.csrf = tok.Str("csrf_token")
	}
	r, err := c.exchange(ctx, method, path, in)
	if err != nil {
		return nil, err
	}
	if method != http.MethodGet && r.Status == http.StatusForbidden && strings.Contains(r.Str("error"), "CSRF") {
		c.csrf = ""
		return c.call(ctx, method, path, in)
	}
	if t := r.Str("csrf_token"); t != "" {
		c.csrf = t
	}
	return r, nil
}

func (c *Client) exchange(ctx context.Context, method, path string, in any) (*Response, error) {
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
	out := &Response{Method: method, Path: path, Sent: time.Now()}
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
