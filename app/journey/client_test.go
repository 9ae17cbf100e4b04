package journey

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// A platform that redirects the test clock to another host gets neither
// the redirect followed nor the token sent there; Advance sends the token
// to the platform itself.
func TestClientClockTokenStaysHome(t *testing.T) {
	var leaked, evilHits atomic.Int64
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		evilHits.Add(1)
		if r.Header.Get("X-Test-Clock-Token") != "" {
			leaked.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"now":"2030-01-01T00:00:00Z"}`))
	}))
	defer evil.Close()
	for _, tc := range []struct {
		name     string
		redirect bool
	}{{"redirected", true}, {"at home", false}} {
		t.Run(tc.name, func(t *testing.T) {
			var gotToken atomic.Value
			home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch r.URL.Path {
				case "/api/csrf":
					w.Write([]byte(`{"csrf_token":"c"}`))
				case "/api/test/clock":
					gotToken.Store(r.Header.Get("X-Test-Clock-Token"))
					if tc.redirect {
						http.Redirect(w, r, evil.URL+"/test/clock", http.StatusTemporaryRedirect)
						return
					}
					w.Write([]byte(`{"now":"2030-01-01T00:00:00Z"}`))
				}
			}))
			defer home.Close()
			c, err := NewClient(home.URL)
			if err != nil {
				t.Fatal(err)
			}
			c.ClockToken = "clock-token-secret"
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err = c.Advance(ctx, time.Hour)
			if tc.redirect && err == nil {
				t.Fatal("Advance followed a redirect to another host")
			}
			if !tc.redirect && err != nil {
				t.Fatal(err)
			}
			if got, _ := gotToken.Load().(string); got != "clock-token-secret" {
				t.Fatalf("Advance sent the token %q, want it", got)
			}
		})
	}
	if evilHits.Load() != 0 || leaked.Load() != 0 {
		t.Fatalf("the other host got %d requests, %d with the token", evilHits.Load(), leaked.Load())
	}
}
