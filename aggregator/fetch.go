package aggregator

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"wirefeed/netguard"
)

// DefaultMaxBody bounds the size of one fetched feed when the config gives
// no fetch.max_body.
const DefaultMaxBody = 10 << 20

// maxRedirects is how many redirects one fetch follows, as http.Client does
// by default.
const maxRedirects = 10

// fetcher does the HTTP side of a pull: conditional requests, gzip decoding
// of its own (so that the size limit counts decompressed bytes) and clear
// errors for redirect loops and oversized bodies. The whole fetch, body
// included, is bounded by the caller's context. Every connection it makes
// is checked by its address guard.
type fetcher struct {
	client    *http.Client
	userAgent string
	guard     netguard.Policy
	resolver  netguard.Resolver
	proxy     func(*http.Request) (*url.URL, error)
	// proxies holds the "host:port" of every proxy the environment named
	// so far: the operator's own, dialed without the guard (see proxyFor).
	proxies sync.Map
}

// fetcherOptions configure a fetcher; the zero guard and nil resolver and
// proxy are the defaults.
type fetcherOptions struct {
	// timeout bounds connect, TLS handshake and response header waits
	// (connect and TLS by at most 10s).
	timeout   time.Duration
	userAgent string
	// guard decides which addresses may be connected to.
	guard netguard.Policy
	// resolver resolves host names, both for dialing and for checking a
	// request sent through a proxy (default: the system's).
	resolver *net.Resolver
	// proxy picks a request's proxy (default http.ProxyFromEnvironment).
	proxy func(*http.Request) (*url.URL, error)
}

// newFetcher returns a fetcher configured by o.
func newFetcher(o fetcherOptions) *fetcher {
	f := &fetcher{userAgent: o.userAgent, guard: o.guard, proxy: o.proxy, resolver: net.DefaultResolver}
	if o.resolver != nil {
		f.resolver = o.resolver
	}
	if f.proxy == nil {
		f.proxy = http.ProxyFromEnvironment
	}
	dialTimeout := min(o.timeout, 10*time.Second)
	// Control sees the address of every connection, after name
	// resolution: each redirect hop and each DNS answer, as dialed.
	guarded := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second, Resolver: o.resolver, Control: o.guard.Control}
	direct := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second, Resolver: o.resolver}
	transport := &http.Transport{
		Proxy: f.proxyFor,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if _, ok := f.proxies.Load(addr); ok {
				return direct.DialContext(ctx, network, addr)
			}
			return guarded.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:   dialTimeout,
		ResponseHeaderTimeout: o.timeout,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
		// We ask for gzip and decode it ourselves, under the size limit.
		DisableCompression: true,
	}
	f.client = &http.Client{Transport: authTransport{next: transport}, CheckRedirect: f.checkRedirect}
	return f
}

// proxyFor returns the proxy the environment (HTTP_PROXY, HTTPS_PROXY,
// NO_PROXY) names for req, if any. A proxied request's connection goes to
// the proxy, so the dial-time check never sees where the request goes:
// its target is checked here instead, host name resolved, before it is
// handed over. The proxy itself is the operator's choice and is trusted.
// (The proxy resolves the name again; a name that changes its answer in
// between is for the proxy's own rules to stop.)
func (f *fetcher) proxyFor(req *http.Request) (*url.URL, error) {
	proxy, err := f.proxy(req)
	if err != nil || proxy == nil {
		return proxy, err
	}
	if err := f.guard.CheckURL(req.Context(), req.URL.String(), f.resolver); err != nil {
		return nil, fmt.Errorf("not sent through proxy %s: %w", proxy.Redacted(), err)
	}
	port := proxy.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[proxy.Scheme]
	}
	f.proxies.Store(net.JoinHostPort(proxy.Hostname(), port), true)
	return proxy, nil
}

// checkRedirect stops a redirect loop at the first URL visited twice (there
// is no cookie jar, so a loop never ends), any chain at maxRedirects, and
// a redirect the guard refuses by its URL alone (another scheme than
// http(s), a refused address written in the URL). A redirect to a host
// name is checked when it is dialed.
func (f *fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	from := via[len(via)-1].URL
	if err := f.guard.CheckTarget(req.URL); err != nil {
		if ue, ok := err.(*netguard.URLError); ok {
			ue.URL = "" // named below
		}
		return fmt.Errorf("redirect from %s to %s refused: %w", from.Redacted(), req.URL.Redacted(), err)
	}
	for _, prev := range via {
		if prev.URL.String() == req.URL.String() {
			return fmt.Errorf("redirect loop: %s redirects back to %s", from, req.URL)
		}
	}
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	return nil
}

// request is one fetch: where, the validators of the copy we hold, the
// size limit and the source's credentials (nil: none).
type request struct {
	url          string
	etag         string
	lastModified string
	maxBody      int64
	auth         *credentials
}

// response is a fetched document, or a 304.
type response struct {
	status int
	// moved is set when every redirect on the way was permanent (301,
	// 308): url is the resource's new address.
	moved bool
	// url is where the response came from, after redirects, without the
	// query parameter the credentials add.
	url    string
	header http.Header
	// body is the decompressed body; nil on a 304. Its array comes from
	// bodyBuffers and goes back there on release.
	body []byte
}

