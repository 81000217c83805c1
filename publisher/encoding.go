package publisher

import (
	"bytes"
	"compress/gzip"
	"strings"
	"sync"
)

// gzipped returns body compressed with gzip at the best compression, or nil
// when that would not make it smaller. It runs once per rendering, never per
// request, so the best compression costs nothing on the serving path. The
// gzip header carries no name and no time, so the same body always gives
// the same bytes (and ETag).
func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(body)/4 + 64)
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(body); err != nil {
		return nil
	}
	if err := zw.Close(); err != nil || buf.Len() >= len(body) {
		return nil
	}
	return bytes.Clone(buf.Bytes()) // drop the spare capacity
}

// gzipWriters keeps gzip writers between renderings: each holds some
// 800 KB of compression state.
var gzipWriters = sync.Pool{New: func() any {
	zw, err := gzip.NewWriterLevel(nil, gzip.BestCompression)
	if err != nil {
		panic(err) // BestCompression is a valid level
	}
	return zw
}}

// acceptsGzip reports whether a request with these Accept-Encoding header
// values should get the gzip representation rather than identity, by RFC
// 9110 §12.5.3: gzip (or x-gzip, or else *) must be listed with a q-value
// above 0, and at least as high as identity's when the request weighs
// identity (itself or through *). A request without the header gets
// identity.
func acceptsGzip(values []string) bool {
	gz, identity, star := -1, -1, -1 // q-values in thousandths; -1: not listed
	for _, v := range values {
		for v != "" {
			var item string
			item, v, _ = strings.Cut(v, ",")
			coding, params, _ := strings.Cut(item, ";")
			q := qValue(params)
			switch coding = strings.Trim(coding, " \t"); {
			case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"):
				gz = max(gz, q)
			case strings.EqualFold(coding, "identity"):
				identity = q
			case coding == "*":
				star = q
			}
		}
	}
	if gz < 0 {
		gz = star
	}
	switch {
	case gz <= 0:
		return false
	case identity >= 0:
		return gz >= identity
	case star >= 0:
		return gz >= star
	default:
		return true
	}
}

// qValue returns the q parameter among an Accept-Encoding item's
// parameters, in thousandths: 1000 when absent, 0 when malformed (a
// malformed weight must not make a coding acceptable).
func qValue(params string) int {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, val, ok := strings.Cut(strings.Trim(p, " \t"), "=")
		if !ok || !strings.EqualFold(strings.TrimRight(name, " \t"), "q") {
			continue
		}
		return parseQ(strings.Trim(val, " \t"))
	}
	return 1000
}

// parseQ parses a qvalue ("0", "0.5", "1.000", ...) into thousandths; 0 if
// it is not one.
func parseQ(s string) int {
	if s == "" || (s[0] != '0' && s[0] != '1') {
		return 0
	}
	q := int(s[0]-'0') * 1000
	if len(s) == 1 {
		return q
	}
	if s[1] != '.' || len(s) > 5 {
		return 0
	}
	scale := 100
	for _, c := range []byte(s[2:]) {
		if c < '0' || c > '9' {
			return 0
		}
		q += int(c-'0') * scale
		scale /= 10
	}
	if q > 1000 {
		return 0
	}
	return q
}
