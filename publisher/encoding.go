package publisher

import (
	"github.com/andybalholm/brotli"

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

// acceptance returns the q-value (in thousandths) Accept-Encoding values
// give coding (also through "*"), and whether the identity coding is still
// acceptable at least as much; -1 when coding is not acceptable.
func acceptance(values []string, coding string) int {
	q, identity, star := -1, -1, -1
	for _, v := range values {
		for v != "" {
			var item string
			item, v, _ = strings.Cut(v, ",")
			name, params, _ := strings.Cut(item, ";")
			qv := qValue(params)
			switch name = strings.Trim(name, " \t"); {
			case strings.EqualFold(name, coding), coding == "gzip" && strings.EqualFold(name, "x-gzip"):
				q = max(q, qv)
			case strings.EqualFold(name, "identity"):
				identity = qv
			case name == "*":
				star = qv
			}
		}
	}
	if q < 0 {
		q = star
	}
	switch {
	case q <= 0:
		return -1
	case identity >= 0 && q < identity, identity < 0 && star >= 0 && q < star:
		return -1
	}
	return q
}

// acceptsGzip reports whether Accept-Encoding values accept gzip at least
// as much as the uncompressed body.
func acceptsGzip(values []string) bool { return acceptance(values, "gzip") > 0 }

// brotliOptions trade compression time and memory (paid once per
// rendering) for size: quality 6 with a 256 KiB window (feeds are smaller)
// still beats gzip -9 by a good margin, where quality 9+ costs tens of
// megabytes of allocation per document.
var brotliOptions = brotli.WriterOptions{Quality: 6, LGWin: 18}

// brotliWriters keeps brotli writers between renderings.
var brotliWriters = sync.Pool{New: func() any { return brotli.NewWriterOptions(nil, brotliOptions) }}

// brotlied returns body compressed with brotli, or nil when that does not
// make it smaller.
func brotlied(body []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(body)/5 + 64)
	bw := brotliWriters.Get().(*brotli.Writer)
	defer brotliWriters.Put(bw)
	bw.Reset(&buf)
	if _, err := bw.Write(body); err != nil {
		return nil
	}
	if err := bw.Close(); err != nil || buf.Len() >= len(body) {
		return nil
	}
	return bytes.Clone(buf.Bytes())
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
