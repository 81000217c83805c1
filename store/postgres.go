package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// writerLock is the PostgreSQL advisory lock every writing transaction of
// the ingest path holds: SQLite gives one writer at a time by itself
// (immediate transactions); on PostgreSQL the lock gives the same, so that
// two daemons sharing the database never both decide that their copies of
// one story are the first, and story ids grow in commit order (which the
// in-memory band index relies on when it reads new stories by id).
const writerLock = 0x77697265_66656564 // "wirefeed"

// migrateLock is held while one process migrates the schema, so that
// daemons starting together do not race to create the same tables.
const migrateLock = writerLock + 1

// OpenPostgres opens the PostgreSQL database named by dsn (a URL such as
// "postgres://user@host:5432/db?sslmode=disable", or key=value pairs) and
// migrates its schema. Several daemons may share it.
func OpenPostgres(dsn string) (*Store, error) {
	if dsn == "" {
		return nil, errors.New("store: empty PostgreSQL DSN")
	}
	db, err := openPostgresDB(dsn)
	if err != nil {
		return nil, err
	}
	s, err := newStore(db)
	if err != nil {
		if sqlDB, dbErr := db.DB(); dbErr == nil {
			sqlDB.Close()
		}
		return nil, fmt.Errorf("store: open PostgreSQL: %w", err)
	}
	s.dsn = dsn
	return s, nil
}

// openPostgresDB opens the PostgreSQL database named by dsn as OpenPostgres
// uses it, without touching its schema.
func openPostgresDB(dsn string) (*gorm.DB, error) {
	conf, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: PostgreSQL DSN: %w", err)
	}
	// Times come back in UTC, as SQLite's do, whatever the server's or
	// this machine's zone.
	utc := stdlib.OptionAfterConnect(func(_ context.Context, conn *pgx.Conn) error {
		conn.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
		return nil
	})
	sqlDB := stdlib.OpenDB(*conf, utc)
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), gormConfig())
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: open PostgreSQL: %w", err)
	}
	return db, nil
}

// isPostgres reports whether db is PostgreSQL.
func isPostgres(db *gorm.DB) bool { return db.Dialector.Name() == "postgres" }

// lockWriters makes tx, a transaction that writes stories, wait for every
// other such transaction (see writerLock). SQLite needs nothing: its
// immediate transactions already take the database's one write lock.
func lockWriters(tx *gorm.DB) error {
	if !isPostgres(tx) {
		return nil
	}
	if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", int64(writerLock)).Error; err != nil {
		return fmt.Errorf("take the writer lock: %w", err)
	}
	return nil
}

// DatabaseSize returns the size of the PostgreSQL database in bytes.
func (s *Store) DatabaseSize(ctx context.Context) (int64, error) {
	if !isPostgres(s.db) {
		return 0, errors.New("store: DatabaseSize: not PostgreSQL")
	}
	var n int64
	if err := s.db.WithContext(ctx).Raw("SELECT pg_database_size(current_database())").Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("store: database size: %w", err)
	}
	return n, nil
}
