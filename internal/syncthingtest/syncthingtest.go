//go:build unix

// Package syncthingtest runs real Syncthing instances on loopback for
// tests and benchmarks: each with its own home, confined to 127.0.0.1 (no
// discovery, relays, NAT or usage reports), introduced to each other and
// driven through the REST API. The vault/replica convergence test and the
// desktop sync benchmark share it.
package syncthingtest

import (
	"bytes"
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
)

// Need skips t when syncthing is not installed, or fails it when
// AUTHDESK_REQUIRE_DESKTOP=1 (make test installs it).
func Need(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("syncthing"); err != nil {
		if os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
			t.Fatal("syncthing is not installed (apt-get install syncthing)")
		}
		t.Skip("syncthing is not installed (apt-get install syncthing)")
	}
}

// Instance is one Syncthing on loopback, with its own home.
type Instance struct {
	t      testing.TB
	ID     string // device ID
	gui    string // http://127.0.0.1:PORT
	listen string // tcp://127.0.0.1:PORT
	key    string // REST API key
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start generates a home, confines it to loopback and starts Syncthing; it
// is killed when the test ends.
func Start(t testing.TB, name string) *Instance {
	t.Helper()
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
	s := &Instance{t: t, gui: fmt.Sprintf("http://127.0.0.1:%d", freePort(t)),
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
	s.ID = strings.TrimSpace(string(out))
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
		if _, err := s.Call("GET", "/rest/system/ping", nil); err == nil {
			return s
		} else if time.Now().After(deadline) {
			t.Fatalf("syncthing %s did not answer within 30 s: %v", name, err)
		}
	}
}

// Call makes one REST API call and returns the body.
func (s *Instance) Call(method, path string, body any) ([]byte, error) {
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

// Must is Call, failing the test on an error.
func (s *Instance) Must(method, path string, body any) []byte {
	s.t.Helper()
	b, err := s.Call(method, path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	return b
}

// Folder tunes a shared folder.
type Folder struct {
	// WatchDelay is how long Syncthing's folder watcher gathers changes
	// before it scans (fsWatcherDelayS); Syncthing's default is 10 s.
	WatchDelay time.Duration
	// Rescan is the interval of full rescans (rescanIntervalS);
	// Syncthing's default is an hour.
	Rescan time.Duration
}

// Share introduces peer and shares dir with it as folder "authdesk"; dir
// gets the .stfolder marker Syncthing needs.
func (s *Instance) Share(peer *Instance, dir string, f Folder) {
	s.t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, ".stfolder"), 0o700); err != nil {
		s.t.Fatal(err)
	}
	s.Must("POST", "/rest/config/devices", map[string]any{"deviceID": peer.ID, "name": "peer", "addresses": []string{peer.listen}})
	s.Must("POST", "/rest/config/folders", map[string]any{"id": "authdesk", "label": "authdesk", "path": dir, "type": "sendreceive",
		"devices": []map[string]string{{"deviceID": s.ID}, {"deviceID": peer.ID}}, "fsWatcherEnabled": true,
		"fsWatcherDelayS": f.WatchDelay.Seconds(), "rescanIntervalS": int(f.Rescan.Seconds())})
}

// Connected reports whether peer is connected and not paused.
func (s *Instance) Connected(peer *Instance) bool {
	b, err := s.Call("GET", "/rest/system/connections", nil)
	if err != nil {
		return false
	}
	var c struct {
		Connections map[string]struct{ Connected, Paused bool }
	}
	return json.Unmarshal(b, &c) == nil && c.Connections[peer.ID].Connected && !c.Connections[peer.ID].Paused
}

// Pause stops exchanging with peer; Resume starts again.
func (s *Instance) Pause(peer *Instance) { s.Must("POST", "/rest/system/pause?device="+peer.ID, nil) }

// Resume starts exchanging with peer again.
func (s *Instance) Resume(peer *Instance) { s.Must("POST", "/rest/system/resume?device="+peer.ID, nil) }

// Scan scans the shared folder now.
func (s *Instance) Scan() { s.Must("POST", "/rest/db/scan?folder=authdesk", nil) }
