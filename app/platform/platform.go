// Package platform is a small SaaS web application that Authdesk embeds and
// that runs on its own (authdesk-cli platform serve), so testers can walk a
// realistic MFA journey against their authenticator: register a company,
// invite users (mail lands in a local Outbox), sign in, "Secure Your
// Account" with a TOTP QR code, enter codes at later sign-ins, remember a
// device for 30 days, and let an administrator reset someone's MFA.
//
// It behaves like a real platform: Argon2id passwords, TOTP secrets
// encrypted at rest with AES-256-GCM, ±1 step of skew with replay
// protection, lockouts after repeated failures, rotating session IDs, CSRF
// tokens, strict security headers and SQLite storage (WAL) that survives
// restarts. With Config.TestClock the platform's calendar can be moved
// forward (POST /api/test/clock) to reach the 30-day rules without waiting.
//
// The HTML pages and the JSON API under /api share one service.
package platform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"authdesk/app/platform/duration"
)

// DefaultIssuer is the platform's name when Config.Issuer is empty: it is the
// issuer in the otpauth URI and the brand on every page.
const DefaultIssuer = "Authdesk Cloud"

// DefaultReenrolGrace is how long after the 30-day re-enrolment falls due a
// user may still answer "Not now" (after confirming it's them).
const DefaultReenrolGrace = 7 * 24 * time.Hour

// Policy is what the platform asks of authenticators and users, for
// testing authenticators against other configurations than the default.
type Policy struct {
	ReenrolAfter    time.Duration // a confirmed key is due for a refresh this long after its setup
	RememberFor     time.Duration // "Remember this device" lasts this long
	Skew            int           // accepted time steps either side of the current one: 0 to 3
	Digits          int           // code length: 6 or 8
	Algorithm       string        // HMAC hash: SHA1, SHA256 or SHA512
	Period          int           // seconds per code: 30 or 60
	MaxCodeFailures int           // wrong codes before each lock: 1 to 100
}

// DefaultPolicy is what every authenticator app understands, with a key
// refresh and remembered devices every 30 days and a lock every 10 wrong codes.
func DefaultPolicy() Policy {
	return Policy{ReenrolAfter: 30 * 24 * time.Hour, RememberFor: 30 * 24 * time.Hour, Skew: 1, Digits: 6,
		Algorithm: "SHA1", Period: 30, MaxCodeFailures: 10}
}

// Validate reports the first field out of range, in words for a tester.
func (p Policy) Validate() error {
	switch {
	case p.ReenrolAfter < time.Hour || p.ReenrolAfter > 10*365*24*time.Hour:
		return fmt.Errorf("policy: the key refresh interval must be between 1h and 3650d, not %s", duration.Format(p.ReenrolAfter))
	case p.RememberFor < time.Minute || p.RememberFor > 365*24*time.Hour:
		return fmt.Errorf("policy: remembering a device must last between 1m and 365d, not %s", duration.Format(p.RememberFor))
	case p.Skew < 0 || p.Skew > 3:
		return fmt.Errorf("policy: the skew must be 0 to 3 time steps, not %d", p.Skew)
	case p.Digits != 6 && p.Digits != 8:
		return fmt.Errorf("policy: codes must have 6 or 8 digits, not %d", p.Digits)
	case p.Algorithm != "SHA1" && p.Algorithm != "SHA256" && p.Algorithm != "SHA512":
		return fmt.Errorf("policy: the algorithm must be SHA1, SHA256 or SHA512, not %q", p.Algorithm)
	case p.Period != 30 && p.Period != 60:
		return fmt.Errorf("policy: the period must be 30 or 60 seconds, not %d", p.Period)
	case p.MaxCodeFailures < 1 || p.MaxCodeFailures > 100:
		return fmt.Errorf("policy: the wrong codes before a lock must be 1 to 100, not %d", p.MaxCodeFailures)
	}
	return nil
}

