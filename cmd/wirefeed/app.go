package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wirefeed/admin"
	"wirefeed/aggregator"
	"wirefeed/config"
	"wirefeed/publisher"
	"wirefeed/store"
)

// app is wirefeed wired together: the store, and a generation of the
// aggregator that writes to it and the publisher that reads from it, built
// from one config. A reload builds a new generation and swaps it in; fetch
// state lives in the store, so nothing is lost.
type app struct {
	store   *store.Store
	log     *slog.Logger
	metrics *metrics
	// adjust is applied to every config loaded, first or reloaded (flags
	// that override the file).
	adjust func(*config.Config)

	gen atomic.Pointer[generation]

	mu      sync.Mutex // serialises reloads and scheduler changes
	serving bool       // serve is running
	leading bool       // this daemon holds the scheduler lease: the current generation's scheduler runs

	holder     string           // this daemon's name in leases
	leaseUntil time.Time        // when the scheduler lease lapses unless renewed
	now        func() time.Time // the clock leases are taken by
	pulls      sync.WaitGroup   // start-up pulls in progress

	syncMu   sync.Mutex       // guards versions
	versions map[string]int64 // section change counts last seen (sync.go)
}

// generation is everything built from one config.
type generation struct {
	cfg   *config.Config
	sum   [sha256.Size]byte // of the config file's contents
	agg   *aggregator.Aggregator
	pub   *publisher.Publisher
	admin *admin.Server         // nil unless admin.token is set
	sched *aggregator.Scheduler // nil unless leading
}

func openApp(ctx context.Context, cfg *config.Config, log *slog.Logger) (*app, error) {
	st, err := openStore(cfg, false)
	if err != nil {
		return nil, err
	}
	a := &app{store: st, log: log, adjust: func(*config.Config) {}, holder: newHolderID(), now: time.Now}
	a.metrics = newMetrics(databaseSize(cfg, st), a.isLeading)
	g, err := a.build(ctx, cfg, fileSum(cfg.Path))
	if err != nil {
		st.Close()
		return nil, err
	}
	a.gen.Store(g)
	return a, nil
}

// fileSum is the digest of a file's contents; zero if it cannot be read.
func fileSum(path string) [sha256.Size]byte {
	data, err := os.ReadFile(path)
	if err != nil {
		return [sha256.Size]byte{}
	}
	return sha256.Sum256(data)
}

// build makes a generation for cfg, recording its sources in the store.
// sum is the digest of the file cfg was read from.
func (a *app) build(ctx context.Context, cfg *config.Config, sum [sha256.Size]byte) (*generation, error) {
	sources := make([]store.Source, len(cfg.Sources))
	for i, src := range cfg.Sources {
		sources[i] = store.Source{ID: src.ID, Name: src.Name, URL: src.URL, Attribution: src.Attribution,
			Priority: src.Priority, Site: src.Site}
	}
	if err := a.store.SyncSources(ctx, sources); err != nil {
		return nil, err
	}
	a.store.SetDuplicateWindow(time.Duration(cfg.Duplicates.Window))
	pub := publisher.New(cfg, a.store)
	pub.ObserveCache(a.metrics.observeCache)
	agg := aggregator.New(cfg, a.store, aggregator.Options{
		OnChange: func(ids []string) { pub.Invalidate(ids...) },
		OnFetch:  a.metrics.observe,
		Guard:    fetchGuard(cfg),
	})
	g := &generation{cfg: cfg, sum: sum, agg: agg, pub: pub}
	if cfg.Admin.Enabled() {
		g.admin = admin.New(admin.Options{
			Token: cfg.Admin.Token, ConfigPath: cfg.Path, Backend: adminBackend{a},
			CheckURL: feedURLGuard(cfg), Log: a.log,
		})
	}
	return g, nil
}

func (a *app) current() *generation { return a.gen.Load() }

func (a *app) Close() error { return a.store.Close() }

// ServeHTTP answers the health checks and hands everything else to the
// current generation's publisher.
func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch path := r.URL.Path; {
	case path == "/metrics":
		a.metrics.handler().ServeHTTP(w, r)
	case path == "/healthz":
		a.metrics.count("health", w, r, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// The process is up and serving.
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintln(w, "ok")
		}))
	case path == "/readyz":
		a.metrics.count("health", w, r, http.HandlerFunc(a.ready))
	case path == "/status":
		a.metrics.count("status", w, r, http.HandlerFunc(a.serveStatus))
	case path == "/story":
		a.metrics.count("status", w, r, http.HandlerFunc(a.serveStory))
	case path == "/admin" || strings.HasPrefix(path, "/admin/"):
		g := a.current()
		if g.admin == nil || g.cfg.Admin.Listen != "" {
			http.Error(w, "404 page not found", http.StatusNotFound)
			return
		}
		a.metrics.count("admin", w, r, g.admin)
	case strings.HasPrefix(path, "/feeds/"):
		a.metrics.count("feed", w, r, a.current().pub.Handler())
	default:
		a.metrics.count("page", w, r, a.current().pub.Handler())
	}
}

