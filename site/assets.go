package site

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"

	"wirefeed/publisher"
)

//go:embed assets/site.css
var siteCSS []byte

// cssPath is the stylesheet's URL path, named by its contents, so it can
// be cached for a year: a changed stylesheet is another URL.
var cssPath = func() string {
	sum := sha256.Sum256(siteCSS)
	return "/assets/site-" + hex.EncodeToString(sum[:6]) + ".css"
}()

//go:embed assets/favicon.svg
var favicon []byte

// serveFavicon serves the site's icon at /favicon.ico, where browsers
// look for it unasked.
func (s *Site) serveFavicon(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, "/favicon.ico", func(context.Context) (publisher.Page, error) {
		return publisher.Page{Body: favicon, ContentType: "image/svg+xml", CacheControl: "public, max-age=86400"}, nil
	})
}

// serveCSS serves the stylesheet, compressed once like the pages.
func (s *Site) serveCSS(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, cssPath, func(context.Context) (publisher.Page, error) {
		return publisher.Page{Body: siteCSS, ContentType: "text/css; charset=utf-8",
			CacheControl: "public, max-age=31536000, immutable"}, nil
	})
}
