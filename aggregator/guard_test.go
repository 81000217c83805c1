package aggregator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"wirefeed/config"
	"wirefeed/netguard"
)

// hits counts the requests a feed server path answered.
func hits(h *harness, path, file string) *int {
	var mu sync.Mutex
	n := new(int)
	h.feeds.handle(path, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		*n++
		mu.Unlock()
		http.ServeFile(w, r, "testdata/"+file)
	})
	return n
}

func TestGuardRefusesLoopbackWhenPrivateIsDenied(t *testing.T) {
	h := newHarness(t)
	served := hits(h, "/misc", "feed.json")
	port := h.feeds.Listener.Addr().(*net.TCPAddr).Port
	src, _ := h.cfg.SourceByID("misc")

	strict := New(h.cfg, h.store, Options{Now: func() time.Time { return testNow }, Guard: &netguard.Policy{DenyPrivate: true}})
	rep := strict.Fetch(context.Background(), src)
	want := "aggregator: fetch misc: refused to connect to 127.0.0.1:" + strconv.Itoa(port) + ": 127.0.0.1 is a loopback address"
	if rep.Err == nil || rep.Err.Error() != want || !errors.Is(rep.Err, netguard.ErrRefused) {
		t.Fatalf("fetch with private addresses denied: %v\nwant %s", rep.Err, want)
	}
	if *served != 0 {
		t.Errorf("the refused fetch reached the server %d times", *served)
	}
	// A refusal is a failure like any other: counted, and backed off.
	if st := h.state(t, "misc"); st.Failures != 1 || st.NotBefore == nil || !strings.Contains(st.LastError, "loopback address") {
		t.Errorf("state after a refused fetch: failures %d, not before %v, error %q", st.Failures, st.NotBefore, st.LastError)
	}

	allowed := New(h.cfg, h.store, Options{Now: func() time.Time { return testNow }, Guard: &netguard.Policy{
		DenyPrivate: true, Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
	}})
	if rep := allowed.Fetch(context.Background(), src); rep.Err != nil || rep.New != 3 {
		t.Fatalf("fetch with the loopback allowed: %+v", rep)
	}
	if *served != 1 {
		t.Errorf("server answered %d times, want 1", *served)
	}
}

func TestDefaultGuardIsTheConfigs(t *testing.T) {
	cfg := &config.Config{Fetch: config.Fetch{AllowNetworks: []config.Network{config.Network(netip.MustParsePrefix("10.20.0.0/16"))}}}
	g := guard(cfg, nil)
	if !g.DenyPrivate || len(g.Allow) != 1 || g.Allow[0].String() != "10.20.0.0/16" || g.AllowKey != "fetch.allow_networks" {
		t.Errorf("default guard = %+v", g)
	}
	if g.CheckAddr(netip.MustParseAddr("169.254.169.254")) == nil || g.CheckAddr(netip.MustParseAddr("10.20.0.1")) != nil {
		t.Error("default guard must refuse metadata and allow the listed network")
	}
	if err := g.CheckAddr(netip.MustParseAddr("10.9.0.1")); err == nil ||
		err.Error() != "10.9.0.1 is a private address; list it in fetch.allow_networks to allow it" {
		t.Errorf("default guard on a private address not listed: %v", err)
	}
	given := &netguard.Policy{DenyPrivate: true}
	if g := guard(cfg, given); !g.DenyPrivate || len(g.Allow) != 0 {
		t.Errorf("a given guard is used as it is: %+v", g)
	}
}

