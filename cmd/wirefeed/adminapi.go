package main

import (
	"context"
	"net/http"
	"time"

	"wirefeed/aggregator"
	"wirefeed/config"
	"wirefeed/netguard"
)

// adminBackend is the running daemon as the admin API drives it.
type adminBackend struct{ a *app }

// Reload applies the config file the admin API has just written.
func (b adminBackend) Reload(ctx context.Context) error {
	return b.a.reload(context.WithoutCancel(ctx))
}

// Config is the config the daemon runs on.
func (b adminBackend) Config() *config.Config { return b.a.current().cfg }

// Fetch pulls one source now, whatever its rest or pause.
func (b adminBackend) Fetch(ctx context.Context, id string) (any, error) {
	g := b.a.current()
	src, _ := g.cfg.SourceByID(id)
	// The pull finishes even if the client gives up waiting. One already in
	// progress (the scheduler's, or the one a reload starts for a new
	// source) is waited for, then the source is pulled again.
	rep := g.agg.Fetch(context.WithoutCancel(ctx), src)
	for rep.Skipped {
		if err := g.agg.WaitIdle(ctx, id); err != nil {
			return fetchReport(rep), err
		}
		rep = g.agg.Fetch(context.WithoutCancel(ctx), src)
	}
	rep.Log(b.a.log)
	out := fetchReport(rep)
	if rep.Err != nil {
		return out, rep.Err
	}
	return out, nil
}

// Reroute places stored stories where the running config routes them; the
// changed sections are re-rendered here at once (other daemons on the
// database within a second).
func (b adminBackend) Reroute(ctx context.Context, since time.Duration, dryRun bool) (any, error) {
	g := b.a.current()
	var from time.Time
	if since > 0 {
		from = time.Now().Add(-since)
	}
	res, err := b.a.store.Reroute(ctx, from, rerouteSections(g.cfg), dryRun)
	if err != nil {
		return nil, err
	}
	if !dryRun {
		var changed []string
		for id := range res.Added {
			changed = append(changed, id)
		}
		for id := range res.Removed {
			changed = append(changed, id)
		}
		g.pub.Invalidate(changed...)
	}
	return map[string]any{"examined": res.Examined, "moved": res.Moved, "dry_run": dryRun,
		"added": res.Added, "removed": res.Removed}, nil
}

// SourceStates is each source's fetch state, as /status shows it.
func (b adminBackend) SourceStates(ctx context.Context) (map[string]any, error) {
	g := b.a.current()
	var next func(string) time.Time
	if g.sched != nil {
		next = g.sched.Next
	}
	rows, err := sourceStatuses(ctx, g.cfg, b.a.store, next, time.Now())
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(rows))
	for _, row := range rows {
		out[row.ID] = row
	}
	return out, nil
}

// fetchReportJSON is a fetch report as the admin API answers it.
type fetchReportJSON struct {
	Source      string    `json:"source"`
	Items       int       `json:"items"`
	New         int       `json:"new"`
	Updated     int       `json:"updated"`
	Unchanged   int       `json:"unchanged"`
	Duplicates  int       `json:"duplicates"`
	NotModified bool      `json:"not_modified"`
	Skipped     bool      `json:"skipped,omitempty"`
	Discovered  string    `json:"discovered,omitempty"`
	Moved       string    `json:"moved,omitempty"`
	Identity    string    `json:"identity,omitempty"`
	Disabled    bool      `json:"disabled,omitempty"`
	NextRun     time.Time `json:"not_before,omitzero"`
	TookMS      int64     `json:"took_ms"`
	Error       string    `json:"error,omitempty"`
}

func fetchReport(rep aggregator.Report) fetchReportJSON {
	out := fetchReportJSON{
		Source: rep.Source, Items: rep.Items, New: rep.New, Updated: rep.Updated, Unchanged: rep.Unchanged,
		Duplicates: rep.Duplicates, NotModified: rep.NotModified, Skipped: rep.Skipped, Discovered: rep.Discovered, Moved: rep.Moved,
		Identity: rep.Identity, Disabled: rep.Disabled, NextRun: rep.NotBefore, TookMS: rep.Took.Milliseconds(),
	}
	if rep.Err != nil {
		out.Error = rep.Err.Error()
	}
	return out
}

// adminServer is the HTTP server of a separate admin.listen address: the
// admin API of the current generation, and nothing else.
func (a *app) adminServer() *http.Server {
	return &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			g := a.current()
			if g.admin == nil {
				http.Error(w, "admin API off: set admin.token", http.StatusNotFound)
				return
			}
			a.metrics.count("admin", w, r, g.admin)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// A pull asked for through the API may take the whole fetch.timeout.
		WriteTimeout: 5 * time.Minute,
		IdleTimeout:  120 * time.Second,
	}
}

// fetchGuard is the policy every fetch connection must pass. With the admin
// API on, anyone holding its token could point a source anywhere, so
// loopback and private addresses are refused too unless
// fetch.allow_networks lists them; link-local and cloud metadata addresses
// are refused always (nil: the aggregator's default, which does that).
func fetchGuard(cfg *config.Config) *netguard.Policy {
	if !cfg.Admin.Enabled() {
		return nil
	}
	return &netguard.Policy{DenyPrivate: true, Allow: cfg.Fetch.AllowPrefixes()}
}

// feedURLGuard returns the check a feed URL given through the admin API
// must pass before it is written to the config: its host resolves only to
// addresses fetchGuard allows. Fetches check again at every connection.
func feedURLGuard(cfg *config.Config) func(context.Context, string) error {
	policy := netguard.Policy{DenyPrivate: true, Allow: cfg.Fetch.AllowPrefixes()}
	return func(ctx context.Context, rawURL string) error {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return policy.CheckURL(ctx, rawURL, nil)
	}
}
