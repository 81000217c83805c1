package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"wirefeed/aggregator"
	"wirefeed/store"
)

// failed is an error and when it happened.
type failed struct {
	err error
	at  time.Time
}

// observe follows every pull's report: metrics, and whether the database
// took its writes (a full disk, a lost database), for /readyz.
func (d *Daemon) observe(rep aggregator.Report) {
	d.metrics.observe(rep)
	switch {
	case errors.Is(rep.Err, aggregator.ErrStore) && !errors.Is(rep.Err, store.ErrFenced):
		d.writeErr.Store(&failed{err: rep.Err, at: d.now()})
	case rep.Skipped || rep.Paused || rep.Deferred || errors.Is(rep.Err, store.ErrFenced):
		// Nothing was written.
	default:
		d.writeErr.Store(nil)
	}
}

// Ready says whether the daemon does its work: the database answers and
// takes writes, it serves, and partners are pulled on schedule, by this
// daemon or by another one sharing the database. why is a sentence for
// an operator.
func (d *Daemon) Ready(ctx context.Context) (ok bool, why string) {
	if err := d.store.Ping(ctx); err != nil {
		return false, "database unreachable: " + err.Error()
	}
	if !d.serving.Load() {
		return false, "not serving yet"
	}
	if f := d.writeErr.Load(); f != nil {
		return false, fmt.Sprintf("serving, but the database refused a pull's writes at %s: %v", f.at.UTC().Format(time.RFC3339), f.err)
	}
	if err := d.leaseErr.Load(); err != nil {
		return false, "serving, but the scheduler lease cannot be renewed, so nothing is pulled on schedule: " + (*err).Error()
	}
	if d.leading.Load() {
		return true, "ready: serving, and pulling partners on schedule"
	}
	holder, until, err := d.store.LeaseHolder(ctx, schedulerLease)
	if err != nil {
		return false, "cannot read the scheduler lease: " + err.Error()
	}
	// A standby daemon takes a lapsed lease within LeaseRenew; longer than
	// that, and no daemon is pulling.
	if now := d.now(); holder == "" || now.After(until.Add(LeaseRenew+time.Second)) {
		return false, "serving, but no daemon pulls partners on schedule: the scheduler lease is free or lapsed"
	}
	return true, "ready: serving; another daemon on this database (" + holder + ") pulls partners on schedule"
}
