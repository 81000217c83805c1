package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"sync"
	"time"

	"golang.org/x/net/netutil"
)

// RunOptions tune Run; the zero value is ready to use.
type RunOptions struct {
	// Reloads asks for a reload each time it receives (SIGHUP).
	Reloads <-chan struct{}
	// PollConfig is how often the config file is looked at for changes
	// (ConfigPollInterval for a real daemon); 0: never.
	PollConfig time.Duration
	// Ready, when not nil, is called with the address the server listens
	// on once it serves.
	Ready func(addr string)
}

// Run serves HTTP, pulls partners on schedule while this daemon holds the
// scheduler lease and follows config changes until ctx is done, then shuts
// down: the servers stop accepting requests and finish those in flight,
// pulls in flight are cut short and finish their writes, and the lease is
// given up. The caller closes the daemon afterwards.
func (d *Daemon) Run(ctx context.Context, opts RunOptions) error {
	cfg := d.current().cfg
	servers, addr, serveErr, err := d.listen(cfg.Server.Listen, cfg.Admin.Listen)
	if err != nil {
		return err
	}
	d.log.Info("serving", "addr", addr, "base_url", cfg.Server.BaseURL, "sources", len(cfg.Sources))

	loops, stopLoops := context.WithCancel(ctx)
	defer stopLoops()
	var running sync.WaitGroup
	d.startLoops(loops, &running, opts.PollConfig)
	if opts.Ready != nil {
		opts.Ready(addr)
	}

	var stopErr error
wait:
	for {
		select {
		case <-ctx.Done():
			break wait
		case <-opts.Reloads:
			d.log.Info("SIGHUP: reloading config", "path", d.configFile())
			if err := d.Reload(ctx); err != nil {
				d.log.Error(err.Error())
			}
		case err := <-serveErr:
			stopErr = fmt.Errorf("http server: %w", err)
			break wait
		}
	}
	d.log.Info("shutting down")
	stopLoops()
	running.Wait()
	return errors.Join(stopErr, d.shutdown(servers))
}

// startLoops starts, under ctx, what runs beside the servers: the section
// change sync, the lease loop (after taking the lease if free) and the
// config file poller; and the scheduler.
func (d *Daemon) startLoops(ctx context.Context, running *sync.WaitGroup, pollConfig time.Duration) {
	// Feeds other daemons on the same database change are re-rendered here.
	if err := d.syncSections(ctx); err != nil {
		d.log.Warn("cannot read section changes", "err", err)
	}
	running.Go(func() { d.watchSections(ctx) })
	if d.store.Listens() {
		running.Go(func() { d.listenSections(ctx) })
	}
	if d.nodePath != "" {
		running.Go(func() { d.watchSiteConfig(ctx, d.syncEvery) })
	}
	d.serving.Store(true)
	if d.role != RoleServe {
		d.sched.Start()
	}
	if d.claims != nil && d.role != RoleServe {
		// Every source due now is pulled at once, shared out by claims.
		d.pullInBackground(d.current())
	}
	if d.role == RoleServe {
		d.log.Info("serving only (role serve): partners are pulled by other daemons on this database")
	} else {
		// One daemon on the database pulls partners on schedule: this one,
		// if it gets the scheduler lease (a lone daemon always does).
		if err := d.lead(ctx); err != nil {
			d.log.Warn("scheduler lease", "err", err)
		}
		if !d.leading.Load() {
			d.log.Info("another daemon on this database holds the scheduler lease: serving, standing by to pull",
				"takeover_within", LeaseTTL+LeaseRenew)
		}
		running.Go(func() { d.watchLease(ctx) })
	}
	if pollConfig > 0 {
		running.Go(func() { d.watchConfig(ctx, pollConfig) })
	}
}

// listen starts the HTTP servers: the public one on listen and, when the
// admin API has an address of its own, that one. serveErr receives an
// error if either stops by itself.
func (d *Daemon) listen(listen, adminListen string) (servers []*http.Server, addr string, serveErr chan error, err error) {
	handler := d.web
	errorLog := slog.NewLogLogger(d.log.Handler(), slog.LevelWarn)
	serveErr = make(chan error, 2)
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, "", nil, fmt.Errorf("listen on %s: %w", listen, err)
	}
	cfg := d.current().cfg
	// Connections past the cap wait to be accepted: bounded goroutines and
	// memory whatever a client floods us with.
	ln = netutil.LimitListener(ln, cfg.Server.MaxConnections)
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          errorLog,
	}
	go func() { serveErr <- srv.Serve(ln) }()
	servers = []*http.Server{srv}
	switch {
	case cfg.Admin.Enabled() && adminListen != "":
		adminLn, err := net.Listen("tcp", adminListen)
		if err != nil {
			srv.Close()
			return nil, "", nil, fmt.Errorf("admin API: listen on %s: %w", adminListen, err)
		}
		adminLn = netutil.LimitListener(adminLn, adminMaxConnections)
		adminSrv := &http.Server{
			Handler:           handler.AdminOnly(),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			// A pull asked for through the API may take the whole fetch.timeout.
			WriteTimeout: 5 * time.Minute,
			IdleTimeout:  120 * time.Second,
			ErrorLog:     errorLog,
		}
		go func() { serveErr <- adminSrv.Serve(adminLn) }()
		servers = append(servers, adminSrv)
		d.log.Info("admin API serving", "addr", adminLn.Addr().String())
	case cfg.Admin.Enabled():
		d.log.Info("admin API serving", "addr", ln.Addr().String(), "path", "/admin/")
	}
	return servers, ln.Addr().String(), serveErr, nil
}

// adminMaxConnections caps the connections of a separate admin address:
// a few editors and scripts.
const adminMaxConnections = 64

// shutdown stops the servers (finishing requests in flight), the scheduler
// and the daemon's pulls, and gives up the scheduler lease.
func (d *Daemon) shutdown(servers []*http.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	for _, srv := range servers {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("http shutdown: %w", err))
		}
	}
	d.serving.Store(false)
	d.stopBackground()
	d.releaseLease(ctx)
	return errors.Join(errs...)
}

// Admin is the admin API's handler (whether or not the config turns it
// on: web checks).
func (d *Daemon) Admin() http.Handler { return d.admin }

// Console is the editors' console (whether or not the config turns the
// admin API on: web checks).
func (d *Daemon) Console() http.Handler { return d.console }
