package platform

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// parseProxies parses Config.TrustedProxies: CIDRs, or single addresses.
func parseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("trusted proxy %q: want a CIDR like 127.0.0.1/32 or 10.0.0.0/8", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// trusted reports whether the address ip is a trusted proxy.
func (s *Server) trusted(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerIP is the IP of r's TCP peer.
func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// clientAddr is the address throttles count r under (see addrOf): the TCP
// peer, or for a request from a trusted proxy the right-most address of
// X-Forwarded-For that is not a trusted proxy itself. Every proxy appends
// the address it saw, so entries left of that are the client's to forge.
func (s *Server) clientAddr(r *http.Request) string {
	ip := peerIP(r)
	if !s.trusted(ip) {
		return addrOf(ip)
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		a, err := netip.ParseAddr(h)
		if err != nil {
			break // garbage: the proxy's own address is all we know
		}
		if !s.trusted(h) {
			return addrOf(a.Unmap().String())
		}
		ip = h
	}
	return addrOf(ip)
}

// addrOf is the key throttles count an IP address under: an IPv4 address
// as it is, an IPv6 address as its /64, the block one host usually holds
// whole (one address per guess would make per-address locks moot).
func addrOf(host string) string {
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return (&net.IPNet{IP: ip.Mask(net.CIDRMask(64, 128)), Mask: net.CIDRMask(64, 128)}).String()
}

// scheme is "https" when r came over TLS, or through a trusted proxy that
// says so in X-Forwarded-Proto; else "http".
func (s *Server) scheme(r *http.Request) string {
	if r.TLS != nil || (s.trusted(peerIP(r)) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")) {
		return "https"
	}
	return "http"
}

// isRemote reports whether r may come from another machine: the server
// listens off loopback, trusts no local request (Config.NoLocalTrust, or
// any trusted proxy: its requests come from loopback too), or r names the
// server by something other than a loopback name or address (an extra
// --host name behind a reverse proxy or a port forward). Loopback
// conveniences (the whole Outbox, the test clock without its token) are
// for requests that are none of these.
func (s *Server) isRemote(r *http.Request) bool {
	s.mu.Lock()
	remote := s.remote
	s.mu.Unlock()
	return remote || s.cfg.NoLocalTrust || len(s.proxies) > 0 || !isLoopbackHost(r.Host)
}

// ClockTokenNeeded reports whether some request needs TestClockToken to
// move the test clock: the platform listens off loopback, answers to an
// extra name, sits behind a trusted proxy or trusts no local request.
func (s *Server) ClockTokenNeeded() bool {
	s.mu.Lock()
	remote := s.remote
	s.mu.Unlock()
	return s.cfg.TestClock && (remote || len(s.cfg.Hosts) > 0 || s.cfg.NoLocalTrust || len(s.proxies) > 0)
}

// anonWrite counts an anonymous write (registration, accepting an
// invitation) against r's client address, refusing it past the hourly
// allowance. Local requests (see isRemote) are a tester's own machine and
// are not counted.
func (s *Server) anonWrite(r *http.Request) error {
	if !s.isRemote(r) {
		return nil
	}
	return s.svc.countAnonWrite(r.Context(), s.clientAddr(r))
}

// isLoopbackHost reports whether the Host header host ("name:port" or
// "name") is localhost or a loopback address.
func isLoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
