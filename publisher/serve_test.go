package publisher

import (
	"strings"

	"github.com/andybalholm/brotli"

	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"testing"
)

// gunzip decompresses b or fails the test.
func gunzip(t testing.TB, b string) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader([]byte(b)))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return string(out)
}

func TestGzip(t *testing.T) {
	p := New(testConfig(), staticReader(benchStories(50)))
	h := p.Handler()
	for _, path := range []string{"/feeds/headlines.rss", "/feeds/nation.atom", "/feeds/nation.json"} {
		plainRes := get(t, h, "GET", path)
		plain := body(t, plainRes)
		res := get(t, h, "GET", path, "Accept-Encoding", "gzip, deflate")
		gz := body(t, res)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: status %d, Content-Encoding %q", path, res.StatusCode, res.Header.Get("Content-Encoding"))
		}
		if gunzip(t, gz) != plain {
			t.Errorf("%s: gzip body differs from the plain one", path)
		}
		if len(gz) >= len(plain) {
			t.Errorf("%s: gzip %d bytes, plain %d", path, len(gz), len(plain))
		}
		if got := res.Header.Get("Content-Length"); got != strconv.Itoa(len(gz)) {
			t.Errorf("%s: Content-Length %s, body %d bytes", path, got, len(gz))
		}
		for _, r := range []*http.Response{plainRes, res} {
			if r.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("%s: Vary %q", path, r.Header.Get("Vary"))
			}
			if r.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: no nosniff", path)
			}
		}
		if plainRes.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: plain response has Content-Encoding", path)
		}
		gzTag, plainTag := res.Header.Get("ETag"), plainRes.Header.Get("ETag")
		if gzTag == plainTag || gzTag == "" || gzTag[0] != '"' {
			t.Errorf("%s: gzip ETag %s, plain %s: want two strong validators", path, gzTag, plainTag)
		}
		if res.Header.Get("Content-Type") != plainRes.Header.Get("Content-Type") ||
			res.Header.Get("Last-Modified") != plainRes.Header.Get("Last-Modified") {
			t.Errorf("%s: gzip and plain differ in type or date", path)
		}

		// Each representation is validated by its own ETag only.
		for _, tc := range []struct {
			etag, encoding string
			want           int
		}{
			{gzTag, "gzip", http.StatusNotModified},
			{plainTag, "", http.StatusNotModified},
			{plainTag, "gzip", http.StatusOK},
			{gzTag, "", http.StatusOK},
			{gzTag + ", " + plainTag, "gzip", http.StatusNotModified},
		} {
			r := get(t, h, "GET", path, "If-None-Match", tc.etag, "Accept-Encoding", tc.encoding)
			b := body(t, r)
			if r.StatusCode != tc.want {
				t.Errorf("%s: If-None-Match %s, Accept-Encoding %q: status %d, want %d", path, tc.etag, tc.encoding, r.StatusCode, tc.want)
			}
			if r.StatusCode == http.StatusNotModified {
				if b != "" || r.Header.Get("Content-Length") != "" || r.Header.Get("Content-Encoding") != "" || r.Header.Get("Content-Type") != "" {
					t.Errorf("%s: 304 with a body or body headers: %v", path, r.Header)
				}
				if r.Header.Get("ETag") == "" || r.Header.Get("Cache-Control") == "" || r.Header.Get("Vary") == "" {
					t.Errorf("%s: 304 lacks ETag, Cache-Control or Vary: %v", path, r.Header)
				}
			}
		}

		head := get(t, h, "HEAD", path, "Accept-Encoding", "gzip")
		if body(t, head) != "" || head.Header.Get("Content-Length") != strconv.Itoa(len(gz)) || head.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: HEAD with gzip: headers %v", path, head.Header)
		}
	}
}

func TestGzipIsNotCompressedPerRequest(t *testing.T) {
	p := New(testConfig(), staticReader(benchStories(50)))
	h := p.Handler()
	first := body(t, get(t, h, "GET", "/feeds/headlines.rss", "Accept-Encoding", "gzip"))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const n = 20
	for range n {
		if b := body(t, get(t, h, "GET", "/feeds/headlines.rss", "Accept-Encoding", "gzip")); b != first {
			t.Fatal("gzip body changed between requests")
		}
	}
	runtime.ReadMemStats(&after)
	// A gzip.Writer alone allocates some 800 KB; serving the cached bytes
	// costs a copy of the body into the recorder and a few headers.
	perRequest := (after.TotalAlloc - before.TotalAlloc) / n
	if limit := uint64(4*len(first) + 16<<10); perRequest > limit {
		t.Errorf("%d bytes allocated per gzip request (body %d bytes): compressing per request?", perRequest, len(first))
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, tc := range []struct {
		header []string
		want   bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true},
		{[]string{"GZIP"}, true},
		{[]string{"x-gzip"}, true},
		{[]string{"gzip, deflate, br"}, true},
		{[]string{"deflate", "gzip"}, true},
		{[]string{"br;q=1.0, gzip;q=0.8, *;q=0.1"}, true},
		{[]string{"gzip ; q=0.5"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip;q=0.000"}, false},
		{[]string{"gzip;q=1.5"}, false}, // malformed weight
		{[]string{"gzip;q=abc"}, false},
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"*;q=0.5, gzip;q=0"}, false},
		{[]string{"identity"}, false},
		{[]string{"deflate"}, false},
		{[]string{"gzip;q=0.5, identity"}, false},
		{[]string{"gzip;q=0.5, identity;q=0.5"}, true},
		{[]string{"gzip, identity;q=0"}, true},
		{[]string{"*;q=0.3, gzip;q=0.2"}, false},
	} {
		if got := acceptsGzip(tc.header); got != tc.want {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", tc.header, got, tc.want)
		}
	}
}

