package store

import (
	"context"
	"time"
)

// LeaseSourceLock keeps daemons sharing a PostgreSQL database from pulling
// one source at once: the pull holds the lease "pull/ID" (see AcquireLease)
// for at most TTL, after which another daemon may take it even if the
// holder never gave it back (it crashed).
type LeaseSourceLock struct {
	Store  *Store
	Holder string           // this daemon's name in leases
	TTL    time.Duration    // longer than any pull may take
	Now    func() time.Time // nil: time.Now
}

// TryLockSource takes the source's lease if it is free and reports whether
// it did; unlock releases it.
func (l LeaseSourceLock) TryLockSource(ctx context.Context, id string) (unlock func(), ok bool, err error) {
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	name := "pull/" + id
	held, _, err := l.Store.AcquireLease(ctx, name, l.Holder, now(), l.TTL)
	if err != nil || !held {
		return nil, false, err
	}
	return func() {
		// Bounded: a database gone meanwhile leaves the lease to lapse.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		l.Store.ReleaseLease(ctx, name, l.Holder)
	}, true, nil
}
