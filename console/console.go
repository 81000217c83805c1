// Package console is the editors' console: server-rendered pages under
// /admin/ through which editors sign in and run the desk from a browser
// (sources, the audit log), on the admin API's rules. Every action a page
// offers is served by the admin API's own handler (admin.Server's
// ServeAuthorized), so config.yaml stays the one description of the site
// (comments kept, validated, written atomically), the page can do nothing
// the API refuses, and its errors are the API's words. Pages need no
// JavaScript; every form carries a CSRF token.
package console

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"wirefeed/config"
	"wirefeed/store"
)

// API is the admin API as the console drives it (admin.Server).
type API interface {
	// ServeAuthorized serves an API request of an authenticated editor.
	ServeAuthorized(w http.ResponseWriter, r *http.Request)
	// CheckToken checks the admin token, throttled per client address.
	CheckToken(r *http.Request, token string) (ok bool, wait time.Duration)
	// Throttled is how long the client of r must wait to sign in again.
	Throttled(r *http.Request) time.Duration
	// Failed counts a failed sign-in of the client of r.
	Failed(r *http.Request)
	// Succeeded forgets the client's failed sign-ins.
	Succeeded(r *http.Request)
}

// Options configure a Console.
type Options struct {
	API   API
	Store *store.Store
	// Config is the config the daemon runs on now.
	Config func() *config.Config
	Log    *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Console serves the console's pages; see Wants for which requests are
// its.
type Console struct {
	opts     Options
	sessions *sessions
	pages    *pages
	mux      *http.ServeMux
}

// New returns the console for opts.
func New(opts Options) *Console {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	c := &Console{opts: opts, sessions: newSessions(opts.Now), pages: loadPages(), mux: http.NewServeMux()}
	c.mux.HandleFunc("GET /admin/sign-in", c.signInPage)
	c.mux.HandleFunc("POST /admin/sign-in", c.signIn)
	c.mux.HandleFunc("POST /admin/sign-out", c.editor(c.signOut))
	c.mux.HandleFunc("GET /admin/{$}", c.editor(c.deskPage))
	c.mux.HandleFunc("GET /admin/sources", c.editor(c.sourcesPage))
	c.mux.HandleFunc("GET /admin/sources/new", c.editor(c.newSourcePage))
	c.mux.HandleFunc("POST /admin/sources", c.editor(c.addSource))
	c.mux.HandleFunc("GET /admin/sources/{id}", c.editor(c.editSourcePage))
	c.mux.HandleFunc("POST /admin/sources/{id}", c.editor(c.editSource))
	c.mux.HandleFunc("GET /admin/sources/{id}/delete", c.editor(c.deleteSourcePage))
	c.mux.HandleFunc("POST /admin/sources/{id}/delete", c.editor(c.deleteSource))
	for _, action := range []string{"pause", "resume", "fetch"} {
		c.mux.HandleFunc("POST /admin/sources/{id}/"+action, c.editor(c.sourceAction(action)))
	}
	c.mux.HandleFunc("GET /admin/opml", c.editor(c.exportOPML))
	c.mux.HandleFunc("POST /admin/opml", c.editor(c.importOPML))
	c.mux.HandleFunc("GET /admin/sections", c.editor(c.sectionsPage))
	c.mux.HandleFunc("GET /admin/sections/{id}", c.editor(c.sectionPage))
	c.mux.HandleFunc("POST /admin/sections/{id}", c.editor(c.saveSection))
	c.mux.HandleFunc("POST /admin/reroute", c.editor(c.reroute))
	c.mux.HandleFunc("GET /admin/stories", c.editor(c.storiesPage))
	c.mux.HandleFunc("GET /admin/stories/{id}", c.editor(c.storyPage))
	c.mux.HandleFunc("POST /admin/stories/{id}/hide", c.editor(c.hideStory))
	c.mux.HandleFunc("POST /admin/stories/{id}/show", c.editor(c.showStory))
	c.mux.HandleFunc("POST /admin/stories/{id}/pin", c.editor(c.pinStory(true)))
	c.mux.HandleFunc("POST /admin/stories/{id}/unpin", c.editor(c.pinStory(false)))
	c.mux.HandleFunc("GET /admin/audit", c.editor(c.auditPage))
	c.mux.HandleFunc("/admin/", c.editor(c.notFound))
	return c
}

// Wants says whether r is a browser's, for the console, rather than an
// API client's: no Authorization header, and an HTML page or a form
// (or the console's session cookie) rather than JSON asked for.
func Wants(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return false
	}
	accept := r.Header.Get("Accept")
	if strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html") {
		return false
	}
	ct := r.Header.Get("Content-Type")
	if strings.Contains(accept, "text/html") || strings.HasPrefix(ct, "application/x-www-form-urlencoded") ||
		strings.HasPrefix(ct, "multipart/form-data") {
		return true
	}
	_, err := r.Cookie(cookieName)
	return err == nil
}

// ServeHTTP serves a console page.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'")
	c.mux.ServeHTTP(w, r)
}

// editorKey is the context key of the signed-in editor's session.
type editorKey struct{}

// editor wraps a handler for signed-in editors: without a session the
// browser is sent to sign in; a POST must carry the session's CSRF token.
func (c *Console) editor(next func(w http.ResponseWriter, r *http.Request, s *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := c.sessions.get(r)
		if s == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/admin/sign-in?back="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.render(w, r, http.StatusUnauthorized, "message", nil, view{Title: "Signed out",
				Message: "Your session has ended: sign in again, then make your change again."})
			return
		}
		if r.Method != http.MethodGet {
			r.Body = http.MaxBytesReader(w, r.Body, 2<<20)
		}
		if r.Method != http.MethodGet && !s.validCSRF(r.PostFormValue("csrf")) {
			c.opts.Log.Warn("console: form refused without a valid CSRF token", "path", r.URL.Path, "remote", r.RemoteAddr, "editor", s.editor)
			c.render(w, r, http.StatusForbidden, "message", s, view{Title: "Form refused",
				Message: "This form was refused: it did not carry this session's security token. Reload the page and try again."})
			return
		}
		ctx := context.WithValue(r.Context(), editorKey{}, s)
		next(w, r.WithContext(ctx), s)
	}
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request, s *session) {
	c.render(w, r, http.StatusNotFound, "message", s, view{Title: "Not found", Message: "There is no console page at " + r.URL.Path + "."})
}