// TestConfigGuardRefusesInternalTargets is issue 12's item 4: the guard
// does not depend on the admin API being on. With a config that lists no
// network, every way of reaching this machine or its network is refused,
// naming the key that would allow it; listing the networks lets the same
// fetches through.
func TestConfigGuardRefusesInternalTargets(t *testing.T) {
	const hint = "; list it in fetch.allow_networks to allow it"
	const listed = "allow_networks: [127.0.0.0/8]"
	withAllow := func(allow string) *harness {
		h := newHarnessConfig(t, strings.Replace(testConfig, listed, allow, 1))
		if h.cfg.Admin.Enabled() {
			t.Fatal("the test config must leave the admin API off")
		}
		hits(h, "/misc", "feed.json")
		return h
	}
	port := func(h *harness) string { return strconv.Itoa(h.feeds.Listener.Addr().(*net.TCPAddr).Port) }
	type target struct {
		name string
		url  func(h *harness) string // the source's url
		want string                  // in the refusal
	}
	redirectTo := func(h *harness, to string) string {
		h.feeds.handle("/r", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) })
		return h.feeds.URL + "/r"
	}
	announce := func(h *harness, feed string) string {
		h.feeds.handle("/page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<html><head><link rel="alternate" type="application/feed+json" href="%s"></head></html>`, feed)
		})
		return h.feeds.URL + "/page"
	}
	refused := []target{
		{"loopback", func(h *harness) string { return h.feeds.URL + "/misc" }, "127.0.0.1 is a loopback address" + hint},
		{"private", func(h *harness) string { return "http://10.255.255.1:" + port(h) + "/misc" }, "10.255.255.1 is a private address" + hint},
		{"name of this machine", func(h *harness) string { return "http://localhost:" + port(h) + "/misc" }, "is a loopback address" + hint},
	}
	h := withAllow("allow_networks: []")
	for _, tc := range refused {
		rep := h.agg.Fetch(context.Background(), config.Source{ID: "misc", URL: tc.url(h), Fallback: "other"})
		if rep.Err == nil || !strings.Contains(rep.Err.Error(), tc.want) || !errors.Is(rep.Err, netguard.ErrRefused) {
			t.Errorf("%s: %v\nwant ...%s", tc.name, rep.Err, tc.want)
		}
	}
	// A partner the config allows (127.0.0.1 alone) redirecting, or
	// pointing through its page, to another loopback address.
	h = withAllow("allow_networks: [127.0.0.1/32]")
	elsewhere := "http://127.0.0.2:" + port(h) + "/misc"
	for _, tc := range []target{
		{"redirect", func(h *harness) string { return redirectTo(h, elsewhere) }, "to " + elsewhere + " refused: 127.0.0.2 is a loopback address" + hint},
		{"autodiscovery", func(h *harness) string { return announce(h, elsewhere) }, "discovered feed " + elsewhere + ": refused to connect to 127.0.0.2:" + port(h) + ": 127.0.0.2 is a loopback address" + hint},
	} {
		rep := h.agg.Fetch(context.Background(), config.Source{ID: "misc", URL: tc.url(h), Fallback: "other"})
		if rep.Err == nil || !strings.Contains(rep.Err.Error(), tc.want) || !errors.Is(rep.Err, netguard.ErrRefused) {
			t.Errorf("%s: %v\nwant ...%s", tc.name, rep.Err, tc.want)
		}
	}

	// Listed, the loopback is reachable in each of these ways.
	h = withAllow("allow_networks: [127.0.0.0/8, \"::1\"]")
	for _, tc := range []target{
		refused[0], refused[2],
		{"redirect", func(h *harness) string { return redirectTo(h, h.feeds.URL+"/misc") }, ""},
		{"autodiscovery", func(h *harness) string { return announce(h, h.feeds.URL+"/misc") }, ""},
	} {
		if rep := h.agg.Fetch(context.Background(), config.Source{ID: "misc", URL: tc.url(h), Fallback: "other"}); rep.Err != nil {
			t.Errorf("%s with the loopback listed: %v", tc.name, rep.Err)
		}
	}
}

