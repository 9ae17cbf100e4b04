//go:build darwin || linux || windows

package instance

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// The stream channel (a unix socket on macOS, a named pipe on Windows)
// speaks one line each way: the client writes its action ("activate" or
// "quick"), the server checks that the client is of its own user, acts,
// and answers "ok". Each vault's instance listens on its own endpoint, the
// default vault's also on the well-known one.

// streamTimeout bounds one exchange, so that a silent peer cannot hold
// either side.
const streamTimeout = 5 * time.Second

// errHeld: a live instance holds the endpoint.
var errHeld = errors.New("another Authdesk holds this vault")

// channel is a system's stream transport.
type channel interface {
	// listen claims the endpoint name; errHeld when a live process has it.
	listen(name string) (net.Listener, error)
	dial(name string) (net.Conn, error)
	// sameUser checks that the process at the other end of c is of this
	// user.
	sameUser(c net.Conn) error
	// endpoint names a vault's endpoint ("" for the well-known one).
	endpoint(id string) string
	// vaults lists the per-vault endpoints that exist, live or stale.
	vaults() []string
}

// startStream is Start over a stream channel.
func startStream(ch channel, r Request) (*Server, bool, error) {
	if r.Action == Quick && !r.Explicit && quickStream(ch) {
		return nil, true, nil
	}
	name := ch.endpoint(vaultID(r.Vault))
	for try := range 5 {
		l, err := ch.listen(name)
		if err == nil {
			return serveStream(ch, l, r), false, nil
		}
		if !errors.Is(err, errHeld) {
			return nil, false, err
		}
		if err := sendStream(ch, name, r.Action); err == nil {
			return nil, true, nil
		}
		// The holder is starting (not listening yet) or exiting.
		time.Sleep(time.Duration(50<<try) * time.Millisecond)
	}
	return nil, false, fmt.Errorf("another Authdesk holds %s but does not answer", r.Vault)
}

// quickStream hands --quick to the default vault's instance, else to the
// only one running.
func quickStream(ch channel) bool {
	if sendStream(ch, ch.endpoint(""), Quick) == nil {
		return true
	}
	var live []string
	for _, name := range ch.vaults() {
		if c, err := ch.dial(name); err == nil {
			c.Close()
			live = append(live, name)
		}
	}
	return len(live) == 1 && sendStream(ch, live[0], Quick) == nil
}

// sendStream asks the instance at name to do a, after checking that it is
// of this user (not another user's program squatting the name).
func sendStream(ch channel, name string, a Action) error {
	c, err := ch.dial(name)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := ch.sameUser(c); err != nil {
		return err
	}
	_ = c.SetDeadline(time.Now().Add(streamTimeout))
	if _, err := fmt.Fprintf(c, "%s\n", a); err != nil {
		return fmt.Errorf("send to %s: %w", name, err)
	}
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("no answer from %s: %w", name, err)
	}
	if reply = strings.TrimSpace(reply); reply != "ok" {
		return fmt.Errorf("%s answered %q", name, reply)
	}
	return nil
}

// serveStream answers on l, and for the default vault also on the
// well-known endpoint when no other instance has it.
func serveStream(ch channel, l net.Listener, r Request) *Server {
	s := newServer()
	ls := []net.Listener{l}
	if r.Default {
		if wl, err := ch.listen(ch.endpoint("")); err == nil {
			ls = append(ls, wl)
		}
	}
	for _, l := range ls {
		go acceptStream(ch, l, s)
	}
	s.close = func() {
		for _, l := range ls {
			l.Close()
		}
	}
	return s
}

func acceptStream(ch channel, l net.Listener, s *Server) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go answerStream(ch, c, s)
	}
}

// answerStream reads one request, refusing any of another user.
func answerStream(ch channel, c net.Conn, s *Server) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(streamTimeout))
	if err := ch.sameUser(c); err != nil {
		fmt.Fprintln(c, "denied: Authdesk answers only its own user")
		return
	}
	line, err := bufio.NewReader(io.LimitReader(c, 64)).ReadString('\n')
	if err != nil {
		return
	}
	switch a := Action(strings.TrimSpace(line)); a {
	case Activate, Quick:
		s.deliver(a)
		fmt.Fprintln(c, "ok")
	default:
		fmt.Fprintf(c, "unknown action %q\n", a)
	}
}
