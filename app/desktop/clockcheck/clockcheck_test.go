package clockcheck

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// sntpServer answers SNTP queries on loopback with its clock set skew away
// from ours, as a real server would (RFC 4330 reply, origin echoed).
func sntpServer(t *testing.T, skew time.Duration, stratum byte) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if n < 48 {
				continue
			}
			now := ntpStamp(time.Now().Add(skew))
			out := make([]byte, 48)
			out[0] = 0<<6 | 4<<3 | 4 // no leap warning, version 4, server
			out[1] = stratum
			out[2] = 6
			out[3] = 0xEC // precision 2^-20
			copy(out[12:16], "TEST")
			binary.BigEndian.PutUint64(out[16:24], now-1<<32) // reference: a second ago
			copy(out[24:32], buf[40:48])                      // origin: the client's transmit time
			binary.BigEndian.PutUint64(out[32:40], now)
			binary.BigEndian.PutUint64(out[40:48], now)
			_, _ = pc.WriteTo(out, addr)
		}
	}()
	return pc.LocalAddr().String()
}

func ntpStamp(t time.Time) uint64 {
	const epoch = 2208988800 // 1900 → 1970
	secs := uint64(t.Unix() + epoch)
	frac := uint64(t.Nanosecond()) << 32 / 1e9
	return secs<<32 | frac
}

func TestSNTPOffset(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		skew time.Duration
		want string
	}{
		{47 * time.Second, "Your clock is 47 s slow"},
		{-47 * time.Second, "Your clock is 47 s fast"},
		{-3 * time.Hour, "Your clock is 3 hours fast"},
		{2 * time.Second, ""},
	} {
		addr := sntpServer(t, tc.skew, 2)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		r := Checker{SNTP: true, Server: addr, GOOS: "windows"}.Check(ctx)
		cancel()
		if len(r.Errs) > 0 || !r.HaveOffset {
			t.Fatalf("skew %v: %v", tc.skew, r.Errs)
		}
		if d := r.Offset - tc.skew; d > time.Second || d < -time.Second {
			t.Errorf("skew %v: offset %v", tc.skew, r.Offset)
		}
		if got := r.Warning(); !strings.HasPrefix(got, tc.want) || (tc.want == "") != (got == "") {
			t.Errorf("skew %v: warning %q, want %q…", tc.skew, got, tc.want)
		}
	}
}

// An unsynchronised server (stratum 0, a kiss-of-death) is not believed.
func TestSNTPRefusesKissOfDeath(t *testing.T) {
	t.Parallel()
	addr := sntpServer(t, time.Hour, 0)
	_, err := Offset(context.Background(), addr)
	if err == nil || !strings.Contains(err.Error(), "unusable time") {
		t.Fatalf("err = %v", err)
	}
}

func TestSNTPUnreachable(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	r := Checker{SNTP: true, Server: "127.0.0.1:9", GOOS: "darwin"}.Check(ctx)
	if r.HaveOffset || len(r.Errs) != 1 || r.Warning() != "" {
		t.Fatalf("result = %+v", r)
	}
}

func TestWarning(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	for _, tc := range []struct {
		r    Result
		want string
	}{
		{Result{}, ""},
		{Result{Synchronized: &yes}, ""},
		{Result{Synchronized: &no}, "Your clock is not synchronised with a time server"},
		{Result{Synchronized: &no, HaveOffset: true, Offset: time.Second}, ""},
		{Result{Synchronized: &yes, HaveOffset: true, Offset: 11 * time.Second}, "Your clock is 11 s slow"},
		{Result{HaveOffset: true, Offset: -10 * time.Second}, ""},
		{Result{HaveOffset: true, Offset: -150 * time.Second}, "Your clock is 2 minutes fast"},
	} {
		got := tc.r.Warning()
		if !strings.HasPrefix(got, tc.want) || (tc.want == "") != (got == "") {
			t.Errorf("%+v: %q, want %q…", tc.r, got, tc.want)
		}
	}
}

// timedate is a stand-in for systemd-timedated on a private session bus:
// the same name, path and property the checker reads on the system bus.
func timedate(t *testing.T, synced any) func() (*dbus.Conn, error) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
			t.Fatal("no D-Bus session bus: run under .ci/desktop-session")
		}
		t.Skip("no D-Bus session bus (run under .ci/desktop-session)")
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	reply, err := conn.RequestName("org.freedesktop.timedate1", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Skipf("cannot own org.freedesktop.timedate1 on the session bus: %v %v", reply, err)
	}
	_, err = prop.Export(conn, "/org/freedesktop/timedate1", prop.Map{
		"org.freedesktop.timedate1": {"NTPSynchronized": {Value: synced}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return func() (*dbus.Conn, error) { return dbus.ConnectSessionBus() }
}

func TestTimedate(t *testing.T) {
	for _, tc := range []struct {
		value any
		sync  bool
		err   bool
		warn  bool
	}{{false, false, false, true}, {true, true, false, false}, {"yes", false, true, false}} {
		t.Run(fmt.Sprint(tc.value), func(t *testing.T) {
			bus := timedate(t, tc.value)
			r := Checker{SystemBus: bus, GOOS: "linux"}.Check(context.Background())
			switch {
			case tc.err:
				if len(r.Errs) != 1 || !errors.Is(r.Errs[0], ErrNoTimedate) || r.Synchronized != nil {
					t.Errorf("%v: %+v", tc.value, r)
				}
			case r.Synchronized == nil || *r.Synchronized != tc.sync || len(r.Errs) != 0:
				t.Errorf("%v: %+v", tc.value, r)
			}
			if (r.Warning() != "") != tc.warn {
				t.Errorf("%v: warning %q", tc.value, r.Warning())
			}
		})
	}
}

// Without a bus the check says so instead of guessing.
func TestTimedateWithoutBus(t *testing.T) {
	t.Parallel()
	r := Checker{SystemBus: func() (*dbus.Conn, error) { return nil, errors.New("no bus") }, GOOS: "linux"}.Check(context.Background())
	if r.Synchronized != nil || len(r.Errs) != 1 || !errors.Is(r.Errs[0], ErrNoTimedate) || r.Warning() != "" {
		t.Fatalf("%+v", r)
	}
}
