package main

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
func (a *app) syncSections(ctx context.Context) error {
	versions, err := a.store.SectionVersions(ctx)
	if err != nil {
		return err
	}
	a.syncMu.Lock()
	defer a.syncMu.Unlock()
	if a.versions != nil {
		var changed []string
		for id, v := range versions {
			if a.versions[id] != v {
				changed = append(changed, id)
			}
		}
		if len(changed) > 0 {
			a.current().pub.Invalidate(changed...)
		}
	}
	a.versions = versions
	return nil
}

// watchSections runs syncSections every sectionSyncInterval until ctx is
// done.
func (a *app) watchSections(ctx context.Context) {
	tick := time.NewTicker(sectionSyncInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := a.syncSections(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("cannot read section changes", "err", err)
			}
		}
	}
}
