package daemon

import (
	"context"
	"time"
)

// With several daemons on one PostgreSQL database every daemon that pulls
// (role all or pull) runs the whole schedule, and each scheduled pull is
// claimed in the database for its due time (store.PullClaims): the first
// daemon to claim a source's due time pulls it, the others skip it, so
// each source is pulled once per due time across the site. A claim is
// renewed while its pull runs and lapses soon after its daemon dies or
// loses the database; another daemon then takes the pull over
// (takeOverLapsed). "@every" schedules are aligned on fixed multiples of
// their period so that every daemon computes the same due times.

// pulling reports whether this daemon starts pulls by itself: it holds the
// scheduler lease, or daemons share the work and it is not serve-only.
func (d *Daemon) pulling() bool {
	if d.claims != nil {
		return d.role != RoleServe
	}
	return d.leading.Load()
}

// claimGate admits the scheduled pull of source due at due if this daemon
// claims it first.
func (d *Daemon) claimGate(ctx context.Context, source string, due time.Time) (context.Context, func(), bool) {
	if d.role == RoleServe {
		return ctx, nil, false
	}
	won, epoch, err := d.claims.ClaimDue(ctx, source, due)
	if err != nil {
		d.log.Warn("cannot claim a pull", "source", source, "err", err)
		return ctx, nil, false
	}
	if !won {
		return ctx, nil, false // another daemon pulls it for this due time
	}
	// The pull releases the claim when it ends; this only covers a run
	// that ends before it starts pulling (the source rests, say).
	return ctx, func() { d.claims.Release(context.WithoutCancel(ctx), source, epoch) }, true
}

// claimDue claims, for their current due times, the sources of g named by
// ids (default: all, paused ones aside), and returns those this daemon
// won, and the function that gives up the claims its pulls did not use:
// the pulls a daemon starts by itself (at start, after a reload adding
// sources) are shared out like scheduled ones.
func (d *Daemon) claimDue(g *generation, ids []string) ([]string, func()) {
	if len(ids) == 0 {
		for _, src := range g.cfg.Sources {
			if !src.Paused {
				ids = append(ids, src.ID)
			}
		}
	}
	now := d.now()
	var won []string
	var releases []func()
	for _, id := range ids {
		src, ok := g.cfg.SourceByID(id)
		if !ok {
			continue
		}
		if _, release, ok := d.claimGate(d.pullCtx, id, d.sched.Due(g.cfg, src, now)); ok {
			won, releases = append(won, id), append(releases, release)
		}
	}
	return won, func() {
		for _, release := range releases {
			release()
		}
	}
}

// takeOverLapsed pulls the sources whose claims lapsed mid-pull (their
// daemon died or lost the database): within LeaseTTL+LeaseRenew of its
// last renewal, a pull cut short is made again, once.
func (d *Daemon) takeOverLapsed(ctx context.Context) {
	lapsed, err := d.claims.LapsedClaims(ctx)
	if err != nil {
		d.log.Warn("cannot look for lapsed pulls", "err", err)
		return
	}
	var ids []string
	for _, l := range lapsed {
		// Only the claim as listed: one released or taken meanwhile (a
		// pull that ended, another daemon's takeover) is left alone.
		if won, err := d.claims.TakeOver(ctx, l); err == nil && won {
			ids = append(ids, l.Source)
		}
	}
	if len(ids) == 0 {
		return
	}
	d.log.Info("taking over pulls another daemon left unfinished", "sources", ids)
	g := d.current()
	d.background.Go(func() {
		g.agg.FetchAllProgress(d.pullCtx, d.logEach(), ids...)
	})
}
