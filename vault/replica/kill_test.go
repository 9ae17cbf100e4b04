//go:build unix

package replica

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"authdesk/vault"
)

func TestMain(m *testing.M) {
	if n, err := strconv.Atoi(os.Getenv("AUTHDESK_TEST_SYNC_KILL_AT")); err == nil {
		killedSyncChild(os.Getenv("AUTHDESK_TEST_SYNC_VAULT"), os.Getenv("AUTHDESK_TEST_SYNC_DIR"), n)
		return
	}
	os.Exit(m.Run())
}

// killedSyncChild syncs the vault at path with dir and kills itself
// (SIGKILL, no clean-up) at the n-th rename.
func killedSyncChild(path, dir string, n int) {
	renames := 0
	hook := func(string, string) {
		if renames++; renames == n {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
	}
	v, err := vault.Unlock(path, password, vault.Options{WorkFactor: 10}.WithRenameHook(hook))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	if _, err := (Folder{Dir: dir, BeforeRename: hook}).Sync(v); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Exit(0)
}

// TestKilledAtEveryRename: a sync killed at each of its renames (the local
// vault, the replica, a conflict copy moved aside) leaves the vault and
// the replica openable, and the next sync converges: every edit of every
// side is in both, and the conflict copy is moved aside.
func TestKilledAtEveryRename(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; ; n++ {
		folder := t.TempDir()
		a := newComputer(t, folder, "one", "two")
		a.sync()
		b, c := join(t, folder), join(t, folder)
		if _, err := a.v.Add(account("from a")); err != nil {
			t.Fatal(err)
		}
		if _, err := b.v.Add(account("from b")); err != nil {
			t.Fatal(err)
		}
		if err := c.v.Remove(c.find("two").ID); err != nil {
			t.Fatal(err)
		}
		b.sync() // the replica now has B's account
		cRes, err := Folder{Dir: t.TempDir()}.Sync(c.v)
		if err != nil {
			t.Fatal(err)
		}
		conflict := filepath.Join(folder, Name(a.v.ID())[:len("authdesk-")+32]+".sync-conflict-20260301-101112-CCCCCCC.age")
		if err := os.WriteFile(conflict, mustRead(t, cRes.Replica), 0o600); err != nil {
			t.Fatal(err)
		}
		a.v.Close()

		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), "AUTHDESK_TEST_SYNC_KILL_AT="+strconv.Itoa(n),
			"AUTHDESK_TEST_SYNC_VAULT="+a.v.Path(), "AUTHDESK_TEST_SYNC_DIR="+folder)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		killed := errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL
		if err != nil && !killed {
			t.Fatalf("kill at rename %d: %v\n%s", n, err, out)
		}
		for _, p := range []string{a.v.Path(), filepath.Join(folder, Name(a.v.ID()))} {
			v, err := vault.Unlock(p, password, vault.Options{})
			if err != nil {
				t.Fatalf("killed at rename %d: %s does not open: %v", n, p, err)
			}
			v.Close()
		}
		v, err := vault.Unlock(a.v.Path(), password, opts())
		if err != nil {
			t.Fatal(err)
		}
		again := &computer{t, v, folder}
		again.sync()
		res := again.sync()
		want := []string{"Example (from a)", "Example (from b)", "Example (one)"}
		if got := names(v); fmt.Sprint(got) != fmt.Sprint(want) || !res.Report.Empty() || res.ReplicaWritten {
			t.Fatalf("killed at rename %d: after two syncs %v (want %v), last %+v", n, got, want, res)
		}
		if _, err := os.Lstat(conflict); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("killed at rename %d: the conflict copy is still there", n)
		}
		v.Close()
		if !killed {
			if n < 4 {
				t.Errorf("a sync made only %d renames; want the vault, the replica and the conflict copy", n-1)
			}
			return
		}
	}
}