// Config configures a platform server.
type Config struct {
	DBPath    string       // SQLite database; the key file is DBPath + ".key". Empty: DefaultDBPath.
	Issuer    string       // platform name; empty: DefaultIssuer
	TestClock bool         // expose /api/test/clock and the Test Clock panel
	Logger    *slog.Logger // nil: discard

	// ReenrolGrace is how long after re-enrolment falls due "Not now" is
	// still offered. Zero: DefaultReenrolGrace; negative: no grace at all.
	ReenrolGrace time.Duration

	// AllowRemote lets Start listen on an address other machines can reach.
	// Off loopback the Outbox shows a signed-in user their own company's
	// mail only, and moving the test clock needs TestClockToken.
	AllowRemote bool

	// Clock is the real time: TOTP codes are checked against it, and the
	// platform's calendar (which --test-clock can move further) starts from
	// it. nil: time.Now. Tests pass a movable clock, so they never wait for
	// a fresh 30-second step.
	Clock func() time.Time

	// Policy is what the platform asks of authenticators and users; nil:
	// DefaultPolicy. GET /api/policy reports it.
	Policy *Policy

	// Hosts are extra Host header values (like "qa.example.test:8080") the
	// platform answers to; a bare name matches it with any port or none.
	// Start always accepts its own address and, on loopback, localhost.
	// Other Host headers are refused (DNS rebinding).
	Hosts []string

	// TrustedProxies are the reverse proxies (CIDRs like "127.0.0.1/32")
	// whose X-Forwarded-For the platform believes: for a request from one
	// of them, the client is the right-most address in the header that is
	// not a trusted proxy. With any set, no request counts as local.
	TrustedProxies []string

	// NoLocalTrust treats loopback like any other address: the Outbox is
	// scoped to the signed-in user and the test clock needs its token.
	NoLocalTrust bool

	// PasswordHash is the Argon2id cost of the password hashes the platform
	// makes; zero: DefaultHashCost. Hashes already stored keep their own.
	PasswordHash HashCost
}

// HashCost is an Argon2id cost: memory in KiB and passes, on one lane.
type HashCost struct {
	MemoryKiB  uint32
	Iterations uint32
}

// DefaultHashCost is OWASP's minimum recommendation for Argon2id: m=19 MiB,
// t=2, p=1.
var DefaultHashCost = HashCost{MemoryKiB: 19 * 1024, Iterations: 2}

// ThrowawayHashCost is for a platform whose database lives for one run and
// whose users the run made up, with random passwords: the CLI's embedded
// journey, the workbench's private platform, and tests. A stolen database
// of it holds nothing worth the memory-hard cost, which is most of a
// scenario's time (and, under the race detector, most of a test's).
var ThrowawayHashCost = HashCost{MemoryKiB: 64, Iterations: 1}

// params checks c against the limits on stored hashes; zero is the default.
func (c HashCost) params() (argonParams, error) {
	if c == (HashCost{}) {
		c = DefaultHashCost
	}
	if c.MemoryKiB < 8 || c.MemoryKiB > maxArgonMemKiB || c.Iterations < 1 || c.Iterations > maxArgonTime {
		return argonParams{}, fmt.Errorf("password hash cost m=%d KiB, t=%d: want 8 to %d KiB and 1 to %d passes",
			c.MemoryKiB, c.Iterations, maxArgonMemKiB, maxArgonTime)
	}
	return argonParams{memKiB: c.MemoryKiB, time: c.Iterations, threads: 1}, nil
}

// options are test hooks that Config does not expose.
type options struct {
	hashWorkers int // concurrent Argon2id computations; 0: NumCPU
	hashQueue   int // requests waiting to hash; 0: hashQueueMax
}

