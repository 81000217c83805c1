package daemon

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"time"

	"wirefeed/config"
)

// ConfigPollInterval is how often a running daemon looks at its config
// file for changes. Polling the file's contents, unlike watching its inode,
// survives editors and deploy tools that replace the file rather than
// rewrite it.
const ConfigPollInterval = 2 * time.Second

// Reload loads the config file again and, if it is valid and differs from
// the one running, switches to it: sources and sections added, removed or
// changed take effect at once, schedules that did not change keep their
// phase, new or re-pointed sources are pulled now (when this daemon pulls
// on schedule). An invalid file is refused with its problems and the
// running config stays.
func (d *Daemon) Reload(ctx context.Context) error {
	for {
		old := d.current()
		load := d.load
		if d.nodePath != "" {
			load = d.loadShared
		}
		g, err := load(ctx, old)
		if err != nil || g == nil {
			return err
		}
		// Two reloads may build at once (the poller and the admin API): the
		// first to finish is swapped in, the other starts again from it.
		if !d.swap(old, g) {
			continue
		}
		d.log.Info("config reloaded", "path", g.cfg.Path, "sections", len(g.cfg.Sections), "sources", len(g.cfg.Sources))
		if ids := changedSources(old.cfg, g.cfg); len(ids) > 0 && d.pulling() {
			// New or re-pointed sources are pulled now rather than at their
			// first tick, in the background: a reload never waits on a partner.
			d.pullInBackground(g, ids...)
		}
		return nil
	}
}

// load reads the config file and builds a generation for it, or returns
// nil when the file is the one old runs on.
func (d *Daemon) load(ctx context.Context, old *generation) (*generation, error) {
	data, err := os.ReadFile(old.cfg.Path)
	if err != nil {
		return nil, fmt.Errorf("reload rejected, keeping the running config: %w", err)
	}
	sum := sha256.Sum256(data)
	if sum == old.sum {
		return nil, nil // already running on this file (an admin change, a save without changes)
	}
	cfg, err := config.Parse(data, old.cfg.Path)
	if err != nil {
		return nil, fmt.Errorf("reload rejected, keeping the running config: %w", err)
	}
	d.adjust(cfg)
	if err := d.keepRestartOnly(old.cfg, cfg); err != nil {
		return nil, err
	}
	g, err := d.build(ctx, cfg, sum)
	if err != nil {
		return nil, fmt.Errorf("reload: %w", err)
	}
	g.fileSum = sum
	return g, nil
}

// swap makes g the running generation if old still is, and hands its
// config to what outlives reloads. It does no I/O.
func (d *Daemon) swap(old, g *generation) bool {
	d.swapMu.Lock()
	defer d.swapMu.Unlock()
	if !d.gen.CompareAndSwap(old, g) {
		return false
	}
	// The config was validated: every schedule parses.
	if err := d.sched.Apply(g.cfg, g.agg); err != nil {
		d.log.Error("reload: scheduling", "err", err)
	}
	d.admin.Configure(g.cfg.Admin)
	d.reloads.Add(1)
	return true
}

// keepRestartOnly refuses a reload that moves the database and keeps the
// listen addresses of old (they change at the next restart).
func (d *Daemon) keepRestartOnly(old, cfg *config.Config) error {
	if cfg.Storage != old.Storage {
		return fmt.Errorf("reload rejected: the database changed from %s to %s; restart to move it",
			old.Storage.Database(), cfg.Storage.Database())
	}
	if cfg.Server.Listen != old.Server.Listen {
		d.log.Warn("server.listen changed; it takes effect at the next restart", "listen", old.Server.Listen)
		cfg.Server.Listen = old.Server.Listen
	}
	if cfg.Admin.Listen != old.Admin.Listen {
		d.log.Warn("admin.listen changed; it takes effect at the next restart", "listen", old.Admin.Listen)
		cfg.Admin.Listen = old.Admin.Listen
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

// watchConfig reloads whenever the config file's contents differ from
// those the daemon runs on, looking every interval until ctx is done.
func (d *Daemon) watchConfig(ctx context.Context, interval time.Duration) {
	w := fileWatch{path: d.configFile()}
	every(ctx, interval, func() {
		if !d.configChanged(&w) {
			return
		}
		d.log.Info("config file changed: reloading", "path", w.path)
		if err := d.Reload(ctx); err != nil {
			d.log.Error(err.Error())
		}
	})
}

// configFile is the file this daemon reads its config (or, with the site's
// config in the database, its own keys) from.
func (d *Daemon) configFile() string {
	if d.nodePath != "" {
		return d.nodePath
	}
	return d.current().cfg.Path
}

// configChanged reports whether the file w watches holds a config to
// reload: readable, not the one running and not one refused already. A
// change the daemon made itself (the admin API saves, then reloads) is
// running by the time it is seen here, so it causes no second reload.
func (d *Daemon) configChanged(w *fileWatch) bool {
	sum, ok := w.sum()
	if !ok || sum == d.current().fileSum || sum == w.tried {
		return false
	}
	w.tried = sum
	return true
}

// fileWatch reads a file's digest, skipping the read while its size and
// modification time stay the same.
type fileWatch struct {
	path    string
	modTime time.Time
	size    int64
	last    [sha256.Size]byte
	tried   [sha256.Size]byte // the contents last reloaded from
}

// sum returns the digest of the file's contents; false when it cannot be
// read (the running config stays).
func (w *fileWatch) sum() ([sha256.Size]byte, bool) {
	info, err := os.Stat(w.path)
	if err != nil {
		return [sha256.Size]byte{}, false
	}
	if info.ModTime().Equal(w.modTime) && info.Size() == w.size {
		return w.last, true
	}
	data, err := os.ReadFile(w.path)
	if err != nil {
		return [sha256.Size]byte{}, false
	}
	w.modTime, w.size, w.last = info.ModTime(), info.Size(), sha256.Sum256(data)
	return w.last, true
}
