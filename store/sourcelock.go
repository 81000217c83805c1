package store

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// PullClaims keeps daemons sharing a PostgreSQL database from pulling one
// source at once, and from pulling it twice for one due time. A pull holds
// the lease "pull/ID" (see AcquireLease), renewed every Renew while it
// runs and lapsing TTL after the last renewal: a daemon that dies or is cut
// off from the database loses its claims within TTL, and another takes
// over the pulls it had under way (LapsedClaims).
type PullClaims struct {
	Store  *Store
	Holder string           // this daemon's name in leases
	TTL    time.Duration    // how long a claim holds without renewal
	Renew  time.Duration    // how often a running pull renews its claim
	Now    func() time.Time // nil: time.Now
}

// claimPrefix names the leases of pulls.
const claimPrefix = "pull/"

func (c PullClaims) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// ClaimDue claims the pull of source id for the scheduled time due: it
// succeeds for one daemon per due time (the first), and only while no
// pull of the source is under way. The claim is then held like a lock
// (TryLockSource by the same holder takes it over) and released by
// TryLockSource's unlock, or by Release.
func (c PullClaims) ClaimDue(ctx context.Context, id string, due time.Time) (won bool, epoch int64, err error) {
	name, now := claimPrefix+id, c.now().UTC()
	db := c.Store.db.WithContext(ctx)
	if err := db.Exec(c.Store.sql.addLease(), name, "", time.Unix(0, 0).UTC()).Error; err != nil {
		return false, 0, fmt.Errorf("store: claim %s: %w", name, err)
	}
	res := db.Exec("UPDATE leases SET epoch = epoch + 1, holder = ?, until = ?, due = ? "+
		"WHERE name = ? AND (due IS NULL OR due < ?) AND (holder = '' OR until < ?)",
		c.Holder, now.Add(c.TTL), due.UTC(), name, due.UTC(), now)
	if res.Error != nil {
		return false, 0, fmt.Errorf("store: claim %s: %w", name, res.Error)
	}
	if res.RowsAffected != 1 {
		return false, 0, nil
	}
	var row leaseRow
	if err := db.Where("name = ?", name).Take(&row).Error; err != nil {
		return false, 0, fmt.Errorf("store: claim %s: %w", name, err)
	}
	return row.Holder == c.Holder, row.Epoch, nil
}

// Release gives up the claim of source id that ClaimDue won at epoch, if
// it is still that one (a pull that never started; one that did releases
// its claim itself, and any later hold has another epoch).
func (c PullClaims) Release(ctx context.Context, id string, epoch int64) error {
	err := c.Store.db.WithContext(ctx).Exec("UPDATE leases SET holder = '', until = ? WHERE name = ? AND holder = ? AND epoch = ?",
		time.Unix(0, 0).UTC(), claimPrefix+id, c.Holder, epoch).Error
	if err != nil {
		return fmt.Errorf("store: release claim %s: %w", claimPrefix+id, err)
	}
	return nil
}

// LapsedClaim is a pull claimed and never released, whose claim has
// lapsed: its daemon died or lost the database mid-pull.
type LapsedClaim struct {
	Source string
	Epoch  int64
}

// LapsedClaims lists the lapsed claims, for another daemon to take over
// (TakeOver).
func (c PullClaims) LapsedClaims(ctx context.Context) ([]LapsedClaim, error) {
	var rows []leaseRow
	err := c.Store.db.WithContext(ctx).Where("name LIKE ? AND holder <> '' AND until < ?", claimPrefix+"%", c.now().UTC()).
		Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: lapsed claims: %w", err)
	}
	out := make([]LapsedClaim, len(rows))
	for i, r := range rows {
		out[i] = LapsedClaim{Source: r.Name[len(claimPrefix):], Epoch: r.Epoch}
	}
	return out, nil
}

// TakeOver claims a lapsed pull for this daemon, if it is still the
// lapsed claim l (not released or taken since it was listed), and reports
// whether it did; the pull then locks its source as the claim's holder
// (TryLockSource). The pull taken over reads the feed as it is now, so it
// stands for every due time up to now: one falling due while it runs is
// not pulled again.
func (c PullClaims) TakeOver(ctx context.Context, l LapsedClaim) (bool, error) {
	now := c.now().UTC()
	res := c.Store.db.WithContext(ctx).Exec("UPDATE leases SET epoch = epoch + 1, holder = ?, until = ?, due = ? "+
		"WHERE name = ? AND epoch = ? AND holder <> '' AND until < ?", c.Holder, now.Add(c.TTL), now, claimPrefix+l.Source, l.Epoch, now)
	if res.Error != nil {
		return false, fmt.Errorf("store: take over %s: %w", claimPrefix+l.Source, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// TryLockSource takes the source's claim if it is free, lapsed or already
// this daemon's (ClaimDue), and reports whether it did. The pull runs under
// the returned context: its writes are fenced by the claim's epoch
// (WithFence), and it is cancelled when a renewal fails, before the claim
// could lapse and another daemon take the source over. unlock ends the
// renewals and releases the claim.
func (c PullClaims) TryLockSource(ctx context.Context, id string) (context.Context, func(), bool, error) {
	name := claimPrefix + id
	start := c.now()
	held, epoch, err := c.Store.AcquireLease(ctx, name, c.Holder, start, c.TTL)
	if err != nil || !held {
		return ctx, nil, false, err
	}
	until := new(atomic.Int64)
	until.Store(start.Add(c.TTL).UnixNano())
	pull, cancel := context.WithCancel(ctx)
	pull = WithFence(pull, Fence{Name: name, Holder: c.Holder, Epoch: epoch, Now: c.now, Until: until})
	stop, renewed := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(renewed)
		tick := time.NewTicker(c.Renew)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			renewCtx, done := context.WithTimeout(context.WithoutCancel(ctx), c.Renew)
			at := c.now()
			still, e, err := c.Store.AcquireLease(renewCtx, name, c.Holder, at, c.TTL)
			done()
			if err != nil || !still || e != epoch {
				cancel() // the claim may lapse: stop before another daemon starts
				return
			}
			until.Store(at.Add(c.TTL).UnixNano())
		}
	}()
	return pull, func() {
		close(stop)
		<-renewed
		cancel()
		// Bounded: a database gone meanwhile leaves the claim to lapse.
		releaseCtx, done := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer done()
		c.Store.ReleaseLease(releaseCtx, name, c.Holder)
	}, true, nil
}
