package daemon

import (
	"context"
	"time"
)

// sectionSyncInterval is how often a serving daemon asks the database which
// sections changed, so feeds another daemon on the same database updated
// are rendered afresh here too.
const sectionSyncInterval = time.Second

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
		d.current().pub.Invalidate(changed...)
	}
	return nil
}

// watchSections runs syncSections every sectionSyncInterval until ctx is
// done.
func (d *Daemon) watchSections(ctx context.Context) {
	tick := time.NewTicker(sectionSyncInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := d.syncSections(ctx); err != nil && ctx.Err() == nil {
				d.log.Warn("cannot read section changes", "err", err)
			}
		}
	}
}
