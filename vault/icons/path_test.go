package icons

import "testing"

func TestExpandPath(t *testing.T) {
	for in, want := range map[string]string{
		"M20.317 4.3698a19.7913 19.7913 0 00-4.8851-1.5152.0741.0741 0 00-.0785.0371": "M20.317 4.3698 a19.7913 19.7913 0 0 0 -4.8851 -1.5152 a.0741 .0741 0 0 0 -.0785 .0371",
		"M0 0h24v24H0z":        "M0 0 h24 v24 H0 z",
		"m1.5.5-1e-3 2E+2L3,4": "m1.5 .5 -1e-3 2E+2 L3 4",
		"A1 1 0 1112 12":       "A1 1 0 1 1 12 12",
	} {
		got, err := ExpandPath(in)
		if err != nil || got != want {
			t.Errorf("ExpandPath(%q)\n = %q, %v\nwant %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"M0 0 X1", "M0 0a1 1 0 21 1 1", "M0 0 ..."} {
		if _, err := ExpandPath(bad); err == nil {
			t.Errorf("ExpandPath(%q): no error", bad)
		}
	}
}
