// Package daemon runs wirefeed: it opens the store, builds the aggregator
// and the publisher for the config, keeps them current as the config
// changes, pulls the partners on schedule while it holds the scheduler lease
// (one daemon per database does), and serves the HTTP surface of package
// web.
//
// What must outlive a reload is built once, in Open: the scheduler (so
// schedules keep their phase), the record of pulls in progress (so a source
// is never pulled twice at once), the admin API (whose lock serialises
// config writes) and the metrics. A reload builds only what depends on the
// config: a generation of aggregator and publisher.
package daemon

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"wirefeed/admin"
	"wirefeed/aggregator"
	"wirefeed/config"
	"wirefeed/console"
	"wirefeed/publisher"
	"wirefeed/site"
	"wirefeed/store"
	"wirefeed/web"
)

// Options tune a Daemon; the zero value is ready to use.
type Options struct {
	// Log receives the daemon's log (default: discarded).
	Log *slog.Logger
	// Adjust is applied to every config loaded, first or reloaded: the
	// command line's and the environment's overrides of the file.
	Adjust func(*config.Config)
	// Now is the clock leases are taken by (default time.Now).
	Now func() time.Time
	// SyncEvery is how often the database is asked which sections other
	// daemons changed (default SectionSyncInterval).
	SyncEvery time.Duration
	// Role is what this daemon does among several sharing a database
	// (default RoleAll).
	Role Role
}

// Daemon is wirefeed wired together on one store. It is safe for
// concurrent use.
type Daemon struct {
	store   *store.Store
	log     *slog.Logger
	adjust  func(*config.Config)
	now     func() time.Time
	holder  string // this daemon's name in leases
	metrics *metrics

	// Built once per process, handed each new config.
	pulls      *aggregator.Pulls
	sourceLock io.Closer         // the database's pull locks; nil on PostgreSQL
	claims     *store.PullClaims // on PostgreSQL: every daemon pulls, each pull claimed; nil on SQLite
	sched      *aggregator.Scheduler
	admin      *admin.Server
	console    *console.Console
	web        *web.Handler

	gen     atomic.Pointer[generation]
	swapMu  sync.Mutex // makes a generation's swap and scheduling one step; held for memory only
	reloads atomic.Int64

	serving  atomic.Bool            // Run is serving requests
	leading  atomic.Bool            // this daemon holds the scheduler lease and pulls on schedule
	lease    atomic.Pointer[lease]  // the scheduler lease as last taken or renewed
	leaseEnd atomic.Int64           // when it lapses, Unix nanoseconds: the fence's store.Fence.Until
	leaseErr atomic.Pointer[error]  // why the last renewal failed; nil after one succeeded
	writeErr atomic.Pointer[failed] // the last failed database write of a pull; nil after one succeeded

	// pullCtx is what pulls the daemon starts by itself (on taking the
	// lease, on a reload adding a source) run under; Run's end cancels it
	// and waits for them.
	pullCtx    context.Context
	stopPulls  context.CancelFunc
	background sync.WaitGroup

	syncEvery time.Duration
	role      Role
	// nodePath is this daemon's own config file where the site's config
	// lives in the database (PostgreSQL); "" when the file is the config.
	nodePath string
	syncMu   sync.Mutex       // guards versions
	versions map[string]int64 // section change counts last seen (sync.go)
}

// generation is everything built from one config.
type generation struct {
	cfg *config.Config
	sum [sha256.Size]byte // of what cfg was read from: the config file, or the daemon's file and the site config
	// fileSum is the digest of the daemon's config file as read.
	fileSum [sha256.Size]byte
	// siteVersion is the version of the site config in the database that
	// cfg holds (0: the config is the file's).
	siteVersion int64
	agg         *aggregator.Aggregator
	pub         *publisher.Publisher
	site        *site.Site
}

