package admin

import (
	"container/list"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Limits of the wrong-token throttle.
const (
	// failureLimit wrong tokens from one client within failureWindow
	// block it for firstBlock, doubled at each block in a row up to
	// maxBlock.
	failureLimit  = 10
	failureWindow = time.Minute
	firstBlock    = time.Minute
	maxBlock      = time.Hour
	// maxClients bounds the clients remembered; the one seen least
	// recently is forgotten first.
	maxClients = 4096
	// logEvery is how often one client's wrong token is logged, and how
	// often the count of those not logged is.
	logEvery = time.Minute
)

// throttle makes guessing the admin token slow and keeps the log small:
// it counts wrong tokens per client address, refuses a client that sent
// too many without looking at its token (429 with Retry-After), logs the
// first wrong token of a client per minute and, once a minute, how many
// were not logged. Its memory is bounded (maxClients). It holds its lock
// for memory only: what it logs is logged after.
type throttle struct {
	now func() time.Time
	log *slog.Logger

	mu         sync.Mutex
	clients    map[string]*list.Element // of *client
	lru        list.List                // front: seen last
	suppressed int                      // wrong tokens not logged since since
	since      time.Time
}

// client is what the throttle knows of one address.
type client struct {
	addr         string
	failures     int // wrong tokens since windowStart
	windowStart  time.Time
	blocks       int // blocks in a row, for the doubling
	blockedUntil time.Time
	logged       time.Time // when a wrong token of it was last logged
}

func newThrottle(now func() time.Time, log *slog.Logger) *throttle {
	return &throttle{now: now, log: log, clients: map[string]*list.Element{}}
}

// logLine is a log record decided under the lock and written after.
type logLine struct {
	msg  string
	args []any
}

func (t *throttle) emit(lines []logLine) {
	for _, l := range lines {
		t.log.Warn(l.msg, l.args...)
	}
}

// wait returns how long addr must wait before its token is looked at
// again; 0 when it may send one now. A refused request counts as a wrong
// token not logged.
func (t *throttle) wait(addr string) time.Duration {
	t.mu.Lock()
	var lines []logLine
	defer func() { t.mu.Unlock(); t.emit(lines) }()
	e, ok := t.clients[addr]
	if !ok {
		return 0
	}
	now := t.now()
	c := e.Value.(*client)
	if !now.Before(c.blockedUntil) {
		return 0
	}
	t.suppressed++
	lines = t.summary(now, lines)
	return c.blockedUntil.Sub(now)
}

// failed records a wrong token from addr, asking for path.
func (t *throttle) failed(addr, path string) {
	t.mu.Lock()
	var lines []logLine
	defer func() { t.mu.Unlock(); t.emit(lines) }()
	now := t.now()
	c := t.client(addr)
	if now.Sub(c.windowStart) >= failureWindow {
		c.windowStart, c.failures = now, 0
	}
	if c.blocks > 0 && now.Sub(c.blockedUntil) >= maxBlock {
		c.blocks = 0 // quiet long enough: start over
	}
	c.failures++
	if c.logged.IsZero() || now.Sub(c.logged) >= logEvery {
		c.logged = now
		lines = append(lines, logLine{"admin: wrong token", []any{"remote", addr, "path", path}})
	} else {
		t.suppressed++
	}
	if c.failures >= failureLimit {
		block := min(firstBlock<<c.blocks, maxBlock)
		c.blocks++
		c.blockedUntil, c.failures, c.windowStart = now.Add(block), 0, now
		lines = append(lines, logLine{"admin: too many wrong tokens; refusing the client without looking at its token",
			[]any{"remote", addr, "for", block}})
	}
	lines = t.summary(now, lines)
}

// succeeded forgets addr: it sent the right token.
func (t *throttle) succeeded(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.clients[addr]; ok {
		t.lru.Remove(e)
		delete(t.clients, addr)
	}
}

// client returns addr's record, made the most recently seen, creating it
// (and forgetting the least recently seen beyond maxClients).
func (t *throttle) client(addr string) *client {
	if e, ok := t.clients[addr]; ok {
		t.lru.MoveToFront(e)
		return e.Value.(*client)
	}
	c := &client{addr: addr}
	t.clients[addr] = t.lru.PushFront(c)
	for t.lru.Len() > maxClients {
		last := t.lru.Back()
		t.lru.Remove(last)
		delete(t.clients, last.Value.(*client).addr)
	}
	return c
}

// summary adds the count of wrong tokens not logged, once per logEvery.
func (t *throttle) summary(now time.Time, lines []logLine) []logLine {
	if t.since.IsZero() {
		t.since = now
	}
	if t.suppressed > 0 && now.Sub(t.since) >= logEvery {
		lines = append(lines, logLine{"admin: wrong-token requests not logged one by one",
			[]any{"count", t.suppressed, "since", t.since}})
		t.suppressed, t.since = 0, now
	}
	return lines
}

// clientAddr is the address a request is throttled by: the connection's
// peer, or, when that is a trusted proxy, the nearest address in
// X-Forwarded-For that is not one. An IPv6 client is taken by its /64,
// which one machine usually has whole.
func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap().WithZone("")
	if isTrusted(ip, trusted) {
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break // a forged or broken entry: stop at the last one trusted
			}
			ip = hop.Unmap().WithZone("")
			if !isTrusted(ip, trusted) {
				break
			}
		}
	}
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

func isTrusted(ip netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
