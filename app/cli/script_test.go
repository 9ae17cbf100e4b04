//go:build !front

package cli

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain makes the test binary double as authdesk-cli for the scripts in
// testdata/script. It also lowers the scrypt work factor: testWorkFactor is
// an unexported variable that only this test binary sets, so the release
// binary cannot be talked into a weak KDF.
func TestMain(m *testing.M) {
	testWorkFactor = 10
	testscript.Main(m, map[string]func(){
		"authdesk-cli": func() {
			os.Exit(Main(os.Args[1:], &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
		},
		// authdesk-cli-exit N ARGS... runs authdesk-cli ARGS and succeeds
		// only if it exits with status N, so scripts can pin exit codes.
		"authdesk-cli-exit": func() {
			if len(os.Args) < 2 {
				fmt.Fprintln(os.Stderr, "usage: authdesk-cli-exit N ARGS...")
				os.Exit(99)
			}
			want, _ := strconv.Atoi(os.Args[1])
			got := Main(os.Args[2:], &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
			if got != want {
				fmt.Fprintf(os.Stderr, "authdesk-cli exited with status %d, want %d\n", got, want)
				os.Exit(98)
			}
			os.Exit(0)
		},
	})
}

// TestScripts runs testdata/script/*.txtar. By default the scripts see no
// keychain (the session bus address points nowhere), so they behave the same
// on any machine; scripts that want the real keyring run
// "env DBUS_SESSION_BUS_ADDRESS=$REAL_DBUS" under the [keychain] condition,
// which holds inside .ci/desktop-session.
func TestScripts(t *testing.T) {
	realBus := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if realBus == "" && os.Getenv("AUTHDESK_REQUIRE_DESKTOP") == "1" {
		t.Fatal("no D-Bus session bus but AUTHDESK_REQUIRE_DESKTOP=1: run under .ci/desktop-session")
	}
	fixtures, err := filepath.Abs(filepath.Join("..", "..", "vault", "transfer", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	followFixtures, err := filepath.Abs(filepath.Join("..", "..", "vault", "follow", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("AUTHDESK_VAULT", filepath.Join(e.WorkDir, "vault.age"))
			e.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(e.WorkDir, "no-bus"))
			e.Setenv("REAL_DBUS", realBus)
			// The export files of other authenticators, written by
			// vault/transfer/internal/cmd/genfixtures.
			e.Setenv("FIXTURES", fixtures)
			// Phone backups, written by vault/follow's fixture generators.
			e.Setenv("FOLLOW_FIXTURES", followFixtures)
			// A race-enabled binary sleeps a second at exit by default;
			// the scripts start it hundreds of times.
			e.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "keychain":
				return realBus != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// truncate SIZE FILE cuts FILE to SIZE bytes.
			"truncate": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 || neg {
					ts.Fatalf("usage: truncate SIZE FILE")
				}
				n, err := strconv.ParseInt(args[0], 10, 64)
				ts.Check(err)
				ts.Check(os.Truncate(ts.MkAbs(args[1]), n))
			},
			// randfile SIZE FILE writes SIZE bytes of seeded pseudo-random
			// data: random-looking, the same on every run.
			"randfile": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 || neg {
					ts.Fatalf("usage: randfile SIZE FILE")
				}
				n, err := strconv.Atoi(args[0])
				ts.Check(err)
				r := rand.New(rand.NewPCG(uint64(n), 1))
				b := make([]byte, n)
				for i := range b {
					b[i] = byte(r.Uint32())
				}
				ts.Check(os.WriteFile(ts.MkAbs(args[1]), b, 0o600))
			},
			// mark PATH remembers the state of PATH (a file's content, a
			// folder's names, sizes and times) for waitchange.
			"mark": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 || neg {
					ts.Fatalf("usage: mark PATH")
				}
				ts.Setenv("MARK_"+args[0], pathState(ts.MkAbs(args[0])))
			},
			// waitchange PATH waits (30 s at most) until PATH, which a
			// background command writes, differs from its mark.
			"waitchange": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 || neg {
					ts.Fatalf("usage: waitchange PATH")
				}
				for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
					if pathState(ts.MkAbs(args[0])) != ts.Getenv("MARK_"+args[0]) {
						return
					}
				}
				ts.Fatalf("%s did not change within 30 s", args[0])
			},
			// mode PERM PATH: the file or directory has exactly mode PERM (octal).
			"mode": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: mode PERM PATH")
				}
				want, err := strconv.ParseUint(args[0], 8, 32)
				ts.Check(err)
				fi, err := os.Stat(ts.MkAbs(args[1]))
				ts.Check(err)
				if got := fi.Mode().Perm(); (got == os.FileMode(want)) == neg {
					ts.Fatalf("%s has mode %#o, want %s%#o", args[1], got, map[bool]string{true: "not ", false: ""}[neg], want)
				}
			},
		},
	})
}

// pathState is a digest of a file's content or a folder's entries.
func pathState(p string) string {
	h := sha256.New()
	if ents, err := os.ReadDir(p); err == nil {
		for _, e := range ents {
			if fi, err := e.Info(); err == nil {
				fmt.Fprintf(h, "%s %d %d\n", e.Name(), fi.Size(), fi.ModTime().UnixNano())
			}
		}
	} else if b, err := os.ReadFile(p); err == nil {
		h.Write(b)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}
