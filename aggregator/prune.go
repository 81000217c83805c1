package aggregator

import (
	"context"
	"fmt"
	"time"

	"wirefeed/store"
)

// Prune applies the config's retention to the store: stories past
// retention.max_age, or beyond a source's newest retention.max_per_source,
// go (leaving tombstones so partners cannot bring them back), except those
// still inside a section's published window.
func (a *Aggregator) Prune(ctx context.Context) (store.PruneResult, error) {
	r := store.Retention{
		MaxAge:        time.Duration(a.cfg.Retention.MaxAge),
		MaxPerSource:  a.cfg.Retention.MaxPerSource,
		MaxPerSection: a.cfg.Retention.MaxPerSection,
	}
	for _, sec := range a.cfg.Sections {
		id := sec.ID
		if sec.All {
			id = ""
		}
		r.Windows = append(r.Windows, store.Window{Section: id, Limit: max(sec.Limit, 1)})
	}
	res, err := a.store.Prune(ctx, a.now(), r)
	if err != nil {
		return res, fmt.Errorf("aggregator: prune: %w", err)
	}
	return res, nil
}