// Open opens the store cfg names and builds the daemon on it. Close it when
// done.
func Open(ctx context.Context, cfg *config.Config, opts Options) (*Daemon, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Adjust == nil {
		opts.Adjust = func(*config.Config) {}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	st, err := OpenStore(cfg, false)
	if err != nil {
		return nil, err
	}
	if opts.SyncEvery <= 0 {
		opts.SyncEvery = SectionSyncInterval
	}
	if opts.Role == "" {
		opts.Role = RoleAll
	}
	nodePath := ""
	if cfg.Storage.Postgres != "" {
		nodePath = cfg.Path // the site's config lives in the database
	}
	d := &Daemon{store: st, log: opts.Log, adjust: opts.Adjust, now: opts.Now, holder: newHolderID(), syncEvery: opts.SyncEvery, role: opts.Role, nodePath: nodePath}
	d.pullCtx, d.stopPulls = context.WithCancel(context.Background())
	if err := d.openProcessState(cfg); err != nil {
		st.Close()
		return nil, err
	}
	g, err := d.first(ctx, cfg)
	if err == nil {
		err = d.sched.Apply(g.cfg, g.agg)
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	d.gen.Store(g)
	d.admin.Configure(g.cfg.Admin)
	return d, nil
}

// first builds the generation a daemon starts on: cfg's, or where daemons
// share a database, the site config there (seeded from cfg's file the
// first time) with cfg's own keys.
func (d *Daemon) first(ctx context.Context, cfg *config.Config) (*generation, error) {
	if d.nodePath == "" {
		sum := fileSum(cfg.Path)
		g, err := d.build(ctx, cfg, sum)
		if err == nil {
			g.fileSum = sum
		}
		return g, err
	}
	host, _ := os.Hostname()
	if _, err := SeedSiteConfig(ctx, d.store, cfg.Path, "seeded from "+cfg.Path+" on "+host); err != nil {
		return nil, fmt.Errorf("site config: %w", err)
	}
	return d.loadShared(ctx, nil)
}

// openProcessState builds what lives as long as the process.
func (d *Daemon) openProcessState(cfg *config.Config) error {
	var lock aggregator.SourceLock
	if cfg.Storage.Postgres != "" {
		// Daemons share the work: each pull is claimed in the database.
		d.claims = &store.PullClaims{Store: d.store, Holder: d.holder, TTL: LeaseTTL, Renew: LeaseRenew, Now: d.now}
		lock = d.claims
	} else {
		fl, err := store.OpenFileSourceLock(cfg.Storage.Path)
		if err != nil {
			return err
		}
		lock, d.sourceLock = fl, fl
	}
	d.pulls = aggregator.NewPulls(lock)
	d.metrics = newMetrics(databaseSize(cfg, d.store), d.leading.Load)
	d.sched = aggregator.NewScheduler(d.log, aggregator.SchedulerOptions{Gate: d.gate, Aligned: d.claims != nil})
	d.sched.OnNext(d.recordNextRun)
	var configStore admin.ConfigStore
	if d.nodePath != "" {
		configStore = siteConfig{d}
	}
	d.admin = admin.New(admin.Options{
		ConfigPath: cfg.Path, Config: configStore, Backend: adminBackend{d}, CheckURL: d.checkFeedURL, Log: d.log,
		Audit: d.audit,
	})
	d.console = console.New(console.Options{API: d.admin, Store: d.store, Config: d.Config, Log: d.log})
	d.web = web.New(d, web.Options{
		Store: d.store, Log: d.log, Metrics: d.metrics.handler(), Observe: d.metrics.countRequest,
		OperatorOnly: d.role == RolePull,
	})
	return nil
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
func (d *Daemon) build(ctx context.Context, cfg *config.Config, sum [sha256.Size]byte) (*generation, error) {
	sources := make([]store.Source, len(cfg.Sources))
	for i, src := range cfg.Sources {
		sources[i] = store.Source{ID: src.ID, Name: src.Name, URL: src.URL, Attribution: src.Attribution,
			Priority: src.Priority, Site: src.Site}
	}
	if err := d.store.SyncSources(ctx, sources); err != nil {
		return nil, err
	}
	d.store.SetDuplicateWindow(time.Duration(cfg.Duplicates.Window))
	pub := publisher.New(cfg, d.store)
	pub.ObserveCache(d.metrics.observeCache)
	agg := aggregator.New(cfg, d.store, aggregator.Options{
		OnChange: func(ids []string) { pub.Invalidate(ids...) },
		OnFetch:  d.observe,
		Pulls:    d.pulls,
	})
	pages := site.New(cfg, d.store, pub, site.Options{Log: d.log})
	return &generation{cfg: cfg, sum: sum, agg: agg, pub: pub, site: pages}, nil
}

func (d *Daemon) current() *generation { return d.gen.Load() }

// Handler is the daemon's HTTP surface: what Run serves on
// server.listen.
func (d *Daemon) Handler() http.Handler { return d.web }

// Config is the config the daemon runs on now.
func (d *Daemon) Config() *config.Config { return d.current().cfg }

// Aggregator pulls the sources of the config the daemon runs on now.
func (d *Daemon) Aggregator() *aggregator.Aggregator { return d.current().agg }

// Publisher renders the feeds and pages of the config the daemon runs on
// now.
func (d *Daemon) Publisher() *publisher.Publisher { return d.current().pub }

// Site serves the reading site of the config the daemon runs on now.
func (d *Daemon) Site() http.Handler { return d.current().site }

// Store is the daemon's database.
func (d *Daemon) Store() *store.Store { return d.store }

// Leading reports whether this daemon holds the scheduler lease and pulls
// partners on schedule.
func (d *Daemon) Leading() bool { return d.leading.Load() }

// NextRun is when the scheduler next pulls a source (before its jitter), or
// the zero time while this daemon does not pull on schedule.
func (d *Daemon) NextRun(id string) time.Time {
	if !d.pulling() {
		return time.Time{}
	}
	return d.sched.Next(id)
}

// Reloads counts the configs the daemon has switched to since it opened.
func (d *Daemon) Reloads() int64 { return d.reloads.Load() }

// Close stops the scheduler and pulls the daemon started, and closes the
// store.
func (d *Daemon) Close() error {
	d.stopBackground()
	var err error
	if d.sourceLock != nil {
		err = d.sourceLock.Close()
	}
	if cerr := d.store.Close(); err == nil {
		err = cerr
	}
	return err
}

// stopBackground stops the scheduler at once (fetches in flight are cut
// short; their writes finish) and waits for the daemon's own pulls.
func (d *Daemon) stopBackground() {
	now, cancel := context.WithCancel(context.Background())
	cancel()
	d.sched.Stop(now)
	d.stopPulls()
	d.background.Wait()
}

// logEach logs each pull's report as it ends.
func (d *Daemon) logEach() aggregator.Progress {
	return aggregator.Progress{Finished: func(rep aggregator.Report) { rep.Log(d.log) }}
}

// pullInBackground pulls sources of g now (default: all), as the daemon's
// own work: due only (those resting or gone are left alone), and only
// those this daemon may pull now (it holds the scheduler lease; or, with
// daemons sharing the work, it won each source's claim for its current due
// time). Each is logged as it ends.
func (d *Daemon) pullInBackground(g *generation, ids ...string) {
	d.background.Go(func() {
		p := d.logEach()
		if d.claims != nil {
			won, release := d.claimDue(g, ids)
			defer release()
			if len(won) > 0 {
				g.agg.FetchDueProgress(d.pullCtx, p, won...)
			}
			return
		}
		ctx, _, ok := d.gate(d.pullCtx, "", time.Time{})
		if !ok {
			return
		}
		g.agg.FetchDueProgress(ctx, p, ids...)
	})
}
