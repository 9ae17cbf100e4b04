package journey

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// answer is a response the breaking proxy may rewrite.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// jsonBody decodes the answer's JSON object (nil when it is not one).
func (a *answer) jsonBody() map[string]any {
	var m map[string]any
	if json.Unmarshal(a.Body, &m) != nil {
		return nil
	}
	return m
}

func (a *answer) setJSON(m map[string]any) {
	a.Body, _ = json.Marshal(m)
	a.Header.Del("Content-Length")
}

// breaker breaks one rule of the platform. before may answer in the
// platform's place (nil: forward); after may rewrite the platform's answer.
type breaker struct {
	before func(r *http.Request, body []byte) *answer
	after  func(r *http.Request, body []byte, a *answer)
}

// brokenPlatform puts a proxy in front of a real platform that breaks one
// of its rules, and returns the proxy's URL.
func brokenPlatform(t *testing.T, clk *movableClock, b breaker) string {
	t.Helper()
	target := startServer(t, true, clk)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var a *answer
		if b.before != nil {
			a = b.before(r, body)
		}
		if a == nil {
			req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), bytes.NewReader(body))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			req.Header = r.Header.Clone()
			resp, err := hc.Do(req)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			a = &answer{Status: resp.StatusCode, Header: resp.Header, Body: raw}
			if b.after != nil {
				b.after(r, body, a)
			}
		}
		for k, v := range a.Header {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(a.Status)
		_, _ = w.Write(a.Body)
	}))
	t.Cleanup(proxy.Close)
	return proxy.URL
}

func isCall(r *http.Request, method, path string) bool {
	return r.Method == method && r.URL.Path == path
}

func codeOf(body []byte) string {
	var in struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(body, &in)
	return in.Code
}

func fakeJSON(status int, m map[string]any) *answer {
	a := &answer{Status: status, Header: http.Header{"Content-Type": {"application/json"}}}
	a.setJSON(m)
	return a
}

// acceptReplays lets a code (or recovery code) the platform accepted once
// through again: the replay guard is gone.
func acceptReplays() breaker {
	var mu sync.Mutex
	accepted := map[string]bool{}
	return breaker{
		before: func(r *http.Request, body []byte) *answer {
			if !isCall(r, http.MethodPost, "/api/mfa/verify") {
				return nil
			}
			mu.Lock()
			defer mu.Unlock()
			if accepted[codeOf(body)] {
				return fakeJSON(http.StatusOK, map[string]any{"status": "signed_in"})
			}
			return nil
		},
		after: func(r *http.Request, body []byte, a *answer) {
			if (isCall(r, http.MethodPost, "/api/mfa/verify") || isCall(r, http.MethodPost, "/api/mfa/setup")) && a.Status == http.StatusOK {
				mu.Lock()
				accepted[codeOf(body)] = true
				mu.Unlock()
			}
		},
	}
}

// TestScenariosCatchBrokenRules runs each scenario against a platform
// with its rule broken: the scenario fails, and names the step.
func TestScenariosCatchBrokenRules(t *testing.T) {
	t.Parallel()
	var qrMu sync.Mutex
	var lastQR []byte
	tests := []struct {
		scenario string
		broken   breaker
		step     string // the failed step's title starts with this
	}{
		{"first-setup", breaker{after: func(r *http.Request, _ []byte, a *answer) {
			if isCall(r, http.MethodPost, "/api/mfa/setup") && a.Status == http.StatusOK {
				m := a.jsonBody()
				m["message"] = "MFA setup complete"
				a.setJSON(m)
			}
		}}, "Confirm with the code from Authdesk"},
		{"manual-key", breaker{after: func(r *http.Request, _ []byte, a *answer) {
			if isCall(r, http.MethodPost, "/api/session") {
				m := a.jsonBody()
				if s, ok := m["setup"].(map[string]any); ok {
					sec := s["secret"].(string)
					s["secret"] = "A" + sec[1:]
					if sec[0] == 'A' {
						s["secret"] = "B" + sec[1:]
					}
					a.setJSON(m)
				}
			}
		}}, "Type the manual key"},
		{"invited-user", breaker{after: func(r *http.Request, _ []byte, a *answer) {
			if isCall(r, http.MethodGet, "/api/outbox") {
				a.setJSON(map[string]any{"messages": []any{}})
			}
		}}, "The invitation is in the outbox"},
		{"wrong-and-replayed-codes", acceptReplays(), "The code accepted at setup is refused the second time"},
		{"lockout", breaker{after: func(r *http.Request, _ []byte, a *answer) {
			if a.Status == http.StatusTooManyRequests {
				a.Status = http.StatusUnauthorized
				a.Header.Del("Retry-After")
			}
		}}, "10 wrong codes"},
		{"recovery-code", acceptReplays(), "The same recovery code is refused the second time"},
		{"admin-reset", breaker{before: func(r *http.Request, _ []byte) *answer {
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/reset-mfa") {
				return fakeJSON(http.StatusOK, map[string]any{"status": "mfa_reset"})
			}
			return nil
		}}, "The admin resets the user's MFA"},
		{"remember-device", breaker{before: func(r *http.Request, _ []byte) *answer {
			if isCall(r, http.MethodDelete, "/api/sessions") {
				return fakeJSON(http.StatusOK, map[string]any{"status": "signed_out"})
			}
			return nil
		}}, "After signing out everywhere the device is forgotten"},
		{"reenrol-day-30", breaker{after: func(r *http.Request, _ []byte, a *answer) {
			if isCall(r, http.MethodPost, "/api/session") {
				m := a.jsonBody()
				delete(m, "reenrol")
				a.setJSON(m)
			}
		}}, "Day 30: sign in asks for the current code first"},
		{"setup-expiry", breaker{after: func(r *http.Request, _ []byte, a *answer) {
			if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, ".png") {
				return
			}
			qrMu.Lock()
			defer qrMu.Unlock()
			if a.Status == http.StatusOK {
				lastQR = a.Body
			} else if lastQR != nil {
				a.Status, a.Body = http.StatusOK, lastQR
				a.Header.Set("Content-Type", "image/png")
			}
		}}, "The old QR image is no longer served"},
	}
	if len(tests) != len(Scenarios()) {
		t.Fatalf("%d broken platforms for %d scenarios", len(tests), len(Scenarios()))
	}
	for _, tc := range tests {
		t.Run(tc.scenario, func(t *testing.T) {
			t.Parallel()
			clk := newMovableClock()
			rep := runScenarios(t, brokenPlatform(t, clk, tc.broken), clk, tc.scenario)
			sc := rep.Scenarios[0]
			if sc.Status != Failed {
				logScenario(t, sc)
				t.Fatalf("%s %s against a platform with its rule broken", sc.Name, sc.Status)
			}
			if got := sc.FailedStep(); !strings.HasPrefix(got, tc.step) {
				logScenario(t, sc)
				t.Fatalf("failed at %q, want the step %q", got, tc.step)
			}
			if !strings.Contains(sc.Reason, tc.step) {
				t.Errorf("reason %q does not name the step", sc.Reason)
			}
		})
	}
}
