package publisher

import (
	"net/http"
	"time"
)

// Header values shared by every response that carries them.
var (
	varyAcceptEncoding = []string{"Accept-Encoding"}
	noSniff            = []string{"nosniff"}
)

// serve writes res in answer to r, a GET or HEAD: the gzip representation
// when the request accepts it, else the plain one, with Vary, ETag,
// Last-Modified, Cache-Control and Content-Length. Conditional requests are
// answered by RFC 9110 §13.2.2: If-Match and If-Unmodified-Since with 412,
// If-None-Match and If-Modified-Since with 304 and no body. Ranges are not
// served (a feed is small and changes as a whole): Range is ignored and the
// whole document sent, as RFC 9110 allows.
//
// Every header value comes ready-made from res, so serving allocates
// nothing beyond what net/http does.
func serve(w http.ResponseWriter, r *http.Request, res *rendering) {
	rep := &res.plain
	h := w.Header()
	if res.gzip != nil || res.brotli != nil {
		h["Vary"] = varyAcceptEncoding
		rep = res.choose(r.Header["Accept-Encoding"])
	}
	h["Etag"] = rep.etagHeader
	h["Cache-Control"] = res.cacheControl
	if status := precondition(r.Header, rep.etag, res); status != 0 {
		// A 304 carries the validators and caching headers but no
		// metadata about a body (RFC 9110 §15.4.5); a 412 no body either.
		w.WriteHeader(status)
		return
	}
	h["Content-Type"] = res.contentType
	h["X-Content-Type-Options"] = noSniff
	if res.lastModified != nil {
		h["Last-Modified"] = res.lastModified
	}
	if rep.encoding != nil {
		h["Content-Encoding"] = rep.encoding
	}
	h["Content-Length"] = rep.lengthHeader
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(rep.body)
	}
}

// precondition evaluates the conditional headers of a GET or HEAD request
// for a representation with the given ETag and res's Last-Modified time, in
// the order RFC 9110 §13.2.2 gives: it returns 412, 304, or 0 to serve the
// representation. If-Unmodified-Since is ignored when If-Match is present,
// and If-Modified-Since when If-None-Match is.
func precondition(h http.Header, etag string, res *rendering) int {
	if v, ok := h["If-Match"]; ok {
		if !etagListMatches(v, etag, false) {
			return http.StatusPreconditionFailed
		}
	} else if v, ok := h["If-Unmodified-Since"]; ok && res.lastModified != nil {
		if t, err := http.ParseTime(v[0]); err == nil && modifiedAfter(res.modified, t) {
			return http.StatusPreconditionFailed
		}
	}
	if v, ok := h["If-None-Match"]; ok {
		if etagListMatches(v, etag, true) {
			return http.StatusNotModified
		}
		return 0
	}
	if v, ok := h["If-Modified-Since"]; ok && res.lastModified != nil {
		if v[0] == res.lastModified[0] {
			return http.StatusNotModified // the usual case: our own date sent back
		}
		if t, err := http.ParseTime(v[0]); err == nil && !modifiedAfter(res.modified, t) {
			return http.StatusNotModified
		}
	}
	return 0
}

// modifiedAfter reports whether modified is later than t at the one-second
// precision of HTTP dates.
func modifiedAfter(modified, t time.Time) bool {
	return modified.Truncate(time.Second).After(t)
}

// etagListMatches reports whether any entity-tag in the header values (a
// comma-separated list, or "*") matches etag, a strong ETag: by weak
// comparison (W/ ignored) for If-None-Match, by strong comparison (W/ never
// matches) for If-Match. A malformed list matches nothing from the first
// malformed element on.
func etagListMatches(values []string, etag string, weak bool) bool {
	for _, v := range values {
		for {
			v = trimListSpace(v)
			if v == "" {
				break
			}
			if v[0] == '*' {
				return true
			}
			isWeak := false
			if len(v) >= 2 && v[0] == 'W' && v[1] == '/' {
				isWeak = true
				v = v[2:]
			}
			if v == "" || v[0] != '"' {
				break
			}
			end := 1
			for end < len(v) && v[end] != '"' {
				end++
			}
			if end == len(v) {
				break // unterminated
			}
			if v[:end+1] == etag && (weak || !isWeak) {
				return true
			}
			v = v[end+1:]
		}
	}
	return false
}

// trimListSpace drops the white space and commas that separate the
// elements of an HTTP list.
func trimListSpace(v string) string {
	for v != "" && (v[0] == ' ' || v[0] == '\t' || v[0] == ',') {
		v = v[1:]
	}
	return v
}

// choose picks the representation Accept-Encoding values prefer: br, then
// gzip, at equal q-values (br is smaller), else the plain body.
func (res *rendering) choose(accept []string) *representation {
	if len(accept) == 0 {
		return &res.plain
	}
	br, gz := -1, -1
	if res.brotli != nil {
		br = acceptance(accept, "br")
	}
	if res.gzip != nil {
		gz = acceptance(accept, "gzip")
	}
	switch {
	case br > 0 && br >= gz:
		return res.brotli
	case gz > 0:
		return res.gzip
	}
	return &res.plain
}
