//go:build darwin || linux

package instance

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// socketChannel is the stream channel over unix sockets in dir, a folder
// only the user can enter (0700); each socket is 0600. A socket's owner
// holds an flock on "<socket>.lock" for as long as it runs, so a socket
// left by a crashed instance (whose lock the system released) is replaced,
// and two instances starting at once cannot both claim it. macOS uses it;
// Linux builds it for its tests.
type socketChannel struct {
	dir string
	uid int
}

// newSocketChannel makes dir (and its parents) if needed, and makes sure
// that it is the user's alone.
func newSocketChannel(dir string) (*socketChannel, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("instance folder: %w", err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return nil, fmt.Errorf("instance folder: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Getuid() {
		return nil, fmt.Errorf("instance folder %s is not a folder of this user", dir)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, fmt.Errorf("instance folder: %w", err)
		}
	}
	return &socketChannel{dir: dir, uid: os.Getuid()}, nil
}

func (c *socketChannel) endpoint(id string) string {
	if id == "" {
		return filepath.Join(c.dir, "default.sock")
	}
	return filepath.Join(c.dir, "v"+id+".sock")
}

func (c *socketChannel) vaults() []string {
	names, _ := filepath.Glob(filepath.Join(c.dir, "v*.sock"))
	return names
}

func (c *socketChannel) dial(name string) (net.Conn, error) {
	return net.DialTimeout("unix", name, streamTimeout)
}

// listen takes name's lock, then replaces whatever is at name (a socket
// its crashed owner left) with a socket of its own.
func (c *socketChannel) listen(name string) (net.Listener, error) {
	lock, err := os.OpenFile(name+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("instance lock: %w", err)
	}
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		lock.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, errHeld
		}
		return nil, fmt.Errorf("instance lock: %w", err)
	}
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		lock.Close()
		return nil, fmt.Errorf("remove the stale socket: %w", err)
	}
	l, err := net.Listen("unix", name)
	if err == nil {
		err = os.Chmod(name, 0o600)
	}
	if err != nil {
		if l != nil {
			l.Close()
		}
		lock.Close()
		return nil, fmt.Errorf("instance socket: %w", err)
	}
	return &lockedListener{Listener: l, lock: lock}, nil
}

// lockedListener releases the lock once its socket is gone.
type lockedListener struct {
	net.Listener
	lock *os.File
}

func (l *lockedListener) Close() error {
	err := l.Listener.Close() // removes the socket file
	l.lock.Close()
	return err
}

// sameUser checks the uid the kernel reports for the socket's other end.
func (c *socketChannel) sameUser(conn net.Conn) error {
	uc, ok := conn.(*net.UnixConn)
	if !ok {
		return errors.New("not a unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return err
	}
	var uid int
	var uerr error
	if err := raw.Control(func(fd uintptr) { uid, uerr = peerUID(int(fd)) }); err != nil {
		return err
	}
	if uerr != nil {
		return fmt.Errorf("peer credentials: %w", uerr)
	}
	if uid != c.uid {
		return fmt.Errorf("the other end is uid %d, not this user (%d)", uid, c.uid)
	}
	return nil
}