func TestPreconditions(t *testing.T) {
	p, _ := newTestPublisher(t)
	h := p.Handler()
	res := get(t, h, "GET", "/feeds/nation.rss")
	etag := res.Header.Get("ETag")
	for _, tc := range []struct {
		name   string
		header []string
		want   int
	}{
		{"if-match", []string{"If-Match", etag}, http.StatusOK},
		{"if-match star", []string{"If-Match", "*"}, http.StatusOK},
		{"if-match list", []string{"If-Match", `"a", ` + etag}, http.StatusOK},
		{"if-match stale", []string{"If-Match", `"stale"`}, http.StatusPreconditionFailed},
		{"if-match weak", []string{"If-Match", "W/" + etag}, http.StatusPreconditionFailed},
		{"unmodified since before", []string{"If-Unmodified-Since", "Mon, 03 Jun 2024 07:59:59 GMT"}, http.StatusPreconditionFailed},
		{"unmodified since", []string{"If-Unmodified-Since", "Mon, 03 Jun 2024 08:00:00 GMT"}, http.StatusOK},
		{"if-match beats unmodified since", []string{"If-Match", etag, "If-Unmodified-Since", "Mon, 03 Jun 2024 07:59:59 GMT"}, http.StatusOK},
		{"malformed date", []string{"If-Modified-Since", "yesterday"}, http.StatusOK},
		{"later date", []string{"If-Modified-Since", "Tue, 04 Jun 2024 00:00:00 GMT"}, http.StatusNotModified},
		{"RFC 850 date", []string{"If-Modified-Since", "Monday, 03-Jun-24 08:00:00 GMT"}, http.StatusNotModified},
		{"malformed etag list", []string{"If-None-Match", `"unterminated`}, http.StatusOK},
		{"etag among garbage", []string{"If-None-Match", `W/"x", ` + etag}, http.StatusNotModified},
		{"range ignored", []string{"Range", "bytes=0-9"}, http.StatusOK},
	} {
		res := get(t, h, "GET", "/feeds/nation.rss", tc.header...)
		b := body(t, res)
		if res.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.want)
		}
		if tc.want != http.StatusOK && b != "" {
			t.Errorf("%s: status %d with a body", tc.name, res.StatusCode)
		}
		if tc.name == "range ignored" && (res.Header.Get("Content-Range") != "" || res.Header.Get("Accept-Ranges") != "" || len(b) < 100) {
			t.Errorf("range: %v, %d bytes: want the whole feed", res.Header, len(b))
		}
	}
}

func TestServeAllocations(t *testing.T) {
	p := New(testConfig(), staticReader(benchStories(50)))
	h := p.Handler()
	fetch(t, h, "/feeds/headlines.atom")
	req, _ := http.NewRequest("GET", "/feeds/headlines.atom", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	w := &discardWriter{h: http.Header{}}
	allocs := testing.AllocsPerRun(100, func() {
		clear(w.h)
		h.ServeHTTP(w, req)
	})
	// ServeMux's routing is all that allocates.
	if allocs > 3 {
		t.Errorf("%v allocations per cached request, want at most 3", allocs)
	}
}

// discardWriter is a ResponseWriter that keeps nothing.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }

func TestBrotliPreferredWhenAccepted(t *testing.T) {
	p := New(testConfig(), staticReader(benchStories(50)))
	h := p.Handler()
	plain := body(t, get(t, h, "GET", "/feeds/nation.atom"))
	gzRes := get(t, h, "GET", "/feeds/nation.atom", "Accept-Encoding", "gzip")
	res := get(t, h, "GET", "/feeds/nation.atom", "Accept-Encoding", "gzip, deflate, br")
	br := body(t, res)
	if res.Header.Get("Content-Encoding") != "br" || res.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("Content-Encoding %q, Vary %q", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
	}
	out, err := io.ReadAll(brotli.NewReader(strings.NewReader(br)))
	if err != nil || string(out) != plain {
		t.Fatalf("br body does not decode to the plain one: %v", err)
	}
	if len(br) >= len(body(t, gzRes)) {
		t.Errorf("br %d bytes is not smaller than gzip", len(br))
	}
	if tag := res.Header.Get("ETag"); tag == gzRes.Header.Get("ETag") || tag == "" {
		t.Errorf("br ETag %s must differ from gzip's", tag)
	}
	// br refused with q=0: gzip.
	if res := get(t, h, "GET", "/feeds/nation.atom", "Accept-Encoding", "br;q=0, gzip"); res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("br;q=0 got %q", res.Header.Get("Content-Encoding"))
	}
	// A 304 for the br representation's own ETag.
	if res := get(t, h, "GET", "/feeds/nation.atom", "Accept-Encoding", "br", "If-None-Match", res.Header.Get("ETag")); res.StatusCode != 304 {
		t.Errorf("conditional br request: %d", res.StatusCode)
	}
}
