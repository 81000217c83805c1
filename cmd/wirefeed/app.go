package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"wirefeed/aggregator"
	"wirefeed/config"
	"wirefeed/publisher"
	"wirefeed/store"
)

// app is wirefeed wired together: the store, the aggregator that writes to
// it and the publisher that reads from it.
type app struct {
	cfg   *config.Config
	store *store.Store
	agg   *aggregator.Aggregator
	pub   *publisher.Publisher
	log   *slog.Logger
}

func openApp(ctx context.Context, cfg *config.Config, log *slog.Logger) (*app, error) {
	st, err := store.OpenSQLite(cfg.Storage.Path)
	if err != nil {
		return nil, err
	}
	sources := make([]store.Source, len(cfg.Sources))
	for i, src := range cfg.Sources {
		sources[i] = store.Source{ID: src.ID, Name: src.Name, URL: src.URL, Attribution: src.Attribution}
	}
	if err := st.SyncSources(ctx, sources); err != nil {
		st.Close()
		return nil, err
	}
	pub := publisher.New(cfg, st)
	agg := aggregator.New(cfg, st, aggregator.Options{OnChange: func(ids []string) { pub.Invalidate(ids...) }})
	return &app{cfg: cfg, store: st, agg: agg, pub: pub, log: log}, nil
}

func (a *app) Close() error { return a.store.Close() }

// serve runs the scheduler and the HTTP server until ctx is done, then shuts
// both down: the server stops accepting requests and finishes those in
// flight, fetches in flight finish their writes, and the store is closed by
// the caller. ready, when not nil, receives the address the server listens on.
func (a *app) serve(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", a.cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Server.Listen, err)
	}
	sched, err := aggregator.NewScheduler(a.cfg, a.agg, a.log)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           a.pub.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	a.log.Info("serving", "addr", ln.Addr().String(), "base_url", a.cfg.Server.BaseURL, "sources", len(a.cfg.Sources))
	if ready != nil {
		ready(ln.Addr().String())
	}

	// Pull everything once at start rather than waiting for the first tick.
	fetchCtx, cancelFetch := context.WithCancel(ctx)
	initial := make(chan struct{})
	go func() {
		defer close(initial)
		for _, rep := range a.agg.FetchAll(fetchCtx) {
			rep.Log(a.log)
		}
	}()
	sched.Start()

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		cancelFetch()
		sched.Stop(context.Background())
		<-initial
		return fmt.Errorf("http server: %w", err)
	}
	a.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cancelFetch()
	var errs []error
	if err := srv.Shutdown(shutdownCtx); err != nil {
		errs = append(errs, fmt.Errorf("http shutdown: %w", err))
	}
	if err := sched.Stop(shutdownCtx); err != nil {
		errs = append(errs, err)
	}
	<-initial
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func runDaemon(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, e.log)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.serve(ctx, nil)
}

func runFetch(ctx context.Context, e *env, ids []string) error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, e.log)
	if err != nil {
		return err
	}
	defer a.Close()
	failed := 0
	for _, rep := range a.agg.FetchAll(ctx, ids...) {
		if rep.Err != nil {
			failed++
			fmt.Fprintf(e.stdout, "%-12s error: %v\n", rep.Source, rep.Err)
			continue
		}
		fmt.Fprintf(e.stdout, "%-12s %d new, %d updated, %d unchanged (%d items, %s)\n",
			rep.Source, rep.New, rep.Updated, rep.Unchanged, rep.Items, rep.Took.Round(time.Millisecond))
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d sources failed", failed, max(len(ids), len(cfg.Sources)))
	}
	return nil
}
