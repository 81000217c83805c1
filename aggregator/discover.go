package aggregator

import (
	"bytes"
	"mime"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// feedLinkTypes are the <link rel="alternate"> types autodiscovery follows.
var feedLinkTypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/feed+json": true,
	"application/json":      true,
}

// looksLikeHTML reports whether a body that is not a feed is an HTML page:
// by its Content-Type, or by an <html> or HTML doctype near its start.
func looksLikeHTML(contentType string, doc []byte) bool {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		return true
	}
	head := bytes.ToLower(doc[:min(len(doc), 1024)])
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype html"))
}

// discoverFeed returns the first feed an HTML page announces with
// <link rel="alternate" type="application/rss+xml" href="...">
// (or Atom, JSON Feed, JSON), resolved against the page's <base href> or
// else its URL; "" when there is none.
func discoverFeed(page []byte, pageURL string) string {
	base, err := url.Parse(pageURL)
	if err != nil {
		return ""
	}
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !hasAttr || (string(name) != "link" && string(name) != "base") {
				continue
			}
			attrs := map[string]string{}
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				attrs[string(k)] = strings.TrimSpace(string(v))
			}
			if string(name) == "base" {
				if u, err := base.Parse(attrs["href"]); err == nil && attrs["href"] != "" {
					base = u
				}
				continue
			}
			if !isFeedLink(attrs) {
				continue
			}
			u, err := base.Parse(attrs["href"])
			if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
				u.Fragment = ""
				return u.String()
			}
		}
	}
}

// isFeedLink reports whether a <link>'s attributes announce a feed.
func isFeedLink(attrs map[string]string) bool {
	if attrs["href"] == "" {
		return false
	}
	alternate := false
	for _, rel := range strings.Fields(strings.ToLower(attrs["rel"])) {
		alternate = alternate || rel == "alternate"
	}
	mt, _, err := mime.ParseMediaType(attrs["type"])
	return alternate && err == nil && feedLinkTypes[mt]
}
