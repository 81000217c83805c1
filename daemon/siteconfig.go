package daemon

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"wirefeed/config"
	"wirefeed/store"
)

// Where daemons share a PostgreSQL database the site's config is one
// versioned document in the database (store.SiteConfig): the admin API
// changes it there, `wirefeed config push` replaces it, and every daemon
// runs on the newest version, told of each as it is saved. A daemon's own
// file (config.ParseNode) keeps only where it listens, its database, its
// admin token and its logging; on first start it seeds the database with
// the rest of it.

// siteLabel names a version of the site's config in messages, as a file
// name would ("site config version 7:12: sources[1].url ...").
func siteLabel(version int64) string { return "site config version " + strconv.FormatInt(version, 10) }

// versionOf reads the version back from a siteLabel.
func versionOf(label string) (int64, bool) {
	v, err := strconv.ParseInt(strings.TrimPrefix(label, "site config version "), 10, 64)
	return v, err == nil && strings.HasPrefix(label, "site config version ")
}

// SeedSiteConfig makes the document in file the site's config if the
// database holds none yet, leaving out the daemon's own keys, and returns
// the newest version.
func SeedSiteConfig(ctx context.Context, st *store.Store, file string, author string) (store.SiteConfig, error) {
	sc, err := st.LatestSiteConfig(ctx)
	if !errors.Is(err, store.ErrNotFound) {
		return sc, err
	}
	if _, err := PushSiteConfig(ctx, st, file, author); err != nil && !errors.Is(err, config.ErrChangedMeanwhile) {
		return sc, fmt.Errorf("the database holds no site config yet, and %s cannot seed it: %w", file, err)
	}
	return st.LatestSiteConfig(ctx) // ours, or the one another daemon seeded first
}

// PushSiteConfig validates the config file as the site's config (without
// its daemon's own keys) and saves it as the next version.
func PushSiteConfig(ctx context.Context, st *store.Store, file string, author string) (int64, error) {
	doc, err := config.ReadDocument(file)
	if err != nil {
		return 0, err
	}
	doc.DropNodeKeys()
	return saveSiteDocument(ctx, st, doc, author)
}

// saveSiteDocument validates doc and saves it as the version after the
// newest: config.ErrChangedMeanwhile if another version was saved since
// doc's base (its label's version, or none).
func saveSiteDocument(ctx context.Context, st *store.Store, doc *config.Document, author string) (int64, error) {
	_, data, err := doc.Check()
	if err != nil {
		return 0, err
	}
	base, ok := versionOf(doc.Path())
	if !ok {
		latest, err := st.LatestSiteConfig(ctx)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return 0, err
		default:
			base = latest.Version
		}
	}
	version, err := st.SaveSiteConfig(ctx, base, data, author, time.Now())
	if errors.Is(err, store.ErrConfigVersionTaken) {
		return 0, fmt.Errorf("%w: %w", config.ErrChangedMeanwhile, err)
	}
	return version, err
}

// siteConfig is the site's config in the database as the admin API edits
// it (admin.ConfigStore).
type siteConfig struct{ d *Daemon }

// Read returns the newest version for editing.
func (s siteConfig) Read(ctx context.Context) (*config.Document, error) {
	sc, err := s.d.store.LatestSiteConfig(ctx)
	if err != nil {
		return nil, err
	}
	return config.ParseDocument(sc.Document, siteLabel(sc.Version))
}

// Save validates doc and saves it as the next version, unless another was
// saved since it was read.
func (s siteConfig) Save(ctx context.Context, doc *config.Document, author string) error {
	_, err := saveSiteDocument(ctx, s.d.store, doc, author)
	return err
}

// loadShared reads this daemon's own file and the newest site config and
// builds a generation for them, or returns nil when old runs on them.
func (d *Daemon) loadShared(ctx context.Context, old *generation) (*generation, error) {
	nodeData, err := os.ReadFile(d.nodePath)
	if err != nil {
		return nil, fmt.Errorf("reload rejected, keeping the running config: %w", err)
	}
	sc, err := d.store.LatestSiteConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("reload: %w", err)
	}
	sum := sha256.Sum256(append(append(nodeData, 0), sc.Document...))
	if old != nil && sum == old.sum {
		return nil, nil
	}
	cfg, err := d.sharedConfig(nodeData, sc)
	if err != nil {
		return nil, fmt.Errorf("reload rejected, keeping the running config: %w", err)
	}
	if old != nil {
		if err := d.keepRestartOnly(old.cfg, cfg); err != nil {
			return nil, err
		}
	}
	g, err := d.build(ctx, cfg, sum)
	if err != nil {
		return nil, fmt.Errorf("reload: %w", err)
	}
	g.siteVersion, g.fileSum = sc.Version, sha256.Sum256(nodeData)
	return g, nil
}

// sharedConfig is the config a daemon runs on: the site's config sc with
// the daemon's own keys from its file.
func (d *Daemon) sharedConfig(nodeData []byte, sc store.SiteConfig) (*config.Config, error) {
	node, err := config.ParseNode(nodeData, d.nodePath)
	if err != nil {
		return nil, err
	}
	d.adjust(node)
	site, err := config.Parse(sc.Document, siteLabel(sc.Version))
	if err != nil {
		return nil, err
	}
	return site.WithNode(node), nil
}

// reloadSiteConfig switches to the newest site config, told of it by the
// database or finding it at a poll.
func (d *Daemon) reloadSiteConfig(ctx context.Context) {
	if err := d.Reload(ctx); err != nil {
		d.log.Error(err.Error())
	}
}

// watchSiteConfig reloads when a newer site config than the running one
// is saved, looking every interval (the fallback of the notifications).
func (d *Daemon) watchSiteConfig(ctx context.Context, interval time.Duration) {
	every(ctx, interval, func() {
		v, err := d.store.SiteConfigVersion(ctx)
		if err == nil && v != d.current().siteVersion {
			d.reloadSiteConfig(ctx)
		}
	})
}
