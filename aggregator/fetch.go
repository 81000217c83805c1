package aggregator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// DefaultMaxBody bounds the size of one fetched feed.
const DefaultMaxBody = 10 << 20

// fetcher does the HTTP side of a pull.
type fetcher struct {
	client    *http.Client
	userAgent string
	maxBody   int64
}

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
	}
	return &fetcher{
		client:    &http.Client{Transport: transport, Timeout: timeout},
		userAgent: userAgent,
		maxBody:   DefaultMaxBody,
	}
}

// response is a fetched document.
type response struct {
	status int
	body   []byte
}

// get fetches url. A status other than 200 is an error; the status is
// returned with it when a response arrived.
func (f *fetcher) get(ctx context.Context, url string) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return response{}, fmt.Errorf("bad request: %w", err)
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
	resp, err := f.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return response{status: resp.StatusCode}, fmt.Errorf("status %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	body, err := readLimited(resp.Body, f.maxBody, resp.ContentLength)
	if err != nil {
		return response{status: resp.StatusCode}, err
	}
	return response{status: resp.StatusCode, body: body}, nil
}

// errTooLarge reports a body over the size limit.
var errTooLarge = errors.New("body too large")

// readLimited reads r up to limit bytes, failing beyond it.
func readLimited(r io.Reader, limit, sizeHint int64) ([]byte, error) {
	if sizeHint > limit {
		return nil, fmt.Errorf("%w: %d bytes declared, limit %d", errTooLarge, sizeHint, limit)
	}
	capacity := int64(64 << 10)
	if sizeHint > 0 {
		capacity = sizeHint + 1
	}
	buf := make([]byte, 0, capacity)
	for {
		if int64(len(buf)) > limit {
			return nil, fmt.Errorf("%w: over %d bytes", errTooLarge, limit)
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), limit+1)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if int64(len(buf)) > limit {
				return nil, fmt.Errorf("%w: over %d bytes", errTooLarge, limit)
			}
			return buf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read body: %w", err)
		}
	}
}