func (r response) notModified() bool { return r.status == http.StatusNotModified }

// release returns the body's buffer to the pool; body must not be used
// afterwards.
func (r *response) release() {
	if r.body != nil && cap(r.body) <= maxPooledBody {
		b := r.body[:0]
		bodyBuffers.Put(&b)
	}
	r.body = nil
}

// bodyBuffers holds buffers for response bodies: re-polling a thousand
// feeds that did not change then allocates nothing per body.
var bodyBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBody is the largest buffer kept in the pool.
const maxPooledBody = 1 << 20

// get fetches req. A status other than 200 or 304 is an error; the status,
// final URL and header are returned with it when a response arrived.
func (f *fetcher) get(ctx context.Context, r request) (response, error) {
	req, err := http.NewRequestWithContext(withCredentials(ctx, r.auth), http.MethodGet, r.url, nil)
	if err != nil {
		return response{}, fmt.Errorf("bad request: %w", err)
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
	req.Header.Set("Accept-Encoding", "gzip")
	conditional := r.etag != "" || r.lastModified != ""
	if r.etag != "" {
		req.Header.Set("If-None-Match", r.etag)
	}
	if r.lastModified != "" {
		req.Header.Set("If-Modified-Since", r.lastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		// The caller names the source; the *url.Error's URL would only
		// repeat it, or name a relative redirect target.
		ue, ok := err.(*url.Error)
		if !ok {
			return response{}, err
		}
		err = ue.Err
		// "dial tcp 10.0.0.5:80: refused to connect to 10.0.0.5:80 (...)"
		// says it twice; name the redirect target it was for instead.
		var refused *netguard.RefusedError
		if errors.As(err, &refused) && refused.Dial != "" {
			err = refused
			if !sameURL(ue.URL, req.URL) {
				err = fmt.Errorf("redirected to %s: %w", ue.URL, refused)
			}
		}
		return response{}, err
	}
	defer resp.Body.Close()
	out := response{status: resp.StatusCode, url: r.auth.scrub(resp.Request.URL.String()), header: resp.Header, moved: movedPermanently(resp)}
	switch {
	case resp.StatusCode == http.StatusNotModified && conditional:
		return out, nil
	case resp.StatusCode != http.StatusOK:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return out, fmt.Errorf("status %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	buf := bodyBuffers.Get().(*[]byte)
	out.body, err = readBody(*buf, resp, r.maxBody)
	if err != nil {
		out.release()
		return out, err
	}
	return out, nil
}

// sameURL reports whether a *url.Error's URL (its password hidden) is u.
func sameURL(errURL string, u *url.URL) bool {
	e, err := url.Parse(errURL)
	if err != nil {
		return false
	}
	plain := *u
	e.User, plain.User = nil, nil
	return e.String() == plain.String()
}

// readBody reads a 200 response's body into buf, gunzipping it if needed,
// failing once more than limit bytes come out. The compressed bytes are
// held to the same limit, so an endless stream of empty gzip members stops
// too.
func readBody(buf []byte, resp *http.Response, limit int64) ([]byte, error) {
	var body io.Reader = &limitedReader{r: resp.Body, left: limit + 1}
	sizeHint := resp.ContentLength
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return buf, fmt.Errorf("read gzip body: %w", err)
		}
		body, sizeHint = zr, -1
	default:
		return buf, fmt.Errorf("unsupported Content-Encoding %q", enc)
	}
	return readLimited(buf, body, limit, sizeHint)
}

// errTooLarge reports a body over the size limit.
var errTooLarge = errors.New("body too large")

// tooLarge is errTooLarge naming the limit and the key that sets it.
func tooLarge(limit int64) error {
	size := fmt.Sprintf("%d bytes", limit)
	if limit%(1<<20) == 0 {
		size = fmt.Sprintf("%d MiB", limit>>20)
	}
	return fmt.Errorf("%w: over the %s limit (fetch.max_body)", errTooLarge, size)
}

// readLimited appends r to buf[:0], failing once it holds more than limit
// bytes. sizeHint, when positive, is the expected size: a larger one fails
// at once, a smaller one sizes the buffer. The buffer never grows past
// limit+1 bytes.
func readLimited(buf []byte, r io.Reader, limit, sizeHint int64) ([]byte, error) {
	if sizeHint > limit {
		return buf, tooLarge(limit)
	}
	buf = buf[:0]
	if want := int(min(max(sizeHint+1, 32<<10), limit+1)); cap(buf) < want {
		buf = make([]byte, 0, want)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(make([]byte, 0, min(2*cap(buf), int(limit)+1)), buf...)
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case int64(len(buf)) > limit || errors.Is(err, errTooLarge):
			return buf, tooLarge(limit)
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return buf, fmt.Errorf("read body: %w", err)
		}
	}
}

// limitedReader is io.LimitReader that fails with errTooLarge when the
// limit is reached instead of reporting a clean end of input.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// movedPermanently reports whether resp was reached through redirects that
// were all permanent.
func movedPermanently(resp *http.Response) bool {
	moved := false
	for req := resp.Request; req != nil && req.Response != nil; req = req.Response.Request {
		if code := req.Response.StatusCode; code != http.StatusMovedPermanently && code != http.StatusPermanentRedirect {
			return false
		}
		moved = true
	}
	return moved
}
