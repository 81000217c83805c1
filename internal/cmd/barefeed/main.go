// Command barefeed is the yardstick for serving speed: a bare net/http
// handler that answers with the bytes a running wirefeed serves for one
// feed, copied once at start (plain and gzip, each with its ETag), so that wrk can
// measure wirefeed's cached path against the least a Go server can do:
//
//	barefeed -from http://127.0.0.1:8080/feeds/all.rss -listen 127.0.0.1:8090
//
// It answers 304 to a matching If-None-Match and the gzip bytes to a client
// that accepts gzip, as wirefeed does.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"strconv"
	"strings"
)

func main() {
	from := flag.String("from", "", "the feed URL of a running wirefeed to copy")
	listen := flag.String("listen", "127.0.0.1:8090", "address to serve on")
	flag.Parse()
	if *from == "" {
		log.Fatal("barefeed: -from is required")
	}
	plain, etag, ctype, err := fetch(*from, "")
	if err != nil {
		log.Fatal(err)
	}
	gz, gzTag, _, err := fetch(*from, "gzip")
	if err != nil {
		log.Fatal(err)
	}
	plainLen, gzLen := strconv.Itoa(len(plain)), strconv.Itoa(len(gz))
	log.Printf("barefeed: serving %d bytes (%d gzip), ETag %s, on %s", len(plain), len(gz), etag, *listen)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		gzipped := strings.Contains(r.Header.Get("Accept-Encoding"), "gzip")
		tag := etag
		if gzipped {
			tag = gzTag // each encoding is a representation of its own
		}
		h.Set("ETag", tag)
		h.Set("Vary", "Accept-Encoding")
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", ctype)
		if gzipped {
			h.Set("Content-Encoding", "gzip")
			h.Set("Content-Length", gzLen)
			w.Write(gz)
			return
		}
		h.Set("Content-Length", plainLen)
		w.Write(plain)
	})
	log.Fatal(http.ListenAndServe(*listen, handler))
}

// fetch reads url, asking for encoding ("" for none), and returns the body
// as sent, its ETag and content type.
func fetch(url, encoding string) (body []byte, etag, ctype string, err error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, "", "", err
	}
	if encoding != "" {
		req.Header.Set("Accept-Encoding", encoding)
	}
	// Without compression of its own, the transport leaves the body and
	// its headers as the server sent them.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		return nil, "", "", fmt.Errorf("barefeed: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", "", fmt.Errorf("barefeed: %s: %s", url, resp.Status)
	}
	if got := resp.Header.Get("Content-Encoding"); got != encoding {
		return nil, "", "", fmt.Errorf("barefeed: %s: asked for %q, got Content-Encoding %q", url, encoding, got)
	}
	body, err = io.ReadAll(resp.Body)
	return body, resp.Header.Get("ETag"), resp.Header.Get("Content-Type"), err
}
