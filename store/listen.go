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

// Listeners are told of the changes committed to the database.
type Listeners struct {
	// Ready is called once the listening connection is set up.
	Ready func()
	// Sections is called with the ids (comma-separated) of the sections
	// a committed transaction changed.
	Sections func(ids string)
	// Config is called with the version of a site config saved.
	Config func(version string)
}

// ListenChanges tells l of the changes other daemons on the database (and
// this one) commit, as they commit, until ctx is done or the connection
// fails. It holds one connection of its own. On SQLite it returns at once
// with nil: nothing is announced there.
func (s *Store) ListenChanges(ctx context.Context, l Listeners) error {
	if s.dsn == "" {
		return nil
	}
	conn, err := pgx.Connect(ctx, s.dsn)
	if err != nil {
		return fmt.Errorf("store: listen for changes: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, channel := range []string{changesChannel, configChannel} {
		if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
			return fmt.Errorf("store: listen for changes: %w", err)
		}
	}
	if l.Ready != nil {
		l.Ready()
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("store: listen for changes: %w", err)
		}
		switch {
		case n.Channel == changesChannel && l.Sections != nil:
			l.Sections(n.Payload)
		case n.Channel == configChannel && l.Config != nil:
			l.Config(n.Payload)
		}
	}
}
