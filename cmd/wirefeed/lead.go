package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"wirefeed/aggregator"
	"wirefeed/config"
)

// schedulerLease is the lease (store.Lease) of the daemon that pulls the
// partners on schedule and prunes. Daemons sharing a database all serve
// feeds, but only the holder pulls, so a partner is not polled once per
// daemon; when the holder stops renewing, another takes over.
const schedulerLease = "scheduler"

// Lease timing: the holder renews every leaseRenew; a daemon that stopped
// renewing loses the lease leaseTTL after its last renewal.
const (
	leaseTTL   = 30 * time.Second
	leaseRenew = 10 * time.Second
)

// newHolderID names this daemon in the lease: host, process and a random
// part, so that two runs never pass for one.
func newHolderID() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// lead takes or renews the scheduler lease and starts or stops this
// daemon's scheduler to match. pulls is the context scheduled and start-up
// pulls run under.
func (a *app) lead(ctx, pulls context.Context) error {
	held, err := a.store.AcquireLease(ctx, schedulerLease, a.holder, a.now(), leaseTTL)
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case err != nil && a.leading:
		// The database is unreachable: keep pulling until the lease lapses
		// for the others too, then stand by.
		if a.now().Before(a.leaseUntil) {
			return err
		}
		a.stopLeading(ctx, a.current().cfg)
		return fmt.Errorf("lost the scheduler lease: %w", err)
	case err != nil:
		return err
	case held && !a.leading:
		a.leaseUntil = a.now().Add(leaseTTL)
		if !a.serving {
			return nil // shutting down
		}
		return a.startLeading(pulls)
	case held:
		a.leaseUntil = a.now().Add(leaseTTL)
	case !held && a.leading:
		a.log.Warn("another daemon holds the scheduler lease now; standing by")
		a.stopLeading(ctx, a.current().cfg)
	}
	return nil
}

// isLeading reports whether this daemon pulls partners on schedule.
func (a *app) isLeading() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.leading
}

// startLeading starts the current generation's scheduler and pulls every
// source that is due at once. a.mu must be held.
func (a *app) startLeading(pulls context.Context) error {
	g := a.current()
	sched, err := aggregator.NewScheduler(g.cfg, g.agg, a.log)
	if err != nil {
		return err
	}
	g.sched, a.leading = sched, true
	sched.Start()
	a.log.Info("pulling partners on schedule (holding the scheduler lease)", "holder", a.holder)
	a.pulls.Go(func() {
		for _, rep := range g.agg.FetchAllDue(pulls) {
			rep.Log(a.log)
		}
	})
	return nil
}

// stopLeading stops the scheduler, giving fetches in flight until ctx ends,
// and at most cfg's fetch timeout, to finish. a.mu must be held.
func (a *app) stopLeading(ctx context.Context, cfg *config.Config) {
	g := a.current()
	if g.sched != nil {
		ctx, cancel := context.WithTimeout(ctx, time.Duration(cfg.Fetch.Timeout))
		g.sched.Stop(ctx)
		cancel()
		g.sched = nil
	}
	a.leading = false
}

// watchLease runs lead every leaseRenew until ctx is done.
func (a *app) watchLease(ctx, pulls context.Context) {
	tick := time.NewTicker(leaseRenew)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := a.lead(ctx, pulls); err != nil && ctx.Err() == nil {
				a.log.Warn("scheduler lease", "err", err)
			}
		}
	}
}