// ready reports whether the database answers and the scheduler runs.
func (a *app) ready(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.store.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unreachable")
		a.log.Warn("readyz: database unreachable", "err", err)
		return
	}
	a.mu.Lock()
	serving, leading := a.serving, a.leading
	a.mu.Unlock()
	switch {
	case !serving:
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not serving yet")
	case leading:
		fmt.Fprintln(w, "ready: serving, and pulling partners on schedule")
	default:
		fmt.Fprintln(w, "ready: serving; another daemon on this database pulls partners on schedule")
	}
}

// reload loads the config file again and, if it is valid, swaps in a new
// generation: sources and schedules added, removed or changed take effect
// at once. An invalid file is reported and the running config stays.
func (a *app) reload(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	old := a.current()
	data, err := os.ReadFile(old.cfg.Path)
	if err != nil {
		return fmt.Errorf("reload rejected, keeping the running config: %w", err)
	}
	sum := sha256.Sum256(data)
	if sum == old.sum {
		// Already running on this file: the admin API applied it, or an
		// editor saved it without changes.
		return nil
	}
	cfg, err := config.Parse(data, old.cfg.Path)
	if err != nil {
		return fmt.Errorf("reload rejected, keeping the running config: %w", err)
	}
	a.adjust(cfg)
	if cfg.Storage != old.cfg.Storage {
		return fmt.Errorf("reload rejected: the database changed from %s to %s; restart to move it",
			old.cfg.Storage.Database(), cfg.Storage.Database())
	}
	if cfg.Server.Listen != old.cfg.Server.Listen {
		a.log.Warn("server.listen changed; it takes effect at the next restart", "listen", old.cfg.Server.Listen)
		cfg.Server.Listen = old.cfg.Server.Listen
	}
	if cfg.Admin.Listen != old.cfg.Admin.Listen {
		a.log.Warn("admin.listen changed; it takes effect at the next restart", "listen", old.cfg.Admin.Listen)
		cfg.Admin.Listen = old.cfg.Admin.Listen
	}

	g, err := a.build(ctx, cfg, sum)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	if a.leading {
		sched, err := aggregator.NewScheduler(cfg, g.agg, a.log)
		if err != nil {
			return fmt.Errorf("reload: %w", err)
		}
		// Let fetches of the old generation finish before the new one may
		// start the same source.
		stopCtx, cancel := context.WithTimeout(ctx, time.Duration(old.cfg.Fetch.Timeout))
		old.sched.Stop(stopCtx)
		cancel()
		g.sched = sched
		sched.Start()
	}
	a.gen.Store(g)
	a.log.Info("config reloaded", "path", cfg.Path, "sections", len(cfg.Sections), "sources", len(cfg.Sources))
	if a.leading {
		// New or re-pointed sources are pulled now rather than at their
		// first tick.
		for _, id := range changedSources(old.cfg, cfg) {
			go g.agg.Fetch(context.WithoutCancel(ctx), mustSource(cfg, id)).Log(a.log)
		}
	}
	return nil
}

// changedSources lists sources of next that are new or whose URL changed.
func changedSources(prev, next *config.Config) []string {
	var ids []string
	for _, src := range next.Sources {
		if old, ok := prev.SourceByID(src.ID); !ok || old.URL != src.URL {
			ids = append(ids, src.ID)
		}
	}
	return ids
}

func mustSource(cfg *config.Config, id string) config.Source {
	src, _ := cfg.SourceByID(id)
	return src
}

