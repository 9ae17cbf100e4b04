package desktop

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"authdesk/app/desktop/clockcheck"
)

// TestClockBanner shows the banner when the clock is off or not
// synchronised, and takes it down when the next check is fine.
func TestClockBanner(t *testing.T) {
	h := openWith(t, sampleAccounts(t)...)
	no := false
	for _, tc := range []struct {
		r    clockcheck.Result
		want string
	}{
		{clockcheck.Result{HaveOffset: true, Offset: -47 * time.Second}, "Your clock is 47 s fast: codes may be refused"},
		{clockcheck.Result{Synchronized: &no, Errs: []error{errors.New("no SNTP")}}, "Your clock is not synchronised"},
		{clockcheck.Result{HaveOffset: true, Offset: 3 * time.Second}, ""},
		{clockcheck.Result{Errs: []error{clockcheck.ErrNoTimedate}}, ""},
	} {
		h.u.cfg.clockCheck = func(context.Context) clockcheck.Result { return tc.r }
		h.u.checkClock(false)
		b := h.u.frame.clock
		if tc.want == "" {
			if b.box.Visible() {
				t.Errorf("%+v: banner shown: %q", tc.r, b.text.Text)
			}
			continue
		}
		if !b.box.Visible() || !strings.HasPrefix(b.text.Text, tc.want) {
			t.Errorf("%+v: banner visible %v, %q", tc.r, b.box.Visible(), b.text.Text)
		}
	}
	if h.u.frame.clock.details == "" {
		t.Error("what could not be checked is not kept for the details")
	}
}
