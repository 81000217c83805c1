package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"
)

// schedulerLease is the lease (store.AcquireLease) of the daemon that pulls the
// partners on schedule and prunes. Daemons sharing a database all serve
// feeds, but only the holder pulls, so a partner is not polled once per
// daemon; when the holder stops renewing, another takes over.
const schedulerLease = "scheduler"

// Lease timing: the holder renews every LeaseRenew; a daemon that stopped
// renewing loses the lease LeaseTTL after its last renewal.
const (
	LeaseTTL   = 30 * time.Second
	LeaseRenew = 10 * time.Second
)

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
	held, err := d.store.AcquireLease(ctx, schedulerLease, d.holder, d.now(), LeaseTTL)
	leading := d.leading.Load()
	switch {
	case err != nil && leading:
		// The database is unreachable: keep pulling until the lease lapses
		// for the others too, then stand by.
		if d.now().Before(d.leaseUntil) {
			return err
		}
		d.leading.Store(false)
		return fmt.Errorf("lost the scheduler lease: %w", err)
	case err != nil:
		return err
	case held && !leading:
		d.leaseUntil = d.now().Add(LeaseTTL)
		if !d.serving.Load() {
			return nil // shutting down
		}
		d.leading.Store(true)
		d.log.Info("pulling partners on schedule (holding the scheduler lease)", "holder", d.holder)
		// Every source that is due is pulled at once, not at its first tick.
		d.pullInBackground(d.current(), true)
	case held:
		d.leaseUntil = d.now().Add(LeaseTTL)
	case !held && leading:
		d.log.Warn("another daemon holds the scheduler lease now; standing by")
		d.leading.Store(false)
	}
	return nil
}

// watchLease runs lead every LeaseRenew until ctx is done.
func (d *Daemon) watchLease(ctx context.Context) {
	tick := time.NewTicker(LeaseRenew)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := d.lead(ctx); err != nil && ctx.Err() == nil {
				d.log.Warn("scheduler lease", "err", err)
			}
		}
	}
}

// releaseLease gives the scheduler lease up, if held, so that another
// daemon may take over at once rather than after LeaseTTL.
func (d *Daemon) releaseLease(ctx context.Context) {
	if !d.leading.Swap(false) {
		return
	}
	if err := d.store.ReleaseLease(ctx, schedulerLease, d.holder); err != nil {
		d.log.Warn("scheduler lease", "err", err)
	}
}
