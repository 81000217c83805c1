// Package web is wirefeed's HTTP surface: it routes each request to the
// feeds (package publisher), the reading site's pages (package site), the
// status and story views, the
// health checks, the metrics and the admin API, and counts what it
// answered. It holds no state of its own: what it serves comes from the
// running daemon, read afresh on every request, so a reload is seen at once.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"wirefeed/config"
	"wirefeed/console"
	"wirefeed/publisher"
	"wirefeed/site"
	"wirefeed/store"
)

// Daemon is the running daemon as the HTTP surface sees it.
type Daemon interface {
	// Config is the config the daemon runs on now.
	Config() *config.Config
	// Publisher renders the feeds of that config.
	Publisher() *publisher.Publisher
	// Site serves the reading site's pages of that config.
	Site() http.Handler
	// Admin is the admin API's handler.
	Admin() http.Handler
	// Console is the editors' console, the admin API's pages for
	// browsers.
	Console() http.Handler
	// Ready says whether the daemon does its work (serves, writes, and
	// partners are pulled on schedule by it or another daemon), and why.
	Ready(ctx context.Context) (ok bool, why string)
	// Leading reports whether this daemon pulls partners on schedule.
	Leading() bool
	// NextRun is when the scheduler next pulls a source, or zero.
	NextRun(id string) time.Time
}

// Options are what a Handler needs besides the daemon.
type Options struct {
	Store *store.Store
	Log   *slog.Logger
	// Metrics serves /metrics.
	Metrics http.Handler
	// Observe, when not nil, is told of every response: its kind (feed,
	// page, status, health, admin) and status code.
	Observe func(kind string, code int)
	// OperatorOnly serves only /healthz, /readyz, /metrics and /status (a
	// daemon dedicated to pulling), answering 404 for the site.
	OperatorOnly bool
}

// Handler answers every request of the public address (and, with
// AdminOnly, of the admin address).
type Handler struct {
	daemon Daemon
	store  *store.Store
	log    *slog.Logger
	opts   Options
	aborts abortLog
}

// New returns the HTTP surface of d.
func New(d Daemon, opts Options) *Handler {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Observe == nil {
		opts.Observe = func(string, int) {}
	}
	if opts.Metrics == nil {
		opts.Metrics = http.NotFoundHandler()
	}
	return &Handler{daemon: d, store: opts.Store, log: opts.Log, opts: opts}
}

// ServeHTTP routes a request of the public address.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch path := r.URL.Path; {
	case path == "/metrics":
		h.opts.Metrics.ServeHTTP(w, r)
	case path == "/healthz":
		h.count("health", w, r, http.HandlerFunc(serveHealth))
	case path == "/readyz":
		h.count("health", w, r, http.HandlerFunc(h.serveReady))
	case path == "/status":
		h.count("status", w, r, http.HandlerFunc(h.serveStatus))
	case path == "/story":
		h.count("status", w, r, http.HandlerFunc(h.serveStory))
	case h.opts.OperatorOnly:
		http.Error(w, "this daemon pulls partners and serves no site (role pull)", http.StatusNotFound)
	case path == "/admin" || strings.HasPrefix(path, "/admin/"):
		if cfg := h.daemon.Config(); !cfg.Admin.Enabled() || cfg.Admin.Listen != "" {
			http.Error(w, "404 page not found", http.StatusNotFound)
			return
		}
		h.count("admin", w, r, h.admin(r))
	case strings.HasPrefix(path, "/feeds/"):
		h.count("feed", w, r, h.daemon.Publisher().Handler())
	case site.Handles(path):
		h.count("page", w, r, h.daemon.Site())
	default:
		h.count("page", w, r, h.daemon.Publisher().Handler())
	}
}

// AdminOnly is the handler of a separate admin.listen address: the admin
// API and nothing else.
func (h *Handler) AdminOnly() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.daemon.Config().Admin.Enabled() {
			http.Error(w, "admin API off: set admin.token", http.StatusNotFound)
			return
		}
		h.count("admin", w, r, h.admin(r))
	})
}

// admin is the handler of a request under /admin/: the console's pages
// for a browser, the JSON API for its clients (see console.Wants).
func (h *Handler) admin(r *http.Request) http.Handler {
	if console.Wants(r) {
		return h.daemon.Console()
	}
	return h.daemon.Admin()
}

// StatusClientClosed is the status a response is counted under when the
// client went away before it was complete (nginx's 499): the server did
// nothing wrong.
const StatusClientClosed = 499

// count serves the request with next and reports the response's status.
func (h *Handler) count(kind string, w http.ResponseWriter, r *http.Request, next http.Handler) {
	rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	next.ServeHTTP(rec, r)
	code := rec.code
	// The client went away before the answer was complete: writing it
	// failed, or nothing was written and the request is cancelled. (A
	// client closing its connection right after a whole answer cancels the
	// request too; that one is not an abort.)
	if rec.failed || (!rec.wrote && r.Context().Err() != nil) {
		code = StatusClientClosed
		h.aborts.note(h.log, r)
	}
	h.opts.Observe(kind, code)
}

// serveHealth answers /healthz: the process is up and serving.
func serveHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// serveReady answers /readyz: 200 while the daemon does its work, else
// 503, with the reason either way.
func (h *Handler) serveReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	ok, why := h.daemon.Ready(ctx)
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
		h.log.Warn("readyz: not ready", "why", why)
	}
	fmt.Fprintln(w, why)
}

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	code   int
	wrote  bool
	failed bool // a write failed: the connection is gone
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.code, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	n, err := s.ResponseWriter.Write(b)
	if err != nil {
		s.failed = true
	}
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
