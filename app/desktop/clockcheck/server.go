package clockcheck

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// ErrBadServer is returned by ValidServer for a server that is not
// host[:port].
var ErrBadServer = errors.New("not a time server address")

// ValidServer checks that s names an SNTP server as "host" or "host:port":
// host a DNS name or an IP address (IPv6 in brackets when a port follows),
// port 1 to 65535. The empty string is valid: it means DefaultServer.
func ValidServer(s string) error {
	if s == "" {
		return nil
	}
	host := s
	if strings.HasPrefix(s, "[") || strings.Count(s, ":") == 1 {
		h, port, err := net.SplitHostPort(s)
		if err != nil {
			return fmt.Errorf("%w: %q: write host or host:port", ErrBadServer, s)
		}
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port != strconv.Itoa(n) {
			return fmt.Errorf("%w: %q: the port must be a number from 1 to 65535", ErrBadServer, s)
		}
		host = h
		if (strings.HasPrefix(s, "[") || strings.Contains(host, ":")) && (net.ParseIP(host) == nil || !strings.Contains(host, ":")) {
			return fmt.Errorf("%w: %q: not an IPv6 address", ErrBadServer, s)
		}
	}
	if net.ParseIP(host) != nil {
		return nil
	}
	if !validHostname(host) {
		return fmt.Errorf("%w: %q: not a host name", ErrBadServer, s)
	}
	return nil
}

// validHostname reports whether h is a DNS name: dot-separated labels of
// letters, digits and inner hyphens, each at most 63 bytes, 253 in all.
func validHostname(h string) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