// TestRedirectToRefusedAddressFailsBeforeConnecting follows a partner's
// redirect to the metadata service (and other refused targets) with the
// default guard: refused by the redirect check, no connection tried.
func TestRedirectToRefusedAddressFailsBeforeConnecting(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct{ to, why string }{
		{"http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local/cloud metadata address"},
		{"http://0xa9fea9fe/latest/meta-data/", "169.254.169.254 is a link-local/cloud metadata address"},
		{"http://[::ffff:169.254.169.254]/", "the IPv4-mapped form of 169.254.169.254"},
		{"http://[fd00:ec2::254]/latest/", "fd00:ec2::254 is a link-local/cloud metadata address"},
		{"ftp://partner.example/feed", `scheme "ftp" is not allowed, only http and https`},
		{"file:///etc/passwd", `scheme "file" is not allowed`},
	} {
		h.feeds.handle("/r", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, tc.to, http.StatusFound) })
		rep := h.agg.Fetch(context.Background(), config.Source{ID: "misc", URL: h.feeds.URL + "/r", Fallback: "other"})
		want := "aggregator: fetch misc: redirect from " + h.feeds.URL + "/r to " + tc.to + " refused: "
		if rep.Err == nil || !strings.HasPrefix(rep.Err.Error(), want) || !strings.Contains(rep.Err.Error(), tc.why) ||
			!errors.Is(rep.Err, netguard.ErrRefused) {
			t.Errorf("redirect to %s: %v\nwant %s...%s", tc.to, rep.Err, want, tc.why)
		}
	}

	// With private addresses denied, a redirect from an allowed partner to
	// the private network is refused just the same, without a connection.
	strict := New(h.cfg, h.store, Options{Guard: &netguard.Policy{
		DenyPrivate: true, Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
	}})
	h.feeds.handle("/r", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://10.0.0.5/admin", http.StatusFound)
	})
	rep := strict.Fetch(context.Background(), config.Source{ID: "misc", URL: h.feeds.URL + "/r", Fallback: "other"})
	if rep.Err == nil || !strings.HasSuffix(rep.Err.Error(), "to http://10.0.0.5/admin refused: 10.0.0.5 is a private address") {
		t.Errorf("redirect to a private address: %v", rep.Err)
	}
}

// fakeDNS returns a resolver that asks a DNS server on the loopback which
// answers A queries for the names in addrs; other names do not exist.
func fakeDNS(t *testing.T, addrs map[string]string) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			var p dnsmessage.Parser
			hdr, err := p.Start(buf[:n])
			if err != nil {
				continue
			}
			q, err := p.Question()
			if err != nil {
				continue
			}
			resp := dnsmessage.Message{
				Header:    dnsmessage.Header{ID: hdr.ID, Response: true, Authoritative: true, RecursionDesired: hdr.RecursionDesired, RecursionAvailable: true},
				Questions: []dnsmessage.Question{q},
			}
			ip, ok := addrs[strings.TrimSuffix(strings.ToLower(q.Name.String()), ".")]
			switch {
			case !ok:
				resp.RCode = dnsmessage.RCodeNameError
			case q.Type == dnsmessage.TypeA:
				resp.Answers = []dnsmessage.Resource{{
					Header: dnsmessage.ResourceHeader{Name: q.Name, Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: 60},
					Body:   &dnsmessage.AResource{A: netip.MustParseAddr(ip).As4()},
				}}
			}
			if out, err := resp.Pack(); err == nil {
				pc.WriteTo(out, from)
			}
		}
	}()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", pc.LocalAddr().String())
	}}
}

