package journey

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// response is one answer of the platform, kept whole so that a scenario can
// check the body and headers, not only the status code.
type response struct {
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
func (r *response) Str(key string) string {
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
func (r *response) Obj(key string) map[string]any {
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
func (r *response) String() string {
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
