package site

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"

	"wirefeed/publisher"
	"wirefeed/store"
)

//go:embed templates/*.html
var templateFS embed.FS

// templates holds one template set per page kind, each with the layout.
var templates = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, page := range []string{"front", "section", "article", "error"} {
		out[page] = template.Must(template.New("layout.html").ParseFS(templateFS,
			"templates/layout.html", "templates/parts.html", "templates/"+page+".html"))
	}
	return out
}()

// htmlType is the Content-Type of every page.
const htmlType = "text/html; charset=utf-8"

// pageCacheControl lets browsers and proxies keep a page a minute, then
// revalidate it (a 304 while nothing changed).
const pageCacheControl = "public, max-age=60"

// contentSecurityPolicy allows the site's own stylesheet and forms,
// partners' pictures, and nothing else: no script runs on any page (the
// JSON-LD block is data, not script), no page may be framed.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' https: http:; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// secure sets the headers every page is served with.
func secure(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
}

// execute renders one page kind with its view.
func execute(page string, view any) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(32 << 10)
	if err := templates[page].Execute(&buf, view); err != nil {
		return nil, fmt.Errorf("site: render %s page: %w", page, err)
	}
	return buf.Bytes(), nil
}

// htmlPage wraps a rendered page for the publisher's cache. Pages carry
// no Last-Modified: a page changes when a story leaves it too, which no
// date tells, so their strong ETags alone answer conditional requests.
func htmlPage(body []byte) publisher.Page {
	return publisher.Page{Body: body, ContentType: htmlType, CacheControl: pageCacheControl}
}

// errNotFound is a page that does not exist.
var errNotFound = errors.New("not found")

// redirect is a rendering's answer that the page lives at another URL:
// a story whose title or section changed, or a copy no longer published.
type redirect struct{ to string }

func (r *redirect) Error() string { return "moved to " + r.to }

// serveCached serves the page cached under key, rendering it with render,
// and answers render's errors: a redirect, a 404 or a 500.
func (s *Site) serveCached(w http.ResponseWriter, r *http.Request, key string, render func(context.Context) (publisher.Page, error)) {
	secure(w)
	err := s.pub.ServePage(w, r, key, render)
	if err != nil {
		s.fail(w, r, err)
	}
}

// fail answers a request whose page could not be rendered.
func (s *Site) fail(w http.ResponseWriter, r *http.Request, err error) {
	var moved *redirect
	switch {
	case errors.As(err, &moved):
		w.Header().Set("Cache-Control", "public, max-age=60")
		http.Redirect(w, r, moved.to, http.StatusMovedPermanently)
	case errors.Is(err, errNotFound), errors.Is(err, store.ErrNotFound):
		s.errorPage(w, r, http.StatusNotFound, "Page not found", "There is no page at this address. The story may have been withdrawn by its partner, or the link mistyped.")
	default:
		s.log.ErrorContext(r.Context(), "site: render page", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "Something went wrong", "This page could not be shown just now. Please try again in a moment.")
	}
}

// errorPage writes a page saying what went wrong, with the site around
// it, never cached.
func (s *Site) errorPage(w http.ResponseWriter, r *http.Request, code int, heading, msg string) {
	sh, _ := s.shared(r.Context()) // without a sidebar if the store fails
	body, err := execute("error", errorPage{chrome: s.chrome(sh, heading, msg, ""), Heading: heading, Message: msg})
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Del("Etag")
	h.Del("Last-Modified")
	if err != nil {
		http.Error(w, heading, code)
		return
	}
	h.Set("Content-Type", htmlType)
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
