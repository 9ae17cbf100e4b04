package account

import (
	"testing"
	"time"
)

func TestCodeWait(t *testing.T) {
	at := func(s int64) time.Time { return time.Unix(s, 0) }
	for _, c := range []struct {
		name                  string
		t                     time.Time
		period, minLeft, last int64
		want                  time.Duration
	}{
		{"plenty left", at(1000*30 + 5), 30, 5, -1, 0},
		{"exactly minLeft", at(1000*30 + 25), 30, 5, -1, 0},
		{"too few left", at(1000*30 + 27), 30, 5, -1, 3 * time.Second},
		{"off", at(1000*30 + 29), 30, 0, -1, 0},
		{"step used", at(1000*30 + 1), 30, 0, 1000, 29 * time.Second},
		{"later step used", at(1000*30 + 1), 30, 0, 1001, 59 * time.Second},
		{"sub-second", at(1000*30 + 27).Add(400 * time.Millisecond), 30, 5, -1, 2600 * time.Millisecond},
		{"default period", at(1000*30 + 28), 0, 5, -1, 2 * time.Second},
		{"60 s period", at(1000*60 + 50), 60, 15, -1, 10 * time.Second},
	} {
		if got := CodeWait(c.t, c.period, c.minLeft, c.last); got != c.want {
			t.Errorf("%s: CodeWait = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPickTimeSleepsUntilTheNextStep(t *testing.T) {
	now := time.Unix(1000*30+27, 0)
	var slept time.Duration
	got := PickTime(now, 30, 5, -1, func(d time.Duration) { slept += d; now = now.Add(d) }, func() time.Time { return now })
	if want := time.Unix(1001*30, 0); !got.Equal(want) || slept != 3*time.Second {
		t.Fatalf("PickTime = %v after %v, want %v after 3s", got, slept, want)
	}
}
