package platform

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestSignInFocusAfterRegistering: just registered, the email is filled in
// and the focus is on the password; otherwise on the email.
func TestSignInFocusAfterRegistering(t *testing.T) {
	f := newFixture(t, Config{})
	base := f.start()
	get := func(email string) string {
		req, _ := http.NewRequest(http.MethodGet, base+"/signin", nil)
		if email != "" {
			req.AddCookie(&http.Cookie{Name: emailCookie, Value: email})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	focused := func(page, id string) bool {
		i := strings.Index(page, `id="`+id+`"`)
		if i < 0 {
			t.Fatalf("no #%s on the page", id)
		}
		tag := page[i : i+strings.Index(page[i:], ">")]
		return strings.Contains(tag, "autofocus")
	}
	if p := get("new@example.com"); !focused(p, "password") || focused(p, "email") {
		t.Error("after registering the focus is not on the password")
	}
	if p := get(""); focused(p, "password") || !focused(p, "email") {
		t.Error("a plain sign-in does not focus the email")
	}
}
