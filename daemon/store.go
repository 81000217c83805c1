package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"wirefeed/config"
	"wirefeed/store"
)

// OpenStore opens the database the config names: PostgreSQL when
// storage.postgres is set, else the SQLite file at storage.path. With
// mustExist, a missing SQLite file is an error rather than created (for
// commands that only read).
func OpenStore(cfg *config.Config, mustExist bool) (*store.Store, error) {
	if cfg.Storage.Postgres != "" {
		return store.OpenPostgres(cfg.Storage.Postgres)
	}
	if err := cfg.CheckStorage(); err != nil {
		return nil, err
	}
	if mustExist {
		if _, err := os.Stat(cfg.Storage.Path); err != nil {
			return nil, fmt.Errorf("no database at %s (storage.path in %s): %w", cfg.Storage.Path, cfg.Path, errors.Unwrap(err))
		}
	}
	return store.OpenSQLite(cfg.Storage.Path)
}

// databaseSize is the size of the database in bytes, for /metrics: the
// SQLite file and its write-ahead log, or PostgreSQL's own figure.
func databaseSize(cfg *config.Config, st *store.Store) func() float64 {
	if cfg.Storage.Postgres != "" {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := st.DatabaseSize(ctx)
			if err != nil {
				return 0
			}
			return float64(n)
		}
	}
	return func() float64 {
		var n int64
		for _, p := range []string{cfg.Storage.Path, cfg.Storage.Path + "-wal"} {
			if info, err := os.Stat(p); err == nil {
				n += info.Size()
			}
		}
		return float64(n)
	}
}
