package instance

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// Start claims r's vault, or hands r's action to the instance that holds
// it (handed: this process is done), over named pipes. Without the user's
// SID it claims nothing and returns a nil Server: Authdesk then runs on its
// own.
func Start(r Request) (s *Server, handed bool, err error) {
	sid, err := processSID(windows.CurrentProcess())
	if err != nil {
		return nil, false, nil
	}
	return startStream(&pipeChannel{sid: sid}, r)
}

// pipeChannel is the stream channel over named pipes. Pipe names are
// machine-wide, so each carries the user's SID; each pipe's DACL grants
// only that SID, and both ends check the other's process user, so that
// another user's process can neither call an instance nor pose as one.
type pipeChannel struct {
	sid *windows.SID
}

func (c *pipeChannel) prefix() string { return `\\.\pipe\` + AppID + "." + c.sid.String() }

func (c *pipeChannel) endpoint(id string) string {
	if id == "" {
		return c.prefix()
	}
	return c.prefix() + ".v" + id
}

func (c *pipeChannel) vaults() []string {
	entries, err := os.ReadDir(`\\.\pipe\`)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if name := `\\.\pipe\` + e.Name(); strings.HasPrefix(name, c.prefix()+".v") {
			names = append(names, name)
		}
	}
	return names
}

// listen creates the pipe's first instance (FILE_FLAG_FIRST_PIPE_INSTANCE):
// it fails while another process has the pipe.
func (c *pipeChannel) listen(name string) (net.Listener, error) {
	l, err := winio.ListenPipe(name, &winio.PipeConfig{
		SecurityDescriptor: "D:P(A;;GA;;;" + c.sid.String() + ")",
	})
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_PIPE_BUSY) {
		return nil, errHeld
	}
	if err != nil {
		return nil, fmt.Errorf("instance pipe: %w", err)
	}
	return l, nil
}

func (c *pipeChannel) dial(name string) (net.Conn, error) {
	timeout := streamTimeout
	return winio.DialPipe(name, &timeout)
}

// sameUser checks the user of the process at the pipe's other end: the
// client's for the server, the server's for a client.
func (c *pipeChannel) sameUser(conn net.Conn) error {
	f, ok := conn.(interface{ Fd() uintptr })
	if !ok {
		return errors.New("not a named pipe")
	}
	h := windows.Handle(f.Fd())
	var pid uint32
	if err := windows.GetNamedPipeClientProcessId(h, &pid); err != nil {
		return fmt.Errorf("pipe client: %w", err)
	}
	if pid == uint32(os.Getpid()) {
		// Our own end is the client: check the server.
		if err := windows.GetNamedPipeServerProcessId(h, &pid); err != nil {
			return fmt.Errorf("pipe server: %w", err)
		}
	}
	p, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return fmt.Errorf("the pipe's other process: %w", err)
	}
	defer windows.CloseHandle(p)
	sid, err := processSID(p)
	if err != nil {
		return err
	}
	if !sid.Equals(c.sid) {
		return fmt.Errorf("the other end runs as %s, not this user", sid)
	}
	return nil
}

// processSID is the user SID of process p.
func processSID(p windows.Handle) (*windows.SID, error) {
	var tok windows.Token
	if err := windows.OpenProcessToken(p, windows.TOKEN_QUERY, &tok); err != nil {
		return nil, fmt.Errorf("process token: %w", err)
	}
	defer tok.Close()
	u, err := tok.GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("process user: %w", err)
	}
	return u.User.Sid.Copy()
}
