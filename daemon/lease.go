package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"wirefeed/store"
)

// schedulerLease is the lease (store.AcquireLease) of the daemon that pulls
// the partners on schedule and prunes. Daemons sharing a database all serve
// feeds, but only the holder pulls, so a partner is not polled once per
// daemon; when the holder stops renewing, another takes over.
const schedulerLease = "scheduler"

// Lease timing: the holder renews every LeaseRenew; a daemon that stopped
// renewing (killed, paused, cut off from the database) loses the lease
// LeaseTTL after its last renewal, and a standby daemon, trying every
// LeaseRenew, has taken it over by LeaseTTL+LeaseRenew.
const (
	LeaseTTL   = 6 * time.Second
	LeaseRenew = 2 * time.Second
)

// lease is the scheduler lease as this daemon last took or renewed it.
type lease struct {
	epoch int64     // changes whenever the lease changes hands
	until time.Time // when it lapses unless renewed
}

// newHolderID names this daemon in leases: host, process and a random
// part, so that two runs never pass for one.
func newHolderID() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// lead takes or renews the scheduler lease and starts or stops pulling on
// schedule to match. Only Run's lease loop calls it, one call at a time.
func (d *Daemon) lead(ctx context.Context) error {
	now := d.now()
	held, epoch, err := d.store.AcquireLease(ctx, schedulerLease, d.holder, now, LeaseTTL)
	if err != nil {
		d.leaseErr.Store(&err)
		if d.leading.Load() && !d.leaseValid(d.now()) {
			// The lease lapsed for the others too: another daemon may pull now.
			d.leading.Store(false)
			return fmt.Errorf("lost the scheduler lease: %w", err)
		}
		return err
	}
	d.leaseErr.Store(nil)
	leading := d.leading.Load()
	switch {
	case held:
		d.lease.Store(&lease{epoch: epoch, until: now.Add(LeaseTTL)})
		d.leaseEnd.Store(now.Add(LeaseTTL).UnixNano())
		if leading || !d.serving.Load() {
			return nil
		}
		d.leading.Store(true)
		d.log.Info("pulling partners on schedule (holding the scheduler lease)", "holder", d.holder, "epoch", epoch)
		for _, src := range d.current().cfg.Sources {
			d.recordNextRun(src.ID, d.sched.Next(src.ID))
		}
		if d.claims == nil {
			// Every source that is due is pulled at once, catching up what
			// was missed while nobody held the lease, then on schedule.
			d.pullInBackground(d.current())
		}
	case leading:
		d.log.Warn("another daemon holds the scheduler lease now; standing by")
		d.leading.Store(false)
	}
	return nil
}

// leaseValid reports whether the lease this daemon took is unexpired at
// now by its own clock. A daemon paused past its lease's end (SIGSTOP, a
// stalled machine) finds it lapsed the moment it runs again, before it
// could learn from the database that another daemon took over.
func (d *Daemon) leaseValid(now time.Time) bool {
	l := d.lease.Load()
	return l != nil && now.Before(l.until)
}

// gate admits a scheduled run (aggregator.Gate). Pruning, and every pull
// where one daemon pulls for the database (SQLite), runs while this daemon
// holds a valid scheduler lease, under a context whose writes the store
// refuses once the lease has moved on (store.WithFence): a pull already
// running when the lease is lost stores nothing. Where daemons share the
// work (PostgreSQL), a pull runs on the daemon that claims it first for
// its due time (see claimDue).
func (d *Daemon) gate(ctx context.Context, source string, due time.Time) (context.Context, func(), bool) {
	if source != "" && d.claims != nil {
		return d.claimGate(ctx, source, due)
	}
	l := d.lease.Load()
	if !d.leading.Load() || l == nil || !d.now().Before(l.until) {
		return ctx, nil, false
	}
	return store.WithFence(ctx, store.Fence{Name: schedulerLease, Holder: d.holder, Epoch: l.epoch, Now: d.now, Until: &d.leaseEnd}), nil, true
}

// watchLease runs lead every LeaseRenew until ctx is done, and takes over
// lapsed pulls where daemons share them.
func (d *Daemon) watchLease(ctx context.Context) {
	every(ctx, LeaseRenew, func() {
		if err := d.lead(ctx); err != nil && ctx.Err() == nil {
			d.log.Warn("scheduler lease", "err", err)
		}
		if d.claims != nil {
			d.takeOverLapsed(ctx)
		}
	})
}

// every calls fn every interval until ctx is done.
func every(ctx context.Context, interval time.Duration, fn func()) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			fn()
		}
	}
}

// releaseLease gives the scheduler lease up, if held, so that another
// daemon may take over at once rather than after LeaseTTL.
func (d *Daemon) releaseLease(ctx context.Context) {
	if !d.leading.Swap(false) {
		return
	}
	d.lease.Store(nil)
	if err := d.store.ReleaseLease(ctx, schedulerLease, d.holder); err != nil {
		d.log.Warn("scheduler lease", "err", err)
	}
}

// recordNextRun writes a source's next scheduled run to the database while
// this daemon pulls on schedule, so that `wirefeed sources` and the other
// daemons' /status show the scheduler's own answer. One small UPDATE per
// scheduled run; a failure is only logged.
func (d *Daemon) recordNextRun(id string, next time.Time) {
	if !d.leading.Load() {
		return
	}
	if err := d.store.SetNextRun(context.Background(), id, next); err != nil {
		d.log.Warn("could not record the next run", "source", id, "err", err)
	}
}
