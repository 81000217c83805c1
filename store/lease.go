package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// A lease is a named role one of several daemons sharing the database holds
// for a while, such as running the scheduler (a leases row). The holder
// renews it before its end; when it stops renewing (it exited, crashed, was
// paused or lost the database), another takes it over once the end has
// passed. Each change of holder increments the lease's epoch, so a write
// made on behalf of a holder can be fenced: refused once the lease has
// moved on (see WithFence).

// AcquireLease takes the named lease for holder until now+ttl, or renews
// it, when it is free, expired or already holder's, and reports whether
// holder now holds it and the lease's epoch. The clocks of the daemons
// sharing the database must agree to well within ttl.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (held bool, epoch int64, err error) {
	now = now.UTC()
	db := s.db.WithContext(ctx)
	if err := db.Exec(s.sql.addLease(), name, "", time.Unix(0, 0).UTC()).Error; err != nil {
		return false, 0, fmt.Errorf("store: lease %s: %w", name, err)
	}
	res := db.Exec("UPDATE leases SET epoch = CASE WHEN holder = ? THEN epoch ELSE epoch + 1 END, holder = ?, until = ? "+
		"WHERE name = ? AND (holder = ? OR until < ?)", holder, holder, now.Add(ttl), name, holder, now)
	if res.Error != nil {
		return false, 0, fmt.Errorf("store: lease %s: %w", name, res.Error)
	}
	if res.RowsAffected != 1 {
		return false, 0, nil
	}
	var row leaseRow
	if err := db.Where("name = ?", name).Take(&row).Error; err != nil {
		return false, 0, fmt.Errorf("store: lease %s: %w", name, err)
	}
	return row.Holder == holder, row.Epoch, nil
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

// LeaseHolder returns who holds the named lease and until when; holder is
// "" when nobody ever took it or it was released.
func (s *Store) LeaseHolder(ctx context.Context, name string) (holder string, until time.Time, err error) {
	var row leaseRow
	err = s.db.WithContext(ctx).Where("name = ?", name).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("store: lease %s: %w", name, err)
	}
	return row.Holder, row.Until.UTC(), nil
}

// ErrFenced refuses a write made for a lease holder whose lease has lapsed
// or moved to another holder since (see WithFence).
var ErrFenced = errors.New("the lease this write was made under has lapsed or moved to another daemon")

// Fence names the lease a write is made under: the write happens only if
// Holder still holds lease Name at Epoch, unexpired at Now().
type Fence struct {
	Name   string
	Holder string
	Epoch  int64
	Now    func() time.Time
	// Until, when not nil, holds when the lease lapses (Unix nanoseconds)
	// as its holder last took or renewed it: see FenceHolds.
	Until *atomic.Int64
}

// FenceHolds reports whether the lease ctx's fence names is still held by
// its holder's own clock, the fence's Now (true without a fence, or
// without Until).
// A pull asks it right before it sends its request: a daemon paused past
// its lease (SIGSTOP, a stalled machine) then sends nothing on waking,
// before it could learn from the database that another daemon took over.
func FenceHolds(ctx context.Context) bool {
	f, ok := ctx.Value(fenceKey{}).(Fence)
	if !ok || f.Until == nil {
		return true
	}
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	return now().UnixNano() < f.Until.Load()
}

type fenceKey struct{}

// WithFence returns ctx carrying f: the story and fetch-state writes made
// with it are refused with ErrFenced once f's lease is no longer held.
func WithFence(ctx context.Context, f Fence) context.Context {
	return context.WithValue(ctx, fenceKey{}, f)
}

// fenced reports whether ctx carries a fence.
func fenced(ctx context.Context) bool {
	_, ok := ctx.Value(fenceKey{}).(Fence)
	return ok
}

// checkFence refuses tx's write if ctx carries a fence no longer held. On
// PostgreSQL the lease row is share-locked until tx ends, so a takeover
// waits for the write rather than slipping in between.
func checkFence(ctx context.Context, tx *gorm.DB) error {
	f, ok := ctx.Value(fenceKey{}).(Fence)
	if !ok {
		return nil
	}
	q := "SELECT count(*) FROM leases WHERE name = ? AND holder = ? AND epoch = ? AND until > ?"
	if isPostgres(tx) {
		q = "SELECT count(*) FROM (SELECT 1 FROM leases WHERE name = ? AND holder = ? AND epoch = ? AND until > ? FOR SHARE) held"
	}
	var n int64
	if err := tx.Raw(q, f.Name, f.Holder, f.Epoch, f.Now().UTC()).Scan(&n).Error; err != nil {
		return fmt.Errorf("check lease %s: %w", f.Name, err)
	}
	if n == 0 {
		return fmt.Errorf("lease %s of %s, epoch %d: %w", f.Name, f.Holder, f.Epoch, ErrFenced)
	}
	return nil
}
