package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// changesChannel is the PostgreSQL notification channel on which a
// transaction that changed sections announces them when it commits.
const changesChannel = "wirefeed_sections"

// Listens reports whether the database announces changes (PostgreSQL):
// ListenChanges then tells of them as they commit.
func (s *Store) Listens() bool { return s.dsn != "" }

// ListenChanges calls changed with the ids of the sections each committed
// transaction changed, as other daemons on the database (and this one)
// commit them, until ctx is done or the connection fails; ready is called
// once the listening connection is set up. It holds one connection of its
// own. On SQLite it returns at once with nil: nothing is announced there.
func (s *Store) ListenChanges(ctx context.Context, ready func(), changed func(sections string)) error {
	if s.dsn == "" {
		return nil
	}
	conn, err := pgx.Connect(ctx, s.dsn)
	if err != nil {
		return fmt.Errorf("store: listen for changes: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return fmt.Errorf("store: listen for changes: %w", err)
	}
	if ready != nil {
		ready()
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("store: listen for changes: %w", err)
		}
		changed(n.Payload)
	}
}
