//go:build unix

package replica

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"authdesk/vault"
)

// syncthing is one Syncthing instance on loopback, with its own home.
type syncthing struct {
	t      *testing.T
	id     string // device ID
	gui    string // http://127.0.0.1:PORT
	listen string // tcp://127.0.0.1:PORT
	key    string // REST API key
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startSyncthing generates a home, confines it to loopback (no discovery,
// relays, NAT or usage reports) and starts it.
func startSyncthing(t *testing.T, name string) *syncthing {
	home := filepath.Join(t.TempDir(), name)
	gen := exec.Command("syncthing", "generate", "--home="+home, "--no-default-folder", "--skip-port-probing")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("syncthing generate: %v\n%s", err, out)
	}
	cfgPath := filepath.Join(home, "config.xml")
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	s := &syncthing{t: t, gui: fmt.Sprintf("http://127.0.0.1:%d", freePort(t)),
		listen: fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)), key: "authdesk-test-" + name}
	for re, repl := range map[string]string{
		`<listenAddress>[^<]*</listenAddress>`:                "<listenAddress>" + s.listen + "</listenAddress>",
		`<globalAnnounceEnabled>true</globalAnnounceEnabled>`: "<globalAnnounceEnabled>false</globalAnnounceEnabled>",
		`<localAnnounceEnabled>true</localAnnounceEnabled>`:   "<localAnnounceEnabled>false</localAnnounceEnabled>",
		`<relaysEnabled>true</relaysEnabled>`:                 "<relaysEnabled>false</relaysEnabled>",
		`<natEnabled>true</natEnabled>`:                       "<natEnabled>false</natEnabled>",
		`<urAccepted>[^<]*</urAccepted>`:                      "<urAccepted>-1</urAccepted>",
		`<crashReportingEnabled>true</crashReportingEnabled>`: "<crashReportingEnabled>false</crashReportingEnabled>",
		`<autoUpgradeIntervalH>[0-9]+</autoUpgradeIntervalH>`: "<autoUpgradeIntervalH>0</autoUpgradeIntervalH>",
		`<startBrowser>true</startBrowser>`:                   "<startBrowser>false</startBrowser>",
	} {
		cfg = regexp.MustCompile(re).ReplaceAll(cfg, []byte(repl))
	}
	if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("syncthing", "serve", "--home="+home, "--device-id").Output()
	if err != nil {
		t.Fatalf("syncthing --device-id: %v", err)
	}
	s.id = strings.TrimSpace(string(out))
	cmd := exec.Command("syncthing", "serve", "--home="+home, "--no-browser", "--no-restart", "--no-upgrade",
		"--gui-address="+s.gui, "--gui-apikey="+s.key, "--logfile="+filepath.Join(home, "log.txt"))
	cmd.Env = append(os.Environ(), "STNODEFAULTFOLDER=1", "STNOUPGRADE=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, err := s.call("GET", "/rest/system/ping", nil); err == nil {
			return s
		} else if time.Now().After(deadline) {
			t.Fatalf("syncthing %s did not answer within 30 s: %v", name, err)
		}
	}
}

// call makes one REST API call and returns the body.
func (s *syncthing) call(method, path string, body any) ([]byte, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.gui+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-API-Key", s.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return b, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, b)
	}
	return b, nil
}

