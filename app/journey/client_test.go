package journey

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// A platform that redirects the test clock to another host (a second
// loopback server) gets neither the redirect followed nor the token sent
// there, whichever call carries the token; at home the token arrives.
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
	advance := func(ctx context.Context, c *Client) error { _, err := c.Advance(ctx, time.Hour); return err }
	now := func(ctx context.Context, c *Client) error { _, err := c.Now(ctx); return err }
	for _, tc := range []struct {
		name     string
		call     func(context.Context, *Client) error
		redirect bool
	}{
		{"Advance redirected", advance, true}, {"Now redirected", now, true},
		{"Advance at home", advance, false}, {"Now at home", now, false},
	} {
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
			err = tc.call(ctx, c)
			if tc.redirect && err == nil {
				t.Fatal("the client followed a redirect to another host")
			}
			if !tc.redirect && err != nil {
				t.Fatal(err)
			}
			if got, _ := gotToken.Load().(string); got != "clock-token-secret" {
				t.Fatalf("the platform got the token %q, want it", got)
			}
		})
	}
	if evilHits.Load() != 0 || leaked.Load() != 0 {
		t.Fatalf("the other host got %d requests, %d with the token", evilHits.Load(), leaked.Load())
	}
}