// serve runs the scheduler and the HTTP server until ctx is done, then shuts
// both down: the server stops accepting requests and finishes those in
// flight, fetches in flight finish their writes, and the store is closed by
// the caller. reloads delivers reload requests (SIGHUP, a changed file).
// ready, when not nil, receives the address the server listens on.
func (a *app) serve(ctx context.Context, reloads <-chan struct{}, ready func(addr string)) error {
	g := a.current()
	ln, err := net.Listen("tcp", g.cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", g.cfg.Server.Listen, err)
	}
	srv := &http.Server{
		Handler:           a,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 2)
	go func() { serveErr <- srv.Serve(ln) }()
	a.log.Info("serving", "addr", ln.Addr().String(), "base_url", g.cfg.Server.BaseURL, "sources", len(g.cfg.Sources))
	var adminSrv *http.Server
	switch {
	case g.cfg.Admin.Enabled() && g.cfg.Admin.Listen != "":
		adminLn, err := net.Listen("tcp", g.cfg.Admin.Listen)
		if err != nil {
			srv.Close()
			return fmt.Errorf("admin API: listen on %s: %w", g.cfg.Admin.Listen, err)
		}
		adminSrv = a.adminServer()
		adminSrv.ErrorLog = srv.ErrorLog
		go func() { serveErr <- adminSrv.Serve(adminLn) }()
		a.log.Info("admin API serving", "addr", adminLn.Addr().String())
	case g.cfg.Admin.Enabled():
		a.log.Info("admin API serving", "addr", ln.Addr().String(), "path", "/admin/")
	}

	// Feeds other daemons on the same database change are re-rendered here.
	syncCtx, stopSync := context.WithCancel(ctx)
	defer stopSync()
	if err := a.syncSections(syncCtx); err != nil {
		a.log.Warn("cannot read section changes", "err", err)
	}
	go a.watchSections(syncCtx)

	// One daemon on the database pulls partners on schedule: this one, if
	// it gets the scheduler lease (a lone daemon always does).
	pulls, cancelPulls := context.WithCancel(ctx)
	a.mu.Lock()
	a.serving = true
	a.mu.Unlock()
	if err := a.lead(ctx, pulls); err != nil {
		a.log.Warn("scheduler lease", "err", err)
	}
	if !a.isLeading() {
		a.log.Info("another daemon on this database holds the scheduler lease: serving, standing by to pull",
			"takeover_within", leaseTTL+leaseRenew)
	}
	leaseDone := make(chan struct{})
	go func() {
		defer close(leaseDone)
		a.watchLease(syncCtx, pulls)
	}()
	if ready != nil {
		ready(ln.Addr().String())
	}

	var stopErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-reloads:
			if err := a.reload(ctx); err != nil {
				a.log.Error(err.Error())
			}
		case err := <-serveErr:
			stopErr = fmt.Errorf("http server: %w", err)
			break loop
		}
	}

	a.log.Info("shutting down")
	stopSync()
	<-leaseDone
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cancelPulls()
	errs := []error{stopErr}
	if err := srv.Shutdown(shutdownCtx); err != nil {
		errs = append(errs, fmt.Errorf("http shutdown: %w", err))
	}
	if adminSrv != nil {
		if err := adminSrv.Shutdown(shutdownCtx); err != nil {
			errs = append(errs, fmt.Errorf("admin API shutdown: %w", err))
		}
	}
	a.mu.Lock()
	now, cancelNow := context.WithCancel(context.Background())
	cancelNow() // stop at once: fetches are cut short, their writes finish
	wasLeading := a.leading
	a.stopLeading(now, a.current().cfg)
	a.serving = false
	a.mu.Unlock()
	a.pulls.Wait()
	if wasLeading {
		// Another daemon may take over at once rather than after leaseTTL.
		if err := a.store.ReleaseLease(shutdownCtx, schedulerLease, a.holder); err != nil {
			a.log.Warn("scheduler lease", "err", err)
		}
	}
	return errors.Join(errs...)
}

func runDaemon(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	a, cfg, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	a.adjust = e.applyFlags
	reloads, stopWatching := watchReloads(ctx, cfg.Path, e.log)
	defer stopWatching()
	return a.serve(ctx, reloads, nil)
}

// runFetch pulls the sources now, showing each one's result as it
// finishes (see fetchDisplay).
func runFetch(ctx context.Context, e *env, ids []string) error {
	a, cfg, err := e.openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	total := len(ids)
	if total == 0 {
		total = len(cfg.Sources)
	}
	width, terminal := terminalWidth(e.stdout)
	display := newFetchDisplay(e.stdout, terminal, width, total)
	stop := display.start()
	reports := a.current().agg.FetchAllProgress(ctx, display.progress(), ids...)
	stop()
	failed := 0
	for _, rep := range reports {
		if rep.Err != nil {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d sources failed", failed, total)
	}
	return nil
}

// openApp loads the config the flags name and opens the app on it.
func (e *env) openApp(ctx context.Context) (*app, *config.Config, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	a, err := openApp(ctx, cfg, e.log)
	if err != nil {
		return nil, nil, err
	}
	return a, cfg, nil
}