// Server is a running (or ready) platform.
type Server struct {
	cfg     Config
	log     *slog.Logger
	svc     *service
	clock   *clock
	handler http.Handler
	pages   *pages

	mu      sync.Mutex
	srv     *http.Server
	baseURL string
	hosts   map[string]bool // accepted Host headers once started
	remote  bool            // listening off loopback
	done    chan struct{}
	closed  bool

	clockToken string         // X-Test-Clock-Token, needed off loopback
	proxies    []netip.Prefix // Config.TrustedProxies, parsed
}

// New opens (or creates) the database and builds the server. Call Start to
// listen, or mount Handler yourself.
func New(cfg Config) (*Server, error) { return newServer(cfg, options{}) }

func newServer(cfg Config, opt options) (*Server, error) {
	if cfg.Issuer == "" {
		cfg.Issuer = DefaultIssuer
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if _, err := checkName("issuer", cfg.Issuer); err != nil {
		return nil, fmt.Errorf("platform issuer: %w", err)
	}
	if cfg.DBPath == "" {
		p, err := DefaultDBPath(os.Getenv)
		if err != nil {
			return nil, err
		}
		cfg.DBPath = p
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	ap, err := cfg.PasswordHash.params()
	if err != nil {
		return nil, err
	}
	pol := DefaultPolicy()
	if cfg.Policy != nil {
		pol = *cfg.Policy
	}
	if err := pol.Validate(); err != nil {
		return nil, err
	}
	grace := cfg.ReenrolGrace
	if grace == 0 {
		grace = DefaultReenrolGrace
	} else if grace < 0 {
		grace = 0
	}
	proxies, err := parseProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	if opt.hashWorkers == 0 {
		opt.hashWorkers = runtime.NumCPU()
	}
	ctx := context.Background()
	db, err := openStore(ctx, cfg.DBPath)
	if err != nil {
		return nil, err
	}
	k, err := loadKeys(cfg.DBPath + ".key")
	if err != nil {
		db.close()
		return nil, err
	}
	c := &clock{base: cfg.Clock}
	if cfg.TestClock {
		v, err := db.loadSetting(ctx, "test_clock_offset_ns")
		if err != nil {
			db.close()
			return nil, err
		}
		if v != "" {
			off, err := strconv.ParseInt(v, 10, 64)
			if err != nil || off < 0 || time.Duration(off) > maxAdvance {
				db.close()
				return nil, fmt.Errorf("database holds a bad test clock offset %q", v)
			}
			c.offset = time.Duration(off)
		}
		c.save = func(d time.Duration) error {
			return db.saveSetting(context.Background(), "test_clock_offset_ns", strconv.FormatInt(int64(d), 10))
		}
	}
	s := &Server{
		cfg:   cfg,
		log:   cfg.Logger,
		clock: c,
		svc: &service{store: db, keys: k, hash: newHasher(ap, opt.hashWorkers, opt.hashQueue), issuer: cfg.Issuer,
			now: c.Now, codeNow: cfg.Clock, grace: grace, policy: pol, maxFailures: int64(pol.MaxCodeFailures), sleep: sleepCtx,
			totp: totpParams{alg: pol.Algorithm, digits: pol.Digits, period: int64(pol.Period), skew: int64(pol.Skew)}},
		done:    make(chan struct{}),
		proxies: proxies,
	}
	if cfg.TestClock {
		s.clockToken = randomToken(24)
	}
	p, err := newPages(s)
	if err != nil {
		db.close()
		return nil, err
	}
	s.pages = p
	s.handler = s.routes()
	go s.sweepLoop()
	return s, nil
}

// TestClockToken is the secret that moving the test clock needs when the
// platform listens off loopback (header X-Test-Clock-Token); "" without
// Config.TestClock. platform serve prints it at start.
func (s *Server) TestClockToken() string { return s.clockToken }

// Handler returns the platform's HTTP handler (pages and API).
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on addr (default "127.0.0.1:0") and serves in the
// background. It returns the base URL, like "http://127.0.0.1:43125".
func (s *Server) Start(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", errors.New("start platform: server is closed")
	}
	if s.srv != nil {
		return "", errors.New("start platform: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("start platform: %w", err)
	}
	ta := ln.Addr().(*net.TCPAddr)
	if !ta.IP.IsLoopback() && !s.cfg.AllowRemote {
		ln.Close()
		return "", fmt.Errorf("start platform: %s is reachable from other machines; listen on 127.0.0.1 or pass --allow-remote (Config.AllowRemote)", addr)
	}
	host := ta.IP.String()
	if ta.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	s.baseURL = "http://" + net.JoinHostPort(host, strconv.Itoa(ta.Port))
	s.remote = !ta.IP.IsLoopback()
	// Refuse other Host headers on every address: a DNS-rebinding page
	// cannot reach us.
	s.hosts = allowedHosts(ta, s.cfg.Hosts)
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	srv := s.srv
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("platform server stopped", "err", err)
		}
	}()
	s.log.Info("platform listening", "url", s.baseURL)
	return s.baseURL, nil
}

