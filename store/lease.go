package store

import (
	"context"
	"fmt"
	"time"
)

// A lease is a named role one of several daemons sharing the database holds
// for a while, such as running the scheduler (a leases row). The holder
// renews it before its end; when it stops renewing (it exited, crashed or
// lost the database), another takes it over once the end has passed.

// AcquireLease takes the named lease for holder until now+ttl, or renews
// it, when it is free, expired or already holder's, and reports whether
// holder now holds it. The clocks of the daemons sharing the database must
// agree to well within ttl.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	now = now.UTC()
	db := s.db.WithContext(ctx)
	err := db.Exec(s.sql.addLease(), name, "", time.Unix(0, 0).UTC()).Error
	if err != nil {
		return false, fmt.Errorf("store: lease %s: %w", name, err)
	}
	res := db.Model(&leaseRow{}).Where("name = ? AND (holder = ? OR until < ?)", name, holder, now).
		Updates(map[string]any{"holder": holder, "until": now.Add(ttl)})
	if res.Error != nil {
		return false, fmt.Errorf("store: lease %s: %w", name, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ReleaseLease gives up the named lease if holder holds it, so that another
// daemon may take it at once.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	err := s.db.WithContext(ctx).Model(&leaseRow{}).Where("name = ? AND holder = ?", name, holder).
		Updates(map[string]any{"holder": "", "until": time.Unix(0, 0).UTC()}).Error
	if err != nil {
		return fmt.Errorf("store: release lease %s: %w", name, err)
	}
	return nil
}
