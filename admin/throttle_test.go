package admin

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"wirefeed/config"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// throttled is an admin API on a fake clock whose log is kept.
type throttled struct {
	api   *Server
	clock *fakeClock
	log   *bytes.Buffer
}

func newThrottled(t *testing.T) *throttled {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(path, []byte(startConfig), 0o644)
	d := &fakeDaemon{path: path}
	if err := d.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	th := &throttled{clock: &fakeClock{now: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)}, log: &bytes.Buffer{}}
	th.api = New(Options{Token: token, ConfigPath: path, Backend: d, Now: th.clock.Now,
		Log: slog.New(slog.NewTextHandler(th.log, nil))})
	return th
}

// call sends GET /admin/sources from remote with tok and returns the
// response.
func (th *throttled) call(remote, tok string, header ...string) *http.Response {
	r := httptest.NewRequest("GET", "/admin/sources", nil)
	r.RemoteAddr = remote
	if tok != "" {
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	th.api.ServeHTTP(w, r)
	return w.Result()
}

func (th *throttled) logLines(substr string) int {
	return strings.Count(th.log.String(), substr)
}

// TestWrongTokensAreThrottled is issue 12's item 6: after failureLimit
// wrong tokens a client gets 429 with Retry-After, its token not looked
// at, for a time that doubles while it goes on; other clients are not
// affected, and the right token clears the record.
func TestWrongTokensAreThrottled(t *testing.T) {
	th := newThrottled(t)
	const attacker, admin = "192.0.2.7:40000", "198.51.100.9:40000"
	for i := range failureLimit {
		if code := th.call(attacker, fmt.Sprintf("guess-%02d-0123456789", i)).StatusCode; code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d, want 401", i, code)
		}
	}
	resp := th.call(attacker, token) // right, but not looked at
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "60" {
		t.Fatalf("after %d wrong tokens: %d, Retry-After %q; want 429, 60", failureLimit, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if code := th.call(admin, token).StatusCode; code != http.StatusOK {
		t.Errorf("another client with the right token: %d", code)
	}
	th.clock.Advance(30 * time.Second)
	if got := th.call(attacker, "").Header.Get("Retry-After"); got != "30" {
		t.Errorf("Retry-After half-way: %q, want 30", got)
	}

	// Still guessing after the block: the next one is twice as long.
	th.clock.Advance(30 * time.Second)
	for i := range failureLimit {
		th.call(attacker, fmt.Sprintf("again-%02d-0123456789", i))
	}
	if got := th.call(attacker, token).Header.Get("Retry-After"); got != "120" {
		t.Errorf("second block: Retry-After %q, want 120", got)
	}

	// The right token once the block is over clears the record.
	th.clock.Advance(2 * time.Minute)
	if code := th.call(attacker, token).StatusCode; code != http.StatusOK {
		t.Fatalf("right token after the block: %d", code)
	}
	for i := range failureLimit - 1 {
		th.call(attacker, fmt.Sprintf("later-%02d-0123456789", i))
	}
	if code := th.call(attacker, token).StatusCode; code != http.StatusOK {
		t.Errorf("the right token must clear earlier failures: %d", code)
	}
}

// TestWrongTokenLogIsSampled floods the API with wrong tokens: the log
// has the first of the client's and its block, then one count a minute of
// those not logged.
func TestWrongTokenLogIsSampled(t *testing.T) {
	th := newThrottled(t)
	for i := range 1000 {
		th.call("192.0.2.7:1234", fmt.Sprintf("guess-%04d-0123456789", i))
	}
	if n := strings.Count(th.log.String(), "\n"); n != 2 || th.logLines("admin: wrong token") != 1 || th.logLines("refusing the client") != 1 {
		t.Fatalf("log after 1000 wrong tokens at once (%d lines):\n%s", n, th.log)
	}
	th.clock.Advance(61 * time.Second)
	th.call("192.0.2.7:1234", "one-more-guess-0123456789")
	if !strings.Contains(th.log.String(), `msg="admin: wrong-token requests not logged one by one" count=999`) ||
		th.logLines(`msg="admin: wrong token"`) != 2 {
		t.Errorf("log a minute later:\n%s", th.log)
	}
}

func TestThrottleMemoryIsBounded(t *testing.T) {
	th := newThrottled(t)
	for i := range maxClients + 500 {
		th.call(fmt.Sprintf("10.%d.%d.%d:1", i>>16&255, i>>8&255, i&255), "wrong-token-0123456789")
	}
	th.api.throttle.mu.Lock()
	n, l := len(th.api.throttle.clients), th.api.throttle.lru.Len()
	th.api.throttle.mu.Unlock()
	if n != maxClients || l != maxClients {
		t.Errorf("throttle remembers %d clients (list %d), want at most %d", n, l, maxClients)
	}
}

func TestClientAddress(t *testing.T) {
	proxy := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, tc := range []struct {
		remote, xff string
		trusted     []netip.Prefix
		want        string
	}{
		{"192.0.2.7:1", "", nil, "192.0.2.7"},
		{"192.0.2.7:1", "203.0.113.5", nil, "192.0.2.7"},                            // not configured: ignored
		{"192.0.2.7:1", "203.0.113.5", proxy, "192.0.2.7"},                          // not from the proxy: ignored
		{"10.1.2.3:1", "203.0.113.5", proxy, "203.0.113.5"},                         // from the proxy
		{"10.1.2.3:1", "198.51.100.1, 203.0.113.5, 10.9.9.9", proxy, "203.0.113.5"}, // the nearest untrusted hop
		{"10.1.2.3:1", "", proxy, "10.1.2.3"},
		{"10.1.2.3:1", "junk", proxy, "10.1.2.3"},
		{"[2001:db8:1:2:3:4:5:6]:1", "", nil, "2001:db8:1:2::/64"},
		{"[::ffff:192.0.2.7]:1", "", nil, "192.0.2.7"},
	} {
		r := httptest.NewRequest("GET", "/admin/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := clientAddr(r, tc.trusted); got != tc.want {
			t.Errorf("client of %s (X-Forwarded-For %q, trusted %v) = %s, want %s", tc.remote, tc.xff, tc.trusted, got, tc.want)
		}
	}
	// Configured through the config, a proxy's clients are told apart.
	th := newThrottled(t)
	th.api.Configure(config.Admin{Token: token, TrustedProxies: []config.Network{config.Network(proxy[0])}})
	for i := range failureLimit {
		th.call("10.0.0.1:1", fmt.Sprintf("guess-%02d-0123456789", i), "X-Forwarded-For", "203.0.113.5")
	}
	if code := th.call("10.0.0.1:1", token, "X-Forwarded-For", "203.0.113.6").StatusCode; code != http.StatusOK {
		t.Errorf("another client behind the same proxy: %d", code)
	}
	if code := th.call("10.0.0.1:1", token, "X-Forwarded-For", "203.0.113.5").StatusCode; code != http.StatusTooManyRequests {
		t.Errorf("the guessing client behind the proxy: %d", code)
	}
}