// URL returns the base URL after Start, else "".
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// Shutdown stops accepting connections and waits (up to ctx) for requests
// in flight, then closes the database.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	srv := s.srv
	s.mu.Unlock()
	close(s.done)
	var err error
	if srv != nil {
		if e := srv.Shutdown(ctx); e != nil {
			err = fmt.Errorf("stop platform: %w", e)
			srv.Close()
		}
	}
	if e := s.svc.close(); e != nil && err == nil {
		err = fmt.Errorf("close platform database: %w", e)
	}
	return err
}

// Close stops the server, giving requests in flight five seconds.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.Shutdown(ctx)
}

func (s *Server) sweepLoop() {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			if err := s.svc.sweep(context.Background()); err != nil {
				s.log.Warn("sweep expired sessions", "err", err)
			}
		}
	}
}

// baseURLFor is the platform's address as the client sees it, for links
// in mail. Off loopback that is the request's Host, which the middleware
// checked against the allow-list: the listening address may be 0.0.0.0
// (shown as 127.0.0.1), or a proxy's name may stand in front.
func (s *Server) baseURLFor(r *http.Request) string {
	if u := s.URL(); u != "" && !s.isRemote(r) {
		return u
	}
	return s.scheme(r) + "://" + r.Host
}

// hostAllowed reports whether the Host header host is one the server
// answers to: listed as it is, or a bare name listed without a port.
func hostAllowed(hosts map[string]bool, host string) bool {
	if hosts == nil {
		return true
	}
	host = strings.ToLower(host)
	if hosts[host] {
		return true
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return hosts[bareHost(host)]
}

// bareHost is the map key of a name listed without a port; no Host
// header value looks like it.
func bareHost(name string) string { return "bare:" + name }

// allowedHosts lists the Host headers a server listening on ta answers to:
// its own address (every interface's for a wildcard address), localhost on
// loopback, and the configured extra names.
func allowedHosts(ta *net.TCPAddr, extra []string) map[string]bool {
	port := strconv.Itoa(ta.Port)
	hosts := map[string]bool{}
	add := func(ip net.IP) { hosts[strings.ToLower(net.JoinHostPort(ip.String(), port))] = true }
	add(ta.IP)
	if ta.IP.IsLoopback() || ta.IP.IsUnspecified() {
		hosts["localhost:"+port] = true
		add(net.IPv4(127, 0, 0, 1))
		add(net.IPv6loopback)
	}
	if ta.IP.IsUnspecified() {
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if n, ok := a.(*net.IPNet); ok {
					add(n.IP)
				}
			}
		}
	}
	for _, h := range extra {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(h); err != nil {
			// A bare name: behind a proxy on port 443 or 80 the browser
			// sends it without a port, and the proxy's port is not ours.
			name := strings.Trim(h, "[]")
			hosts[bareHost(name)] = true
			h = net.JoinHostPort(name, port)
		}
		hosts[h] = true
	}
	return hosts
}
