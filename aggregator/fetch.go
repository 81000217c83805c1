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
// included, is bounded by the caller's context.
type fetcher struct {
	client    *http.Client
	userAgent string
}

// newFetcher returns a fetcher whose connect, TLS handshake and response
// header waits are each bounded by timeout (connect and TLS by at most 10s).
func newFetcher(timeout time.Duration, userAgent string) *fetcher {
	dialer := &net.Dialer{Timeout: min(timeout, 10*time.Second), KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   min(timeout, 10*time.Second),
		ResponseHeaderTimeout: timeout,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
		// We ask for gzip and decode it ourselves, under the size limit.
		DisableCompression: true,
	}
	return &fetcher{
		client:    &http.Client{Transport: transport, CheckRedirect: checkRedirect},
		userAgent: userAgent,
	}
}

// checkRedirect stops a redirect loop at the first URL visited twice (there
// is no cookie jar, so a loop never ends) and any chain at maxRedirects.
func checkRedirect(req *http.Request, via []*http.Request) error {
	for _, prev := range via {
		if prev.URL.String() == req.URL.String() {
			return fmt.Errorf("redirect loop: %s redirects back to %s", via[len(via)-1].URL, req.URL)
		}
	}
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	return nil
}

// request is one fetch: where, the validators of the copy we hold, and the
// size limit.
type request struct {
	url          string
	etag         string
	lastModified string
	maxBody      int64
}

// response is a fetched document, or a 304.
type response struct {
	status int
	// moved is set when every redirect on the way was permanent (301,
	// 308): url is the resource's new address.
	moved bool
	// url is where the response came from, after redirects.
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
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
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
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		return response{}, err
	}
	defer resp.Body.Close()
	out := response{status: resp.StatusCode, url: resp.Request.URL.String(), header: resp.Header, moved: movedPermanently(resp)}
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
