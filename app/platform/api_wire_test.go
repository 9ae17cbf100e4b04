package platform

import (
	"net/http/httptest"
	"testing"
	"time"

	"authdesk/app/platform/api"
)

// TestSignInAnswerBytes: the password step's answer, written from
// api.SignIn, is byte for byte what the platform wrote when it built the
// answer as a map (whose keys encoding/json sorts), in each of its shapes.
func TestSignInAnswerBytes(t *testing.T) {
	grace := time.Date(2026, 3, 8, 9, 10, 11, 0, time.UTC)
	setup := &api.Setup{URI: "otpauth://totp/A:b@example.com?secret=ABC&issuer=A", Secret: "ABC", Account: "b@example.com",
		QRPath: qrPath, Expires: grace, Reenrol: true, GraceUntil: &grace, CanSkip: true}
	tests := []struct {
		name string
		got  api.SignIn
		want map[string]any
	}{
		{"signed in", api.SignIn{Status: StatusSignedIn, CSRFToken: "tok"},
			map[string]any{"status": StatusSignedIn, "csrf_token": "tok"}},
		{"setup", api.SignIn{Status: StatusSetupRequired, CSRFToken: "tok", Setup: setup},
			map[string]any{"status": StatusSetupRequired, "csrf_token": "tok", "setup": setup}},
		{"re-enrolment due", api.SignIn{Status: StatusMFARequired, CSRFToken: "tok", Reenrol: true, ReenrolGraceUntil: &grace},
			map[string]any{"status": StatusMFARequired, "csrf_token": "tok", "reenrol": true, "reenrol_grace_until": grace}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := httptest.NewRecorder(), httptest.NewRecorder()
			writeJSON(got, 200, tt.got)
			writeJSON(want, 200, tt.want)
			if got.Body.String() != want.Body.String() {
				t.Fatalf("answer\n%s\nwant\n%s", got.Body, want.Body)
			}
		})
	}
}