// TestNameResolvingToRefusedAddressIsRefusedWhenDialed gives names that
// resolve to the loopback: the dial-time check sees the address, whether
// the name is the source's or a redirect's.
func TestNameResolvingToRefusedAddressIsRefusedWhenDialed(t *testing.T) {
	h := newHarness(t)
	served := hits(h, "/misc", "feed.json")
	port := strconv.Itoa(h.feeds.Listener.Addr().(*net.TCPAddr).Port)
	dns := fakeDNS(t, map[string]string{"partner.test": "127.0.0.1", "rebind.test": "127.0.0.2"})
	use := func(p netguard.Policy) {
		h.agg.fetcher = newFetcher(fetcherOptions{timeout: 5 * time.Second, userAgent: "test", guard: p, resolver: dns})
	}
	src := config.Source{ID: "misc", URL: "http://partner.test:" + port + "/misc", Fallback: "other"}

	use(netguard.Policy{DenyPrivate: true})
	rep := h.agg.Fetch(context.Background(), src)
	if want := "aggregator: fetch misc: refused to connect to 127.0.0.1:" + port + ": 127.0.0.1 is a loopback address"; rep.Err == nil || rep.Err.Error() != want {
		t.Fatalf("name resolving to the loopback: %v\nwant %s", rep.Err, want)
	}
	if *served != 0 {
		t.Fatal("the refused fetch reached the server")
	}

	// Allowing the address lets the same name through: the name was
	// resolved by the fake DNS and its answer dialed.
	use(netguard.Policy{DenyPrivate: true, Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if rep := h.agg.Fetch(context.Background(), src); rep.Err != nil || *served != 1 {
		t.Fatalf("name resolving to an allowed address: %v, served %d", rep.Err, *served)
	}

	// An allowed partner redirecting to a name that resolves to a refused
	// address: the redirect check cannot know, the dial does.
	h.feeds.handle("/r", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://rebind.test:"+port+"/misc", http.StatusFound)
	})
	rep = h.agg.Fetch(context.Background(), config.Source{ID: "misc", URL: h.feeds.URL + "/r", Fallback: "other"})
	want := "aggregator: fetch misc: redirected to http://rebind.test:" + port + "/misc: refused to connect to 127.0.0.2:" + port + ": 127.0.0.2 is a loopback address"
	if rep.Err == nil || rep.Err.Error() != want || !errors.Is(rep.Err, netguard.ErrRefused) {
		t.Errorf("redirect to a name resolving to a refused address: %v\nwant %s", rep.Err, want)
	}
}

// TestProxiedRequestsAreCheckedBeforeTheProxy sends fetches through a
// proxy: the connection goes to the proxy (trusted, although on the
// loopback), so the target is checked, its name resolved, before the
// request is handed over.
func TestProxiedRequestsAreCheckedBeforeTheProxy(t *testing.T) {
	h := newHarness(t)
	var mu sync.Mutex
	var asked []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.String())
		mu.Unlock()
		http.ServeFile(w, r, "testdata/feed.json")
	}))
	defer proxy.Close()
	proxyURL, _ := url.Parse(proxy.URL)
	dns := fakeDNS(t, map[string]string{"partner.test": "93.184.216.34", "intranet.test": "10.0.0.5"})
	h.agg.fetcher = newFetcher(fetcherOptions{
		timeout: 5 * time.Second, userAgent: "test", resolver: dns,
		guard: netguard.Policy{DenyPrivate: true}, proxy: http.ProxyURL(proxyURL),
	})

	rep := h.agg.Fetch(context.Background(), config.Source{ID: "misc", URL: "http://partner.test/feed", Fallback: "other"})
	if rep.Err != nil || rep.New != 3 {
		t.Fatalf("fetch of a public name through the proxy: %+v", rep)
	}
	for _, tc := range []struct{ url, want string }{
		{"http://intranet.test/feed", "not sent through proxy " + proxy.URL + ": intranet.test resolves to 10.0.0.5, a private address"},
		{"http://169.254.169.254/latest/meta-data/", "not sent through proxy " + proxy.URL + ": 169.254.169.254 is a link-local/cloud metadata address"},
		{"http://nowhere.test/feed", "checking nowhere.test: lookup nowhere.test"},
	} {
		rep := h.agg.Fetch(context.Background(), config.Source{ID: "misc", URL: tc.url, Fallback: "other"})
		if rep.Err == nil || !strings.Contains(rep.Err.Error(), tc.want) {
			t.Errorf("%s through the proxy: %v, want %q", tc.url, rep.Err, tc.want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 1 || asked[0] != "http://partner.test/feed" {
		t.Errorf("the proxy was asked for %q, want only the public feed", asked)
	}
}

func TestSameURLIgnoresTheHiddenPassword(t *testing.T) {
	u, _ := url.Parse("http://user:secret@partner.test/feed")
	if !sameURL("http://user:***@partner.test/feed", u) || sameURL("http://user:***@other.test/feed", u) || sameURL("%zz", u) {
		t.Error("sameURL")
	}
}
