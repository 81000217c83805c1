package daemon

import (
	"context"
	"time"

	"wirefeed/store"
)

// SectionSyncInterval is how often, by default, a serving daemon asks the
// database which sections changed, so feeds another daemon on the same
// database updated are rendered afresh here too (on PostgreSQL, changes
// are also announced as they commit: see listenSections).
const SectionSyncInterval = time.Second

// syncSections compares the sections' change counts in the database with
// those seen last time and drops the rendered feeds of sections that
// changed: another daemon sharing the database stored new stories. (This
// daemon's own fetches invalidate at once; seeing them here again costs one
// extra rendering.) The first call only takes note.
func (d *Daemon) syncSections(ctx context.Context) error {
	versions, err := d.store.SectionVersions(ctx)
	if err != nil {
		return err
	}
	var changed []string
	d.syncMu.Lock()
	if d.versions != nil {
		for id, v := range versions {
			if d.versions[id] != v {
				changed = append(changed, id)
			}
		}
	}
	d.versions = versions
	d.syncMu.Unlock()
	if len(changed) > 0 {
		// The daemon that made the change told the WebSub hub.
		d.current().pub.Refresh(changed...)
	}
	return nil
}

// watchSections runs syncSections every d.syncEvery until ctx is done.
func (d *Daemon) watchSections(ctx context.Context) {
	every(ctx, d.syncEvery, func() {
		if err := d.syncSections(ctx); err != nil && ctx.Err() == nil {
			d.log.Warn("cannot read section changes", "err", err)
		}
	})
}

// listenSections re-renders what other daemons change as soon as their
// transactions commit, on databases that announce changes (PostgreSQL
// LISTEN/NOTIFY); the polling of watchSections stays as the fallback while
// the listening connection is down. It reconnects, backing off, until ctx
// is done.
func (d *Daemon) listenSections(ctx context.Context) {
	backoff := time.Second
	for ctx.Err() == nil {
		err := d.store.ListenChanges(ctx, store.Listeners{
			Ready: func() { backoff = time.Second },
			Sections: func(string) {
				if err := d.syncSections(ctx); err != nil && ctx.Err() == nil {
					d.log.Warn("cannot read section changes", "err", err)
				}
			},
			Config: func(string) { d.reloadSiteConfig(ctx) },
		})
		if ctx.Err() != nil {
			return
		}
		d.log.Warn("not listening for other daemons' changes; polling every second meanwhile", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}