func (s *syncthing) must(method, path string, body any) []byte {
	s.t.Helper()
	b, err := s.call(method, path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	return b
}

// share introduces peer and shares dir with it as folder "authdesk".
func (s *syncthing) share(peer *syncthing, dir string) {
	s.must("POST", "/rest/config/devices", map[string]any{"deviceID": peer.id, "name": "peer", "addresses": []string{peer.listen}})
	s.must("POST", "/rest/config/folders", map[string]any{"id": "authdesk", "label": "authdesk", "path": dir, "type": "sendreceive",
		"devices": []map[string]string{{"deviceID": s.id}, {"deviceID": peer.id}}, "fsWatcherEnabled": true,
		"fsWatcherDelayS": 1, "rescanIntervalS": 2})
}

func (s *syncthing) connected(peer *syncthing) bool {
	b, err := s.call("GET", "/rest/system/connections", nil)
	if err != nil {
		return false
	}
	var c struct {
		Connections map[string]struct{ Connected, Paused bool }
	}
	return json.Unmarshal(b, &c) == nil && c.Connections[peer.id].Connected && !c.Connections[peer.id].Paused
}

func (s *syncthing) scan() { s.must("POST", "/rest/db/scan?folder=authdesk", nil) }

// TestTwoSyncthings: two real Syncthing instances on loopback share a
// folder. While they are paused, A adds an account and renames another, B
// deletes a third and stars a fourth; both write their replica. After they
// resume, syncing both sides converges: every edit in both vaults, every
// conflict copy merged and moved aside.
func TestTwoSyncthings(t *testing.T) {
	if _, err := exec.LookPath("syncthing"); err != nil {
		if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
			t.Fatal("syncthing is not installed (apt-get install syncthing)")
		}
		t.Skip("syncthing is not installed (apt-get install syncthing)")
	}
	start := time.Now()
	dirA, dirB := t.TempDir(), t.TempDir()
	for _, d := range []string{dirA, dirB} {
		if err := os.Mkdir(filepath.Join(d, ".stfolder"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	stA, stB := startSyncthing(t, "a"), startSyncthing(t, "b")
	stA.share(stB, dirA)
	stB.share(stA, dirB)

	a := newComputer(t, dirA, "one", "two", "three", "four")
	a.sync()
	waitUntil(t, "the replica to reach B", func() bool {
		f, _ := Find(dirB)
		return len(f) == 1 && stA.connected(stB)
	})
	b := join(t, dirB)

	for _, s := range []struct{ st, peer *syncthing }{{stA, stB}, {stB, stA}} {
		s.st.must("POST", "/rest/system/pause?device="+s.peer.id, nil)
	}
	waitUntil(t, "the devices to pause", func() bool { return !stA.connected(stB) && !stB.connected(stA) })
	if _, err := a.v.Add(account("five")); err != nil {
		t.Fatal(err)
	}
	two := a.find("two")
	two.Name = "two renamed"
	if err := a.v.Update(two); err != nil {
		t.Fatal(err)
	}
	if err := b.v.Remove(b.find("three").ID); err != nil {
		t.Fatal(err)
	}
	if err := b.v.SetFavorite(b.find("four").ID, true); err != nil {
		t.Fatal(err)
	}
	a.sync()
	time.Sleep(10 * time.Millisecond) // distinct modification times
	b.sync()
	stA.scan()
	stB.scan()

	resumed := time.Now()
	for _, s := range []struct{ st, peer *syncthing }{{stA, stB}, {stB, stA}} {
		s.st.must("POST", "/rest/system/resume?device="+s.peer.id, nil)
	}
	moved := 0
	want := "[Example (five) Example (four) Example (one) Example (two renamed)]"
	waitUntil(t, "both vaults to converge", func() bool {
		for _, c := range []*computer{a, b} {
			res, err := Folder{Dir: c.dir}.Sync(c.v)
			if err != nil {
				t.Logf("sync: %v", err)
				return false
			}
			moved += len(res.Moved)
		}
		return fmt.Sprint(names(a.v)) == want && fmt.Sprint(names(b.v)) == want &&
			vault.SameReplica(a.v.Snapshot(), b.v.Snapshot()) && noConflicts(a.dir, a.v.ID()) && noConflicts(b.dir, b.v.ID()) &&
			bytes.Equal(mustRead(t, filepath.Join(a.dir, Name(a.v.ID()))), mustRead(t, filepath.Join(b.dir, Name(b.v.ID()))))
	})
	if !a.find("four").Favorite || !b.find("four").Favorite {
		t.Error("the star was lost")
	}
	if moved == 0 {
		t.Error("Syncthing made no conflict copy, so the test did not test that path")
	}
	t.Logf("converged %v after the resume (%v in all), %d conflict copies moved aside", time.Since(resumed).Round(time.Millisecond), time.Since(start).Round(time.Millisecond), moved)
}

func noConflicts(dir, id string) bool {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if IsConflictCopy(e.Name(), id) {
			return false
		}
	}
	return true
}

// waitUntil polls cond every 200 ms, failing after 60 s (a hang guard).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waited 60 s for %s", what)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
